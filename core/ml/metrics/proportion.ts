import type { Interval } from './bootstrap';

const z975 = 1.959963984540054;

/** A rate of counted records with its 95 % interval. */
export interface RateWithCi {
  readonly value: number;
  readonly low: number;
  readonly high: number;
  readonly k: number;
  readonly n: number;
}

/** Wilson score 95 % interval of k successes in n trials (Wilson 1927; Newcombe 1998). NaN when n is 0. */
export function wilson(k: number, n: number): RateWithCi {
  if (n === 0) return { value: Number.NaN, low: Number.NaN, high: Number.NaN, k, n };
  const p = k / n;
  const z2 = z975 * z975;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z975 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { value: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half), k, n };
}

/**
 * A rate's bootstrap interval, widened to cover Wilson's on its counts. A percentile bootstrap
 * of a proportion has no width at 0 or 100 % (52 of 52 specificity gives 100–100 %) and is too
 * narrow for a handful of cases (2 of 6 gave 0–50 %; Wilson 10–70 %); Wilson's interval assumes
 * independent records, while the bootstrap may resample patients: the wider of the two holds
 * for both. A bound that either lacks (NaN: no finite resample, or no cases) comes from the other.
 */
export function rateInterval(bootstrap: Interval | undefined, k: number, n: number): Interval {
  const w = wilson(k, n);
  const lower = [bootstrap?.low, w.low].filter((v): v is number => v !== undefined && Number.isFinite(v));
  const upper = [bootstrap?.high, w.high].filter((v): v is number => v !== undefined && Number.isFinite(v));
  return { low: lower.length > 0 ? Math.min(...lower) : Number.NaN, high: upper.length > 0 ? Math.max(...upper) : Number.NaN };
}
