import type { LeadLayout, TimeWindow } from './layout';
import { calAreaMm, type Paper } from './paper';

/**
 * Where things go on the page, in paper millimetres. Vertically: a band for beat markers,
 * the grid with one row per layout row, and a footer with the settings printed below it.
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
}

export function pageGeometry(paper: Paper, layout: LeadLayout, window: TimeWindow, style: RowStyle, { maxGridMm, minWidthMm = 0 }: PageLimits = {}): PageGeometry {
  const timeZeroMm = calAreaMm(paper.speedMmS);
  const natural = rowHeightMm(style, paper.gainMmMv);
  const fitting = maxGridMm === undefined ? natural : Math.max(10, 5 * Math.floor(maxGridMm / Math.max(1, layout.rows) / 5));
  const rowMm = Math.min(natural, fitting);
  const traceMm = (window.end - window.start) * paper.speedMmS;
  // The grid ends on a major (5 mm) line.
  const gridWidthMm = 5 * Math.ceil(Math.max(timeZeroMm + traceMm + rightMarginMm, minWidthMm) / 5);
  const gridHeightMm = Math.max(1, layout.rows) * rowMm;
  return {
    timeZeroMm,
    markerBandMm,
    rowMm,
    gridTopMm: markerBandMm,
    gridWidthMm,
    gridHeightMm,
    widthMm: gridWidthMm,
    heightMm: markerBandMm + gridHeightMm + footerMm,
  };
}

/** x (mm) of time `t` (s from the record's start). */
export function timeToMm(geometry: PageGeometry, paper: Paper, window: TimeWindow, t: number): number {
  return geometry.timeZeroMm + (t - window.start) * paper.speedMmS;
}

/** y (mm) of a row's 0 mV line: a little below the middle, as most of a QRS rises above it; on a whole millimetre. */
export function baselineMm(geometry: PageGeometry, row: number): number {
  return geometry.gridTopMm + row * geometry.rowMm + Math.round(geometry.rowMm * 0.6);
}
