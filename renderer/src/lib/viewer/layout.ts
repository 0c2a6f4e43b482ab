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
  /** The place on the page: a standard lead name (I … V6), or the record's own name for other leads. */
  readonly lead: string;
  /** What the record calls the lead drawn here ("MLII" in the II place of an MIT-BIH record); equal to `lead` for standard leads. */
  readonly label: string;
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

/** The page at `startS` (clamped into the record), at most `seconds` long (a printed page at 50 mm/s holds 5 s). */
export function pageWindow(durationS: number, startS = 0, seconds = pageSeconds): TimeWindow {
  const length = Math.min(seconds, Math.max(0, durationS));
  const start = Math.min(Math.max(0, startS), Math.max(0, durationS - length));
  return { start, end: start + length };
}

/** Splits a page into `count` consecutive, equal windows (continuous time). */
export function columnWindows(window: TimeWindow, count: number): TimeWindow[] {
  const step = (window.end - window.start) / count;
  return Array.from({ length: count }, (_, c) => ({ start: window.start + c * step, end: c === count - 1 ? window.end : window.start + (c + 1) * step }));
}

/**
 * A column narrower than this holds less than a beat, and its lead label runs into the next
 * column's: a page too short for its layout's columns (a 1.5 s strip in 3×4 would give 0.4 s
 * each) is drawn one lead per row instead, and says so.
 */
export const minColumnSeconds = 1;

/** The layout a page can be drawn in: the chosen one, or one lead per row when its columns would be too narrow. */
export function drawableLayout(kind: LayoutKind, window: TimeWindow): LayoutKind {
  if (kind === '12x1') return kind;
  return (window.end - window.start) / columnsOf[kind].length < minColumnSeconds ? '12x1' : kind;
}

/** What the page says when it could not be drawn in the chosen layout; null when it was. */
export function narrowPageNote(kind: LayoutKind, window: TimeWindow): string | null {
  if (kind === '12x1' || drawableLayout(kind, window) === kind) return null;
  const needs = columnsOf[kind].length * minColumnSeconds;
  return `${layoutLabels[kind]} needs ${needs} s of record per page; this page has ${(window.end - window.start).toFixed(1)} s, so each lead has its own row`;
}

/** Sample indices [from, to) of a window in a lead of `nSamples` at `fs`. */
export function sampleRange(window: TimeWindow, fs: number, nSamples: number): { from: number; to: number } {
  const from = Math.min(nSamples, Math.max(0, Math.round(window.start * fs)));
  return { from, to: Math.min(nSamples, Math.max(from, Math.round(window.end * fs))) };
}

/**
 * The standard place of a recorded lead: itself when standard, else the lead a modified lead
 * stands for (MIT-BIH's MLII in place of II, MCL1 in place of V1). Holter "modified limb leads"
 * are read where the standard lead would be, and keep their own name on the page.
 */
export function standardPlaceOf(name: string): string | undefined {
  if (standardLeadOrder.includes(name)) return name;
  const limb = /^ML(I{1,3})$/i.exec(name.trim());
  if (limb?.[1]) return limb[1].toUpperCase();
  const chest = /^MCL([1-6])$/i.exec(name.trim());
  return chest?.[1] ? `V${chest[1]}` : undefined;
}

interface Placed {
  /** Standard place → index of the lead drawn there. */
  readonly places: ReadonlyMap<string, number>;
  /** Indices of leads with no standard place, in record order. */
  readonly extras: readonly number[];
}

/** Puts every drawable lead at its place; a true standard lead wins over a modified one for the same place. */
function placeLeads(leadNames: readonly string[], include: (index: number) => boolean): Placed {
  const places = new Map<string, number>();
  leadNames.forEach((name, i) => include(i) && standardLeadOrder.includes(name) && places.set(name, i));
  const extras: number[] = [];
  leadNames.forEach((name, i) => {
    if (!include(i) || standardLeadOrder.includes(name)) return;
    const place = standardPlaceOf(name);
    if (place && !places.has(place)) places.set(place, i);
    else extras.push(i);
  });
  return { places, extras };
}

function cellAt(placed: Placed, leadNames: readonly string[], lead: string, at: Omit<Cell, 'lead' | 'label' | 'leadIndex'>): Cell {
  const index = placed.places.get(lead);
  return { lead, label: index === undefined ? lead : (leadNames[index] as string), leadIndex: index ?? null, ...at };
}

export interface LayoutOptions {
  /** The rhythm strip's lead (its standard place); II by default. */
  readonly rhythmLead?: string;
  /** Leads to leave off the ECG paper (channels that are not ECG: blood pressure, plethysmogram…). */
  readonly exclude?: (index: number) => boolean;
}

/**
 * Cells of a layout for a record with leads `leadNames`. Standard leads sit at their fixed
 * places (a lead the record lacks keeps its cell, marked not recorded; a modified lead such as
 * MLII takes its standard lead's place); other leads (V7, a Holter channel…) follow as
 * full-length rows. A record with no lead at a standard place is shown one lead per row
 * whatever the layout.
 */
export function layoutCells(kind: LayoutKind, leadNames: readonly string[], window: TimeWindow, options: LayoutOptions = {}): LeadLayout {
  const placed = placeLeads(leadNames, (i) => !(options.exclude?.(i) ?? false));
  const standard = standardLeadOrder.filter((name) => placed.places.has(name));
  const extraRows = (firstRow: number): Cell[] =>
    placed.extras.map((index, k) => {
      const name = leadNames[index] as string;
      return { lead: name, label: name, leadIndex: index, row: firstRow + k, col: 0, window, rhythm: false };
    });
  if (kind === '12x1' || drawableLayout(kind, window) === '12x1' || standard.length === 0) {
    const cells = [...standard.map((lead, row) => cellAt(placed, leadNames, lead, { row, col: 0, window, rhythm: false })), ...extraRows(standard.length)];
    return { rows: cells.length, columns: 1, cells };
  }
  const columns = columnsOf[kind];
  const windows = columnWindows(window, columns.length);
  const cells: Cell[] = columns.flatMap((leads, col) => leads.map((lead, row) => cellAt(placed, leadNames, lead, { row, col, window: windows[col] as TimeWindow, rhythm: false })));
  let rows = columns[0]?.length ?? 0;
  if (kind === '3x4') {
    const rhythmLead = options.rhythmLead ?? 'II';
    const lead = placed.places.has(rhythmLead) ? rhythmLead : (standard[0] as string);
    cells.push(cellAt(placed, leadNames, lead, { row: rows, col: 0, window, rhythm: true }));
    rows += 1;
  }
  const extras = extraRows(rows);
  cells.push(...extras);
  return { rows: rows + extras.length, columns: columns.length, cells };
}

/** One lead (by the record's name for it) over the whole page, for the enlarged view. */
export function enlargedLayout(label: string, leadNames: readonly string[], window: TimeWindow): LeadLayout {
  const index = leadNames.indexOf(label);
  const lead = standardPlaceOf(label) ?? label;
  return { rows: 1, columns: 1, cells: [{ lead, label, leadIndex: index >= 0 ? index : null, row: 0, col: 0, window, rhythm: false }] };
}
