import { pageSeconds } from './layout';
import { calAreaMm } from './paper';

/**
 * What one printed page holds: landscape A4 (297 × 210 mm) less the 6 mm margins of the @page
 * rule in styles.css. The tracing is printed at true scale (speed and gain exact), so a page fits
 * by what it shows, never by shrinking: at 50 mm/s it shows 5 s instead of 10, and rows of the
 * tall layouts (6×2, 12×1) come closer together, their complexes overlapping as on cart paper.
 */
export const printableMm = { width: 297 - 12, height: 210 - 12 } as const;

/** Room for the grid: the page less the identification header, statements, measurement, AI and reading lines, marker band and footer. */
export const printGridMaxMm = 120;

/** Seconds of tracing a printed page holds at `speedMmS` (whole seconds, at most a screen page). */
export function printPageSeconds(speedMmS: number): number {
  const room = printableMm.width - calAreaMm(speedMmS) - 5;
  return Math.max(1, Math.min(pageSeconds, Math.floor(room / speedMmS)));
}
