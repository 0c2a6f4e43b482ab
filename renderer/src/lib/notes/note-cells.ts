import type { Cell } from '../viewer/layout';

/** A note drawn in a lead's cell: the number it has in the band and the list, and the row of the cell showing it. */
export interface NoteCellMark {
  readonly noteId: number;
  readonly n: number;
  readonly lead: string;
  readonly row: number;
  readonly atS: number;
}

/**
 * Where a note about one lead is drawn besides the band: in every cell that shows that lead at the
 * note's time (its column, and the rhythm strip when that is the lead). On a 3×4 page a lead is
 * drawn for a quarter of the time only, so a note on V2 at 2 s has no cell; the band's flag still
 * says its lead. Notes about all leads stay in the band. Numbers follow the notes' order, as the
 * band and the printed list number them.
 */
export function noteCellMarks(notes: readonly { readonly id: number; readonly atS: number; readonly lead: string | null }[], cells: readonly Cell[]): NoteCellMark[] {
  return notes.flatMap((note, i) => {
    if (note.lead === null) return [];
    return cells
      .filter((cell) => cell.leadIndex !== null && (cell.label === note.lead || cell.lead === note.lead) && showsTime(cell, note.atS))
      .map((cell) => ({ noteId: note.id, n: i + 1, lead: note.lead as string, row: cell.row, atS: note.atS }));
  });
}

/** A cell's window, its end included: a note exactly on a column boundary belongs to both columns' leads. */
function showsTime(cell: Cell, atS: number): boolean {
  return atS >= cell.window.start && atS <= cell.window.end;
}
