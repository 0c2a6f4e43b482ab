import { printableMm } from './print-page';

/**
 * Fitting the printed summary onto the one sheet. The tracing prints at true scale and never
 * shrinks, so when the lines under it (measurements, computed statements and their cautions, the
 * AI output and its caveat, PE scores and probabilities, the reading) would run past the page,
 * the reading — the line a signed page exists for — went to a second sheet, apart from the
 * tracing it reads (a PE model's output on a record with one computed caution did). The summary
 * is then set in a smaller size, step by step, until it fits.
 *
 * Measured in the print cycle's `beforeprint` (print.ts), when the page is still laid out for the
 * screen: the tracing is already at its printed size, and the print-only parts are measured as
 * clones, off screen, at the printed width.
 */
export const printDensities = ['normal', 'compact', 'smallest'] as const;
export type PrintDensity = (typeof printDensities)[number];

const pxPerMm = 96 / 25.4;
/** The article's two gaps in print (EcgViewer.svelte: 1.5 mm) and 3 mm for rounding and font differences. */
const reserveMm = 2 * 1.5 + 3;

function shownHeightMm(element: Element): number {
  return element.getBoundingClientRect().height / pxPerMm;
}

/** An element's height as it lays out on paper: a clone shown off screen at the printed width (print-only parts are hidden on screen). */
export function paperHeightMm(element: HTMLElement): number {
  const clone = element.cloneNode(true) as HTMLElement;
  clone.style.cssText = `display: flow-root; position: absolute; left: -10000px; top: 0; width: ${printableMm.width}mm; visibility: hidden;`;
  element.after(clone);
  try {
    return shownHeightMm(clone);
  } finally {
    clone.remove();
  }
}

export interface PrintedParts {
  readonly header: HTMLElement | null;
  readonly tracing: HTMLElement | null;
  readonly summary: HTMLElement | null;
}

/**
 * The largest density at which the summary fits the room the header and the tracing leave.
 * `apply` must render the density synchronously (flushSync) so it can be measured; the smallest
 * is kept when none fits.
 */
export function fitPrintDensity(parts: PrintedParts, apply: (density: PrintDensity) => void): PrintDensity {
  const { header, tracing, summary } = parts;
  if (!summary) return 'normal';
  const room = printableMm.height - (header ? paperHeightMm(header) : 0) - (tracing ? shownHeightMm(tracing) : 0) - reserveMm;
  for (const density of printDensities) {
    apply(density);
    if (paperHeightMm(summary) <= room) return density;
  }
  return 'smallest';
}
