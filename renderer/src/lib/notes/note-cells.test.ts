import { describe, expect, it } from 'vitest';
import { layoutCells, standardLeadOrder } from '../viewer/layout';
import { noteCellMarks } from './note-cells';

const page = { start: 0, end: 10 };
const note = (id: number, atS: number, lead: string | null) => ({ id, atS, lead });

describe('noteCellMarks', () => {
  it('on a 3×4 page, marks a lead note only in the column that shows that lead at that time, and in the rhythm strip of its lead', () => {
    const cells = layoutCells('3x4', standardLeadOrder, page).cells;
    // V2 is drawn from 5 to 7.5 s; II in the first column and along the rhythm strip.
    const marks = noteCellMarks([note(11, 2.5, 'V2'), note(12, 6, 'V2'), note(13, 1, 'II'), note(14, 3, null)], cells);
    const v2Row = cells.find((c) => c.lead === 'V2')?.row;
    const rhythmRow = cells.find((c) => c.rhythm)?.row;
    const iiRow = cells.find((c) => c.lead === 'II' && !c.rhythm)?.row;
    expect(marks).toEqual([
      { noteId: 12, n: 2, lead: 'V2', row: v2Row, atS: 6 },
      { noteId: 13, n: 3, lead: 'II', row: iiRow, atS: 1 },
      { noteId: 13, n: 3, lead: 'II', row: rhythmRow, atS: 1 },
    ]);
  });

  it('on a 12×1 page marks every lead note in its own row; a lead the record lacks gets no mark', () => {
    const cells = layoutCells('12x1', standardLeadOrder, page).cells;
    expect(noteCellMarks([note(1, 2.5, 'V2')], cells)).toEqual([{ noteId: 1, n: 1, lead: 'V2', row: standardLeadOrder.indexOf('V2'), atS: 2.5 }]);
    const withoutV2 = layoutCells('12x1', standardLeadOrder.filter((l) => l !== 'V2'), page).cells;
    expect(noteCellMarks([note(1, 2.5, 'V2')], withoutV2)).toEqual([]);
  });

  it('finds a lead by the name the record gives it (MLII drawn in the II place)', () => {
    const cells = layoutCells('12x1', ['MLII', 'V1'], page).cells;
    const marks = noteCellMarks([note(5, 4, 'MLII')], cells);
    expect(marks).toHaveLength(1);
    expect(marks[0]?.lead).toBe('MLII');
  });
});
