import { describe, expect, it } from 'vitest';
import { columnWindows, drawableLayout, enlargedLayout, layoutCells, narrowPageNote, pageWindow, sampleRange, standardLeadOrder, type LeadLayout } from './layout';

const twelve = [...standardLeadOrder];
const page = { start: 0, end: 10 };
const where = (layout: LeadLayout, lead: string, rhythm = false) => layout.cells.find((c) => c.lead === lead && c.rhythm === rhythm);

describe('3×4 + rhythm', () => {
  const layout = layoutCells('3x4', twelve, page);

  it('puts the leads in standard order, column by column, with continuous time', () => {
    const expected: [string, number, number, number, number][] = [
      ['I', 0, 0, 0, 2.5], ['II', 1, 0, 0, 2.5], ['III', 2, 0, 0, 2.5],
      ['aVR', 0, 1, 2.5, 5], ['aVL', 1, 1, 2.5, 5], ['aVF', 2, 1, 2.5, 5],
      ['V1', 0, 2, 5, 7.5], ['V2', 1, 2, 5, 7.5], ['V3', 2, 2, 5, 7.5],
      ['V4', 0, 3, 7.5, 10], ['V5', 1, 3, 7.5, 10], ['V6', 2, 3, 7.5, 10],
    ];
    for (const [lead, row, col, t0, t1] of expected) {
      expect(where(layout, lead)).toMatchObject({ row, col, window: { start: t0, end: t1 }, leadIndex: twelve.indexOf(lead) });
    }
  });

  it('adds a full-length lead II rhythm strip as the fourth row', () => {
    expect(layout.rows).toBe(4);
    expect(layout.columns).toBe(4);
    expect(where(layout, 'II', true)).toMatchObject({ row: 3, col: 0, window: { start: 0, end: 10 } });
    expect(layout.cells).toHaveLength(13);
  });

  it('follows the page of a long record', () => {
    const second = layoutCells('3x4', twelve, { start: 10, end: 20 });
    expect(where(second, 'aVL')?.window).toEqual({ start: 12.5, end: 15 });
    expect(where(second, 'II', true)?.window).toEqual({ start: 10, end: 20 });
  });
});

describe('6×2 and 12×1', () => {
  it('6×2: limb leads 0–5 s on the left, chest leads 5–10 s on the right', () => {
    const layout = layoutCells('6x2', twelve, page);
    expect(layout).toMatchObject({ rows: 6, columns: 2 });
    expect(where(layout, 'aVF')).toMatchObject({ row: 5, col: 0, window: { start: 0, end: 5 } });
    expect(where(layout, 'V1')).toMatchObject({ row: 0, col: 1, window: { start: 5, end: 10 } });
    expect(layout.cells.some((c) => c.rhythm)).toBe(false);
  });

  it('12×1: every lead over the whole page, in standard order whatever the file order', () => {
    const shuffled = ['V6', 'aVR', 'I', 'V1', 'II', 'III', 'aVL', 'aVF', 'V2', 'V3', 'V4', 'V5'];
    const layout = layoutCells('12x1', shuffled, page);
    expect(layout.cells.map((c) => c.lead)).toEqual(twelve);
    expect(layout.cells.map((c) => c.leadIndex)).toEqual(twelve.map((l) => shuffled.indexOf(l)));
    expect(layout.cells.every((c) => c.window.start === 0 && c.window.end === 10)).toBe(true);
  });
});

describe('records that are not a plain 12-lead', () => {
  it('keeps cells for leads a record lacks, marked not recorded, and adds other leads as rows', () => {
    const layout = layoutCells('3x4', ['I', 'II', 'V1', 'V7'], page);
    expect(where(layout, 'III')?.leadIndex).toBeNull();
    expect(where(layout, 'V7')).toMatchObject({ row: 4, col: 0, leadIndex: 3, window: page });
    expect(layout.rows).toBe(5);
  });

  it('uses the first standard lead for the rhythm strip when II is missing', () => {
    expect(where(layoutCells('3x4', ['V1', 'V2', 'aVF'], page), 'aVF', true)?.leadIndex).toBe(2);
  });

  it('shows non-standard leads one per row whatever the layout', () => {
    const layout = layoutCells('3x4', ['ECG1', 'ECG2'], page);
    expect(layout.cells.map((c) => [c.lead, c.row, c.col])).toEqual([['ECG1', 0, 0], ['ECG2', 1, 0]]);
  });

  it('enlarges one lead across the page', () => {
    expect(enlargedLayout('V2', twelve, page)).toEqual({ rows: 1, columns: 1, cells: [{ lead: 'V2', label: 'V2', leadIndex: 7, row: 0, col: 0, window: page, rhythm: false }] });
  });

  it('puts recorded modified leads at their places in every layout: MIT-BIH 100 (MLII, V5) has II, its rhythm strip and V5', () => {
    const names = ['MLII', 'V5'];
    for (const kind of ['3x4', '6x2', '12x1'] as const) {
      const layout = layoutCells(kind, names, page);
      expect(where(layout, 'II'), kind).toMatchObject({ label: 'MLII', leadIndex: 0 });
      expect(where(layout, 'V5'), kind).toMatchObject({ label: 'V5', leadIndex: 1 });
      expect(layout.cells.some((c) => c.lead === 'MLII'), kind).toBe(false);
    }
    expect(where(layoutCells('3x4', names, page), 'II', true)).toMatchObject({ label: 'MLII', leadIndex: 0 });
    expect(layoutCells('12x1', names, page).cells.map((c) => c.label)).toEqual(['MLII', 'V5']);
    // A true II wins its place; the modified lead then gets a row of its own.
    expect(where(layoutCells('3x4', ['II', 'MLII'], page), 'MLII')).toMatchObject({ row: 4, leadIndex: 1 });
  });

  it('leaves excluded channels (blood pressure…) off the paper', () => {
    const layout = layoutCells('3x4', ['I', 'II', 'ABP'], page, { exclude: (i) => i === 2 });
    expect(layout.cells.some((c) => c.label === 'ABP')).toBe(false);
    expect(layout.rows).toBe(4);
  });
});

describe('time windows', () => {
  it('pages a long record in 10 s steps and clamps the last page into the record', () => {
    expect(pageWindow(10)).toEqual({ start: 0, end: 10 });
    expect(pageWindow(8)).toEqual({ start: 0, end: 8 });
    expect(pageWindow(60, 20)).toEqual({ start: 20, end: 30 });
    expect(pageWindow(25, 20)).toEqual({ start: 15, end: 25 });
    expect(pageWindow(25, -4)).toEqual({ start: 0, end: 10 });
  });

  it('splits a page into consecutive windows without gaps', () => {
    const windows = columnWindows({ start: 0, end: 8 }, 4);
    expect(windows).toEqual([{ start: 0, end: 2 }, { start: 2, end: 4 }, { start: 4, end: 6 }, { start: 6, end: 8 }]);
  });

  it('maps a window to sample indices so adjacent cells share no sample and skip none', () => {
    const [a, b] = columnWindows(page, 4).map((w) => sampleRange(w, 500, 5000));
    expect(a).toEqual({ from: 0, to: 1250 });
    expect(b).toEqual({ from: 1250, to: 2500 });
    expect(sampleRange({ start: 7.5, end: 10 }, 500, 4900)).toEqual({ from: 3750, to: 4900 });
    expect(sampleRange({ start: 12, end: 14 }, 500, 5000)).toEqual({ from: 5000, to: 5000 });
  });

  it('draws a page too short for its columns one lead per row, and says so; 1 s per column is enough', () => {
    const short = { start: 0, end: 1.5 };
    expect(drawableLayout('3x4', short)).toBe('12x1');
    expect(drawableLayout('6x2', { start: 0, end: 2 })).toBe('6x2');
    expect(drawableLayout('6x2', { start: 0, end: 1.9 })).toBe('12x1');
    expect(drawableLayout('3x4', { start: 0, end: 4 })).toBe('3x4');
    const cells = layoutCells('3x4', standardLeadOrder, short);
    expect(cells).toMatchObject({ rows: 12, columns: 1 });
    expect(cells.cells.every((c) => c.col === 0 && c.window === short && !c.rhythm)).toBe(true);
    expect(narrowPageNote('3x4', short)).toBe('3×4 + rhythm needs 4 s of record per page; this page has 1.5 s, so each lead has its own row');
    expect(narrowPageNote('3x4', { start: 0, end: 4 })).toBeNull();
    expect(narrowPageNote('12x1', short)).toBeNull();
  });
});
