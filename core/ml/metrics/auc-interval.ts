import type { Interval } from './bootstrap';

const z975 = 1.959963984540054;

/**
 * Hanley and McNeil's variance of an AUC θ over m positives and n negatives, with both counts
 * replaced by N* = (m + n)/2 − 1 in the correlation terms as Newcombe's method 5 does (Stat Med
 * 2006;25:559-573): it stays positive inside (0, 1), so the interval below keeps width at 0 and 1.
 */
function newcombeVariance(theta: number, m: number, n: number): number {
  const nStar = (m + n) / 2 - 1;
  return ((theta * (1 - theta)) / (m * n)) * (1 + ((nStar - 1) * (1 - theta)) / (2 - theta) + ((nStar - 1) * theta) / (1 + theta));
}

/**
 * The root of f in [lo, hi] by bisection, f(lo) > 0 ≥ f(hi) (or the reverse): 200 halvings reach
 * the adjacent double, and bisection needs no derivative of a function that is flat at its end.
 */
function bisect(f: (t: number) => number, lo: number, hi: number): number {
  const rising = f(lo) <= 0;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (mid === lo || mid === hi) break;
    if (f(mid) <= 0 === rising) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Newcombe's score-type 95 % interval of a Mann–Whitney AUC A of m positives and n negatives
 * (method 5: the roots of (θ − A)² = z² V(θ), one each side of A). Unlike a percentile bootstrap
 * it has width at A = 1 or 0 (4 positives ranked perfectly: 0.758–1, not 1–1). NaN without both
 * outcomes or without an AUC.
 */
export function newcombeAuc(auc: number, positives: number, negatives: number): Interval {
  if (!(positives > 0 && negatives > 0) || !Number.isFinite(auc)) return { low: Number.NaN, high: Number.NaN };
  const f = (t: number) => (t - auc) ** 2 - z975 * z975 * newcombeVariance(t, positives, negatives);
  // f(A) ≤ 0 ≤ f(0), f(1): at A = 1 the upper root is 1 itself and the lower one lies inside, so
  // the search starts just below A, where f is already negative (and alike above A = 0).
  const below = auc >= 1 ? bisect(f, 0, auc - 1e-12) : auc <= 0 ? 0 : bisect(f, 0, auc);
  const above = auc <= 0 ? bisect(f, auc + 1e-12, 1) : auc >= 1 ? 1 : bisect(f, auc, 1);
  return { low: Math.max(0, below), high: Math.min(1, above) };
}

/**
 * An AUC's bootstrap interval, widened to cover Newcombe's on its counts, as rateInterval does
 * for a rate: a percentile bootstrap has no width at a perfect (or zero) AUC, so 4 positives
 * ranked perfectly read "1.000 [1.000, 1.000]", certainty; the analytic interval assumes
 * independent records while the bootstrap may resample patients, so the wider of the two holds
 * for both. A bound that either lacks (NaN) comes from the other.
 */
export function aucInterval(bootstrap: Interval | undefined, auc: number, positives: number, negatives: number): Interval {
  const a = newcombeAuc(auc, positives, negatives);
  const lower = [bootstrap?.low, a.low].filter((v): v is number => v !== undefined && Number.isFinite(v));
  const upper = [bootstrap?.high, a.high].filter((v): v is number => v !== undefined && Number.isFinite(v));
  return { low: lower.length > 0 ? Math.min(...lower) : Number.NaN, high: upper.length > 0 ? Math.max(...upper) : Number.NaN };
}

/**
 * The positives and negatives Newcombe's interval counts: records, or distinct patients among
 * each outcome's records where `groups` names every record's patient. The bootstrap then draws
 * patients, and a patient's repeat ECGs are no more evidence of the ranking: three copies of
 * every record must not narrow the interval the one copy gives.
 */
export function aucCounts(y: readonly number[], groups?: readonly string[]): { positives: number; negatives: number } {
  const count = (outcome: number) => {
    const rows = y.map((v, i) => [v, i] as const).filter(([v]) => v === outcome);
    return groups ? new Set(rows.map(([, i]) => groups[i])).size : rows.length;
  };
  return { positives: count(1), negatives: count(0) };
}

/** One class behind a macro AUC: its AUC, its bootstrap interval and the interval it is shown with. */
export interface ClassAucIntervals {
  readonly auc: number;
  readonly bootstrap: Interval | undefined;
  readonly widened: Interval;
}

/** How far a bound lies from the estimate on its side (0 for a missing bound or one on the wrong side). */
const halfWidth = (estimate: number, bound: number | undefined, side: -1 | 1): number => (bound !== undefined && Number.isFinite(bound) ? Math.max(0, side * (bound - estimate)) : 0);

/** One side of the macro's interval: its bootstrap half-width, squared, plus the classes' missing variance. */
function macroBound(macro: number, bound: number, classes: readonly ClassAucIntervals[], side: -1 | 1): number {
  const k = classes.length;
  const missing = classes.reduce((sum, c) => {
    const key = side < 0 ? 'low' : 'high';
    return sum + Math.max(0, halfWidth(c.auc, c.widened[key], side) ** 2 - halfWidth(c.auc, c.bootstrap?.[key], side) ** 2);
  }, 0);
  // Nothing to add (every class's bootstrap already held): the bootstrap's bound as it is, to the bit.
  if (!(missing > 0) || !Number.isFinite(bound)) return bound;
  const widened = macro + side * Math.sqrt(halfWidth(macro, bound, side) ** 2 + missing / (k * k));
  return side < 0 ? Math.min(bound, Math.max(0, widened)) : Math.max(bound, Math.min(1, widened));
}

/**
 * A macro AUC's bootstrap interval over several classes, widened by the variance its classes'
 * bootstraps lack. The mean of K AUCs has variance Σ cov / K², which the resamples carry,
 * except where a class's bootstrap has no width: a class ranked perfectly in every resample adds
 * nothing, so the macro's interval (0.798–0.920 on the starter's test) came out narrower than
 * its classes' widened intervals allow. Each class's missing variance, side by side (widened
 * half-width² − bootstrap half-width², both over z²), is added over K²: its covariance with the
 * others is what the bootstrap already has, or none where it had no variance to covary. So the
 * half-width becomes √(bootstrap's² + Σ missing/K²), the z² cancelling. With nothing missing the bootstrap's
 * interval stands as it is; a bound the bootstrap lacks stays lacking.
 */
export function macroAucInterval(bootstrap: Interval | undefined, macro: number, classes: readonly ClassAucIntervals[]): Interval {
  if (!bootstrap || !Number.isFinite(macro) || classes.length === 0) return bootstrap ?? { low: Number.NaN, high: Number.NaN };
  return { low: macroBound(macro, bootstrap.low, classes, -1), high: macroBound(macro, bootstrap.high, classes, 1) };
}
