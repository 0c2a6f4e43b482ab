/**
 * Which lead goes where, and which seconds of the record each cell shows. Time is
 * continuous across columns, as on a cardiograph's printout: in 3×4 the first column shows
 * 0–2.5 s, the second 2.5–5 s and so on, so every beat lines up vertically with the same
 * beat on the full-length rhythm strip below.
 */
export const layoutKinds = ['3x4', '6x2', '12x1'] as const;
export type LayoutKind = (typeof layoutKinds)[number];
export const layoutLabels: Record<LayoutKind, string> = { '3x4': '3×4 + rhythm', '6x2': '6×2', '12x1': '12×1' };

export const standardLeadOrder: readonly string[] = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];

/** Lead columns of the multi-column layouts, left to right. */
const columnsOf: Record<Exclude<LayoutKind, '12x1'>, readonly (readonly string[])[]> = {
  '3x4': [
    ['I', 'II', 'III'],
    ['aVR', 'aVL', 'aVF'],
    ['V1', 'V2', 'V3'],
    ['V4', 'V5', 'V6'],
  ],
  '6x2': [
    ['I', 'II', 'III', 'aVR', 'aVL', 'aVF'],
    ['V1', 'V2', 'V3', 'V4', 'V5', 'V6'],
  ],
};

/** A page shows at most 10 s, like a 12-lead printout; longer records are paged through. */
export const pageSeconds = 10;

export interface TimeWindow {
  /** Seconds from the start of the record. */
  readonly start: number;
  readonly end: number;
}

export interface Cell {
  readonly lead: string;
  /** Index into the record's leads, or null when the record lacks this lead. */
  readonly leadIndex: number | null;
  readonly row: number;
  readonly col: number;
  readonly window: TimeWindow;
  /** The full-length rhythm strip under a 3×4 page. */
  readonly rhythm: boolean;
}

export interface LeadLayout {
  readonly rows: number;
  readonly columns: number;
  readonly cells: readonly Cell[];
}

/** The page at `startS` (clamped into the record), at most `pageSeconds` long. */
export function pageWindow(durationS: number, startS = 0): TimeWindow {
  const length = Math.min(pageSeconds, Math.max(0, durationS));
  const start = Math.min(Math.max(0, startS), Math.max(0, durationS - length));
  return { start, end: start + length };
}

/** Splits a page into `count` consecutive, equal windows (continuous time). */
export function columnWindows(window: TimeWindow, count: number): TimeWindow[] {
  const step = (window.end - window.start) / count;
  return Array.from({ length: count }, (_, c) => ({ start: window.start + c * step, end: c === count - 1 ? window.end : window.start + (c + 1) * step }));
}

/** Sample indices [from, to) of a window in a lead of `nSamples` at `fs`. */
export function sampleRange(window: TimeWindow, fs: number, nSamples: number): { from: number; to: number } {
  const from = Math.min(nSamples, Math.max(0, Math.round(window.start * fs)));
  return { from, to: Math.min(nSamples, Math.max(from, Math.round(window.end * fs))) };
}

function indexOrNull(leadNames: readonly string[], lead: string): number | null {
  const index = leadNames.indexOf(lead);
  return index >= 0 ? index : null;
}

function fullRows(leads: readonly string[], leadNames: readonly string[], window: TimeWindow, firstRow: number): Cell[] {
  return leads.map((lead, k) => ({ lead, leadIndex: indexOrNull(leadNames, lead), row: firstRow + k, col: 0, window, rhythm: false }));
}

/**
 * Cells of a layout for a record with leads `leadNames`. Standard leads sit at their fixed
 * places (a lead the record lacks keeps its cell, marked not recorded); other leads (V7, a
 * Holter channel…) follow as full-length rows. A record with no standard lead at all is shown
 * one lead per row whatever the layout.
 */
export function layoutCells(kind: LayoutKind, leadNames: readonly string[], window: TimeWindow, rhythmLead = 'II'): LeadLayout {
  const standard = standardLeadOrder.filter((name) => leadNames.includes(name));
  const extras = leadNames.filter((name) => !standardLeadOrder.includes(name));
  if (kind === '12x1' || standard.length === 0) {
    const cells = fullRows([...standard, ...extras], leadNames, window, 0);
    return { rows: cells.length, columns: 1, cells };
  }
  const columns = columnsOf[kind];
  const windows = columnWindows(window, columns.length);
  const cells: Cell[] = columns.flatMap((leads, col) =>
    leads.map((lead, row) => ({ lead, leadIndex: indexOrNull(leadNames, lead), row, col, window: windows[col] as TimeWindow, rhythm: false })),
  );
  let rows = columns[0]?.length ?? 0;
  if (kind === '3x4') {
    const lead = leadNames.includes(rhythmLead) ? rhythmLead : (standard[0] as string);
    cells.push({ lead, leadIndex: indexOrNull(leadNames, lead), row: rows, col: 0, window, rhythm: true });
    rows += 1;
  }
  cells.push(...fullRows(extras, leadNames, window, rows));
  return { rows: rows + extras.length, columns: columns.length, cells };
}

/** One lead over the whole page, for the enlarged view. */
export function enlargedLayout(lead: string, leadNames: readonly string[], window: TimeWindow): LeadLayout {
  return { rows: 1, columns: 1, cells: fullRows([lead], leadNames, window, 0) };
}
