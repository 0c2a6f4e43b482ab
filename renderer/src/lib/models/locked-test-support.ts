import { isNeverFlagged, type Evaluated } from '../../../../core/contract/training-schemas';

/**
 * Whether a class's flag is backed by the model's locked test. A class whose locked test held no
 * positive case, or found none of those it held (sensitivity 0 %), was never shown to detect
 * anything: its flag is "not validated on the locked test", on screen and on paper, never a plain
 * flag beside the classes that were. The starter CPSC model's IAVB (0 of 1 found) and LBBB (no
 * positive case) are such classes.
 *
 * Returns why, in a few words, or null when the flag stands: the locked test found some of the
 * class's positives, or there are no per-class locked-test figures to judge by (no locked test, or
 * the model is no longer installed: the screen says so for the whole model). The words are short:
 * the printed AI line gives them for each such class.
 */
export function unvalidatedReason(test: Evaluated | null | undefined, className: string): string | null {
  const perClass = test?.metrics.perClass;
  if (!perClass) return null;
  const figures = perClass[className];
  if (!figures) return 'no locked-test figures for this class';
  const positives = figures['support'];
  const sensitivity = figures['sensitivity'];
  // Sensitivity is undefined (stored as null) without positives; packages made before support was kept have only that.
  if (positives === 0 || sensitivity === null || sensitivity === undefined) return 'no positive case in the locked test';
  if (sensitivity === 0) return positives === undefined || positives === null ? 'locked test found none of its positives' : `locked test found 0 of ${positives}`;
  return null;
}

/** The words that replace "flagged" for such a class. */
export const unvalidatedFlagText = 'above threshold, not validated on the locked test';

/**
 * What a stored prediction says of one class, as every place that lists them groups them: flagged,
 * flagged but not validated on the locked test, not flagged, or no decision (a class without a
 * threshold). The printed AI line and the prediction history both sort classes by it, so neither
 * can call "flagged" what the viewer's table qualifies.
 */
export type ClassOutcome = 'flagged' | 'unvalidated' | 'not' | 'none';

export function classOutcome(
  p: { readonly decisions: Readonly<Record<string, boolean>> | null; readonly operatingPoint: { readonly thresholds: Readonly<Record<string, number>> } },
  className: string,
  lockedTest: Evaluated | null | undefined,
): ClassOutcome {
  if (isNeverFlagged(p.operatingPoint.thresholds[className])) return 'none';
  if (p.decisions?.[className] !== true) return 'not';
  return unvalidatedReason(lockedTest, className) === null ? 'flagged' : 'unvalidated';
}
