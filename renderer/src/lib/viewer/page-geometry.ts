import { sampleRange, type Cell, type LeadLayout, type TimeWindow } from './layout';
import { calAreaMm, type Paper } from './paper';

/**
 * Where things go on the page, in paper millimetres. Vertically: a band for beat markers,
 * the grid with one row per layout row (and more paper above or below it where the first or
 * last row's tracing reaches past it), and a footer with the settings printed below it.
 * Horizontally: the calibration-pulse area, then time, so x depends only on time, the same
 * for every row: a beat lines up across the columns and the rhythm strip.
 */
export interface PageGeometry {
  /** x of the page window's start (mm): the calibration pulse sits left of it. */
  readonly timeZeroMm: number;
  readonly markerBandMm: number;
  readonly rowMm: number;
  readonly gridTopMm: number;
  readonly gridWidthMm: number;
  readonly gridHeightMm: number;
  /**
   * y (mm) where the paper starts, under the beat markers: the first row's top (gridTopMm), or
   * higher where its tallest wave needs more paper; the paper ends at footerTopMm.
   */
  readonly paperTopMm: number;
  /** y (mm) of the settings footer: below the grid, lower still where the last row's tracing reaches past the grid. */
  readonly footerTopMm: number;
  readonly widthMm: number;
  readonly heightMm: number;
}

export type RowStyle = 'multi' | 'single' | 'enlarged';

/**
 * Row pitch (mm), scaled with gain so complexes of about ±1.5 mV stay within their row, and
 * kept on whole 5 mm boxes. Leads still overlap for taller complexes, as on paper.
 */
export function rowHeightMm(style: RowStyle, gainMmMv: number): number {
  const perMv = style === 'multi' ? 2.5 : style === 'single' ? 1.6 : 4;
  const margin = style === 'enlarged' ? 10 : 5;
  return 5 * Math.ceil((perMv * gainMmMv + margin) / 5);
}

const markerBandMm = 6;
const footerMm = 9;
const rightMarginMm = 5;

export interface PageLimits {
  /**
   * On paper, the grid must fit the page (printing): rows come closer (whole 5 mm, at least
   * 10 mm) rather than the tracing shrinking, so speed and gain stay exact.
   */
  readonly maxGridMm?: number | undefined;
  /** The least page width (what the footer needs): a short record's grid goes on past its tracing to it. */
  readonly minWidthMm?: number | undefined;
  /**
   * How far the tracing reaches from the first row's 0 mV line up and from the last row's down
   * (mV, see tracingReach): the page takes room above and below the grid for it, so a tall R
   * wave in the top row or a deep S in the bottom row is drawn whole, not cut off at the page's
   * edge or drawn over the footer.
   */
  readonly reach?: TracingReach | undefined;
}

export interface TracingReach {
  /** Highest value (mV) the first row's leads reach within their windows; 0 when none rises. */
  readonly aboveMv: number;
  /** Depth (mV, positive) the last row's leads reach below 0 mV within their windows; 0 when none falls. */
  readonly belowMv: number;
}

/** How far the first row's tracings rise and the last row's fall, each lead within the seconds its cell shows. */
export function tracingReach(layout: LeadLayout, signals: readonly (Float32Array | undefined)[], fs: number): TracingReach {
  const last = Math.max(0, layout.rows - 1);
  const extreme = (cell: Cell, pick: (a: number, b: number) => number): number => {
    const samples = cell.leadIndex === null ? undefined : signals[cell.leadIndex];
    if (!samples) return 0;
    const { from, to } = sampleRange(cell.window, fs, samples.length);
    let value = 0;
    // NaN (a gap) leaves the value as it was: pick(value, NaN) is never taken.
    for (let i = from; i < to; i++) if (Number.isFinite(samples[i])) value = pick(value, samples[i] as number);
    return value;
  };
  let aboveMv = 0;
  let belowMv = 0;
  for (const cell of layout.cells) {
    if (cell.row === 0) aboveMv = Math.max(aboveMv, extreme(cell, Math.max));
    if (cell.row === last) belowMv = Math.max(belowMv, -extreme(cell, Math.min));
  }
  return { aboveMv, belowMv };
}

/**
 * Paper (whole 5 mm boxes, so the major lines stay on the rows') added beyond the rows for a wave
 * reaching `reachMm` from a 0 mV line with `roomMm` up to the page's edge or the footer: none
 * where it fits, else enough to hold it on the grid with 1 mm to spare from its 0 mV line's
 * `paperMm` of grid, so its height can be read off the boxes.
 */
function extraPaperMm(reachMm: number, roomMm: number, paperMm: number): number {
  return reachMm + 1 <= roomMm ? 0 : 5 * Math.ceil((reachMm + 1 - paperMm) / 5);
}

/**
 * The row pitch: the natural one on screen; on paper (maxGridMm) the largest in whole 5 mm, at
 * least 10 mm, whose rows and the paper a tall or deep wave takes fit the room, so the sheet
 * holds the tracing whole at its exact speed and gain.
 */
function fittingRowMm(natural: number, rows: number, extras: (rowMm: number) => { aboveMm: number; belowMm: number }, maxGridMm: number | undefined): number {
  if (maxGridMm === undefined) return natural;
  let rowMm = natural;
  const height = (r: number) => rows * r + extras(r).aboveMm + extras(r).belowMm;
  while (rowMm > 10 && height(rowMm) > maxGridMm) rowMm -= 5;
  return rowMm;
}

export function pageGeometry(paper: Paper, layout: LeadLayout, window: TimeWindow, style: RowStyle, { maxGridMm, minWidthMm = 0, reach }: PageLimits = {}): PageGeometry {
  const timeZeroMm = calAreaMm(paper.speedMmS);
  const natural = rowHeightMm(style, paper.gainMmMv);
  const rows = Math.max(1, layout.rows);
  // Above the first row's 0 mV line: the marker band and the part of the row above it; below the last row's: the rest of that row.
  const extras = (rowMm: number) => ({
    aboveMm: extraPaperMm((reach?.aboveMv ?? 0) * paper.gainMmMv, markerBandMm + baselineOffsetMm(rowMm), baselineOffsetMm(rowMm)),
    belowMm: extraPaperMm((reach?.belowMv ?? 0) * paper.gainMmMv, rowMm - baselineOffsetMm(rowMm), rowMm - baselineOffsetMm(rowMm)),
  });
  const rowMm = fittingRowMm(natural, rows, extras, maxGridMm);
  const { aboveMm, belowMm } = extras(rowMm);
  const traceMm = (window.end - window.start) * paper.speedMmS;
  // The grid ends on a major (5 mm) line.
  const gridWidthMm = 5 * Math.ceil(Math.max(timeZeroMm + traceMm + rightMarginMm, minWidthMm) / 5);
  const gridHeightMm = rows * rowMm;
  const gridTopMm = markerBandMm + aboveMm;
  const footerTopMm = gridTopMm + gridHeightMm + belowMm;
  return {
    timeZeroMm,
    markerBandMm,
    rowMm,
    gridTopMm,
    gridWidthMm,
    gridHeightMm,
    paperTopMm: markerBandMm,
    footerTopMm,
    widthMm: gridWidthMm,
    heightMm: footerTopMm + footerMm,
  };
}

/** x (mm) of time `t` (s from the record's start). */
export function timeToMm(geometry: PageGeometry, paper: Paper, window: TimeWindow, t: number): number {
  return geometry.timeZeroMm + (t - window.start) * paper.speedMmS;
}

/** y (mm) of a row's 0 mV line: a little below the middle, as most of a QRS rises above it; on a whole millimetre. */
export function baselineMm(geometry: PageGeometry, row: number): number {
  return geometry.gridTopMm + row * geometry.rowMm + baselineOffsetMm(geometry.rowMm);
}

function baselineOffsetMm(rowMm: number): number {
  return Math.round(rowMm * 0.6);
}
