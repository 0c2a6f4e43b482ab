/** Small numeric helpers shared by detection, measurement and quality code. */

/** q-quantile (0..1) by linear interpolation between order statistics (numpy's default); NaN for empty input. */
export function quantile(values: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(values).sort();
  return quantileSorted(sorted, q);
}

export function quantileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const pos = Math.min(1, Math.max(0, q)) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}

export const median = (values: ArrayLike<number>): number => quantile(values, 0.5);

export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] as number;
  return values.length ? s / values.length : Number.NaN;
}

/** Sample standard deviation (N − 1). */
export function sampleStd(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 2) return Number.NaN;
  const m = mean(values);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += ((values[i] as number) - m) ** 2;
  return Math.sqrt(ss / (n - 1));
}

/** Centred moving average over an odd window, shrinking at the edges. */
export function movingAverage(x: Float64Array, window: number): Float64Array {
  const half = Math.max(0, window >> 1);
  const prefix = new Float64Array(x.length + 1);
  for (let i = 0; i < x.length; i++) prefix[i + 1] = (prefix[i] as number) + (x[i] as number);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const lo = Math.max(0, i - half);
    const hi = Math.min(x.length, i + half + 1);
    out[i] = ((prefix[hi] as number) - (prefix[lo] as number)) / (hi - lo);
  }
  return out;
}

/** Running median over an odd window (small windows only: used to remove pacing spikes). */
export function medianFilter(x: Float64Array, window: number): Float64Array {
  const half = window >> 1;
  const out = new Float64Array(x.length);
  const buf = new Float64Array(window);
  for (let i = 0; i < x.length; i++) {
    const lo = Math.max(0, i - half);
    const hi = Math.min(x.length, i + half + 1);
    let n = 0;
    for (let j = lo; j < hi; j++) {
      // Insertion sort into buf[0..n): windows are a handful of samples.
      const v = x[j] as number;
      let k = n++;
      while (k > 0 && (buf[k - 1] as number) > v) {
        buf[k] = buf[k - 1] as number;
        k--;
      }
      buf[k] = v;
    }
    out[i] = buf[n >> 1] as number;
  }
  return out;
}

/** Sums of products about each series' own mean: Σ(a−ā)(b−b̄), Σ(a−ā)², Σ(b−b̄)² (equal lengths). */
export function centredProductSums(a: ArrayLike<number>, b: ArrayLike<number>): { ab: number; aa: number; bb: number } {
  const n = a.length;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < n; i++) {
    sa += a[i] as number;
    sb += b[i] as number;
  }
  const ma = sa / n;
  const mb = sb / n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    const da = (a[i] as number) - ma;
    const db = (b[i] as number) - mb;
    ab += da * db;
    aa += da * da;
    bb += db * db;
  }
  return { ab, aa, bb };
}

/** Pearson correlation of two equal-length series (0 when either is constant). */
export function pearson(a: Float64Array, b: Float64Array): number {
  const { ab, aa, bb } = centredProductSums(a, b);
  return ab / Math.sqrt(Math.max(1e-24, aa * bb));
}

/** Largest minus smallest of x[from..to] (both inclusive). */
export function rangeWithin(x: ArrayLike<number>, from: number, to: number): number {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = from; i <= to; i++) {
    lo = Math.min(lo, x[i] as number);
    hi = Math.max(hi, x[i] as number);
  }
  return hi - lo;
}

/** |x[i] − x[i−1]| for i = 1…n−1: the sample-to-sample changes. */
export function absoluteSteps(x: ArrayLike<number>): Float64Array {
  const d = new Float64Array(Math.max(0, x.length - 1));
  for (let i = 1; i < x.length; i++) d[i - 1] = Math.abs((x[i] as number) - (x[i - 1] as number));
  return d;
}
