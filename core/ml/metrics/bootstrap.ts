import type { Matrix } from './matrix';

/** A 95 % (by default) percentile interval. NaN bounds when no resample gave a defined value. */
export interface Interval {
  readonly low: number;
  readonly high: number;
}

/** Options of a bootstrap: how many resamples, the seed, and the coverage. */
export interface BootstrapOptions {
  readonly resamples?: number;
  readonly seed?: number;
  /** Two-sided coverage, 0.95 by default. */
  readonly level?: number;
  /** One patient id per record: resample patients (all their records together) instead of records. */
  readonly groups?: ArrayLike<string>;
}

/** Linear-interpolated percentile of sorted values (numpy's default method). */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

/**
 * Percentile intervals of several statistics over the same resamples (so they are comparable).
 * Resamples where a statistic is undefined (e.g. a class lost all positives) are skipped for it.
 */
export function bootstrapIntervals(
  yTrue: Matrix,
  yScore: Matrix,
  statistics: Readonly<Record<string, (t: Matrix, s: Matrix) => number>>,
  indexSets: readonly Int32Array[],
  level = 0.95,
): Record<string, Interval> {
  const names = Object.keys(statistics);
  const values: Record<string, number[]> = Object.fromEntries(names.map((k) => [k, []]));
  for (const idx of indexSets) {
    const t = Array.from(idx, (i) => yTrue[i] as readonly number[]);
    const s = Array.from(idx, (i) => yScore[i] as readonly number[]);
    for (const name of names) {
      const v = (statistics[name] as (t: Matrix, s: Matrix) => number)(t, s);
      if (Number.isFinite(v)) (values[name] as number[]).push(v);
    }
  }
  const tail = ((1 - level) / 2) * 100;
  return Object.fromEntries(
    names.map((name) => {
      const sorted = (values[name] as number[]).sort((a, b) => a - b);
      return [name, { low: percentile(sorted, tail), high: percentile(sorted, 100 - tail) }];
    }),
  );
}
