import { printableMm } from './print-page';

/**
 * Fitting the printed summary onto the one sheet. The tracing prints at true scale and never
 * shrinks, so when the lines under it (measurements, computed statements and their cautions, the
 * AI output and its caveat, PE scores and probabilities, the reading) would run past the page,
 * the reading — the line a signed page exists for — went to a second sheet, apart from the
 * tracing it reads (a PE model's output on a record with one computed caution did). The summary
 * is then set in a smaller size, step by step, until it fits.
 *
 * A signed reading can be far longer than any page holds (40 statements and a 4,000-character
 * note), and one cut short on paper is not the reading that was signed: where the reading is cut
 * at every size that fits, its start (two lines) stays under the tracing with a line saying it
 * continues, and it is printed whole on the sheets after (PrintSummary.svelte).
 *
 * Measured in the print cycle's `beforeprint` (print.ts), when the page is still laid out for the
 * screen: the tracing is already at its printed size, and the print-only parts are measured as
 * clones, off screen, at the printed width.
 */
export const printDensities = ['normal', 'compact', 'smallest'] as const;
export type PrintDensity = (typeof printDensities)[number];

/**
 * How the summary prints: its size, whether the reading continues whole on a second sheet, and
 * whether the file's own statements do (their three printed lines under the header cut them).
 */
export interface PrintFit {
  readonly density: PrintDensity;
  readonly readingContinues: boolean;
  readonly statementsContinue: boolean;
}

export const unfitted: PrintFit = { density: 'normal', readingContinues: false, statementsContinue: false };

const pxPerMm = 96 / 25.4;
/** The article's two gaps in print (EcgViewer.svelte: 1.5 mm) and 3 mm for rounding and font differences. */
const reserveMm = 2 * 1.5 + 3;
/** The reading's paragraph in the summary (PrintSummary.svelte), whose clamp may cut it. */
const readingSelector = '[data-testid="print-reading"]';
/** The line of the file's statements under the header (RecordHeader.svelte), clamped on paper. */
const statementsLineSelector = 'summary';

function shownHeightMm(element: Element): number {
  return element.getBoundingClientRect().height / pxPerMm;
}

/** Lays `element` out as on paper — a clone shown off screen at the printed width (print-only parts are hidden on screen) — and reads it with `read`. */
function onPaper<T>(element: HTMLElement, read: (clone: HTMLElement) => T): T {
  const clone = element.cloneNode(true) as HTMLElement;
  clone.style.cssText = `display: flow-root; position: absolute; left: -10000px; top: 0; width: ${printableMm.width}mm; visibility: hidden;`;
  element.after(clone);
  try {
    return read(clone);
  } finally {
    clone.remove();
  }
}

/** An element's height as it lays out on paper. */
export function paperHeightMm(element: HTMLElement): number {
  return onPaper(element, shownHeightMm);
}

/** Whether `element`'s line clamp cuts it: more text than the lines it may take. */
const isCut = (element: Element | null): boolean => element !== null && element.scrollHeight > element.clientHeight + 1;

/** The file's statements on paper (laid out as printed while `printing` is set): their height, and whether their clamp cuts them. */
function statementsOnPaper(statements: HTMLElement): { heightMm: number; cut: boolean } {
  return onPaper(statements, (clone) => ({ heightMm: shownHeightMm(clone), cut: isCut(clone.querySelector(statementsLineSelector)) }));
}

/** The summary on paper: its height, and whether its line clamp cuts the reading (more text than the lines it may take). */
function summaryOnPaper(summary: HTMLElement): { heightMm: number; readingCut: boolean } {
  return onPaper(summary, (clone) => {
    const reading = clone.querySelector(readingSelector);
    return { heightMm: shownHeightMm(clone), readingCut: isCut(reading) };
  });
}

export interface PrintedParts {
  readonly header: HTMLElement | null;
  /** The file's own statements under the header, when the record has any. */
  readonly statements: HTMLElement | null;
  readonly tracing: HTMLElement | null;
  readonly summary: HTMLElement | null;
}

/**
 * The file's statements first: where their three lines cut them, they are printed whole on the
 * sheets after, and the line saying so is measured with them. Then the largest density at which
 * the summary fits the room the header, the statements and the tracing leave with the reading
 * whole; failing that, the largest at which it fits with the reading continued on the sheets
 * after. `apply` must render what it is given synchronously (flushSync) so it can be measured;
 * the smallest, the reading continued, is kept when none fits.
 */
export function fitPrint(parts: PrintedParts, apply: (fit: PrintFit) => void): PrintFit {
  const { header, statements, tracing, summary } = parts;
  const chosen = (fit: PrintFit): PrintFit => (apply(fit), fit);
  apply(unfitted);
  const statementsContinue = statements !== null && statementsOnPaper(statements).cut;
  if (statementsContinue) apply({ ...unfitted, statementsContinue });
  if (!summary) return { ...unfitted, statementsContinue };
  const above = (header ? paperHeightMm(header) : 0) + (statements ? statementsOnPaper(statements).heightMm : 0);
  const room = printableMm.height - above - (tracing ? shownHeightMm(tracing) : 0) - reserveMm;
  for (const readingContinues of [false, true]) {
    for (const density of printDensities) {
      apply({ density, readingContinues, statementsContinue });
      const laid = summaryOnPaper(summary);
      if (laid.heightMm <= room && (readingContinues || !laid.readingCut)) return { density, readingContinues, statementsContinue };
    }
  }
  // Nothing fits: the smallest size, the reading whole on the sheets after (its start takes fewer lines), so
  // what runs over is never the only copy of the reading.
  return chosen({ density: 'smallest', readingContinues: true, statementsContinue });
}
