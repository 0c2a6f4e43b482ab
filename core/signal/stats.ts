/** Small numeric helpers shared by detection, measurement and quality code. */

/**
 * q-quantile (0..1) by linear interpolation between order statistics (numpy's default); NaN for
 * empty input. Exactly `quantileSorted` of the values sorted as a Float64Array sorts them (NaN
 * last, −0 before +0), found by selection rather than by sorting: detection, quality and the
 * median beat take thousands of quantiles per record, and sorting them was a quarter of the time
 * of judging a 100 Hz record's scope and two fifths of detecting pacemaker spikes at 500 Hz
 * (docs/benchmarks.md, "scope").
 */
export function quantile(values: ArrayLike<number>, q: number): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const pos = Math.min(1, Math.max(0, q)) * (n - 1);
  if (Number.isNaN(pos)) return Number.NaN;
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  const a = scratchCopy(values);
  // Sorting puts NaN last: the order statistics are those of the rest, or NaN past them.
  const finite = nanLast(a);
  if (hi >= finite) return Number.NaN;
  selectInPlace(a, lo, 0, finite - 1);
  const low = signedAs(a[lo] as number, lo, a, finite);
  const high = hi === lo ? low : signedAs(minimumOf(a, lo + 1, finite - 1), hi, a, finite);
  return low + (high - low) * (pos - lo);
}

/** Reused by `quantile` (never re-entered): copying into it spares an allocation per call. */
let scratch = new Float64Array(1024);

function scratchCopy(values: ArrayLike<number>): Float64Array {
  if (scratch.length < values.length) scratch = new Float64Array(Math.max(values.length, 2 * scratch.length));
  const a = scratch.subarray(0, values.length);
  if (ArrayBuffer.isView(values)) a.set(values);
  else for (let i = 0; i < values.length; i++) a[i] = values[i] as number;
  return a;
}

/** Moves NaNs to the end; returns how many values are not NaN. */
function nanLast(a: Float64Array): number {
  let end = a.length;
  for (let i = 0; i < end; i++) {
    if (!Number.isNaN(a[i] as number)) continue;
    end--;
    a[i] = a[end] as number;
    a[end] = Number.NaN;
    i--;
  }
  return end;
}

/**
 * Rearranges a[left..right] so that a[k] holds the value a sort would put there, smaller values
 * before it and larger after (quickselect, median-of-three pivot, three-way partition for the
 * many equal values of quantised signals; a stretch that does not shrink fast enough is sorted).
 */
function selectInPlace(a: Float64Array, k: number, left: number, right: number): void {
  let budget = 2 * Math.ceil(Math.log2(right - left + 2)) + 4;
  while (right > left) {
    if (budget-- === 0) {
      a.subarray(left, right + 1).sort();
      return;
    }
    const pivot = medianOfThree(a[left] as number, a[(left + right) >> 1] as number, a[right] as number);
    let lt = left;
    let gt = right;
    let i = left;
    while (i <= gt) {
      const v = a[i] as number;
      if (v < pivot) {
        a[i++] = a[lt] as number;
        a[lt++] = v;
      } else if (v > pivot) {
        a[i] = a[gt] as number;
        a[gt--] = v;
      } else i++;
    }
    if (k < lt) right = lt - 1;
    else if (k > gt) left = gt + 1;
    else return;
  }
}

function medianOfThree(x: number, y: number, z: number): number {
  if (x < y) return y < z ? y : x < z ? z : x;
  return x < z ? x : y < z ? z : y;
}

function minimumOf(a: Float64Array, from: number, to: number): number {
  let m = a[from] as number;
  for (let i = from + 1; i <= to; i++) if ((a[i] as number) < m) m = a[i] as number;
  return m;
}

/**
 * A zero at sorted position `k` with the sign the sort gives it (every −0 before every +0, which
 * selection, comparing them equal, does not keep); any other value as it is.
 */
function signedAs(value: number, k: number, a: Float64Array, finite: number): number {
  if (value !== 0) return value;
  let below = 0;
  let negativeZeros = 0;
  for (let i = 0; i < finite; i++) {
    const v = a[i] as number;
    if (v < 0) below++;
    else if (v === 0 && Object.is(v, -0)) negativeZeros++;
  }
  return k < below + negativeZeros ? -0 : 0;
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

/**
 * A Float64Array copy of `lead` with NaN and infinite samples as 0. A plain loop: the same copy by
 * `Float64Array.from(lead, mapFn)` calls the function per sample and took nine times as long, about
 * a third of QRS detection's time at 500 Hz (docs/benchmarks.md, "scope").
 */
export function finiteOrZero(lead: ArrayLike<number>): Float64Array {
  const x = new Float64Array(lead.length);
  for (let i = 0; i < lead.length; i++) {
    const v = lead[i] as number;
    x[i] = Number.isFinite(v) ? v : 0;
  }
  return x;
}

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

/**
 * Running median over an odd window (small windows only: used to remove pacing spikes), shrinking
 * at the edges. The window is kept sorted as it slides (a sample in, a sample out) where sorting
 * each window afresh took a seventh of detecting pacemaker spikes at 500 Hz (docs/benchmarks.md,
 * "scope"); equal values stay in the order of their samples, as that sort left them, so the
 * median taken is the very same value (even a zero's sign). A lead with NaN, whose order no
 * comparison defines, and an even window are filtered as before.
 */
export function medianFilter(x: Float64Array, window: number): Float64Array {
  if (window % 2 === 0 || hasNaN(x)) return medianFilterSortingEach(x, window);
  const half = window >> 1;
  const n = x.length;
  const out = new Float64Array(n);
  // The window's values in order and their indices: among equal values, by index.
  const values = new Float64Array(window + 1);
  const indices = new Int32Array(window + 1);
  let size = 0;
  let next = 0;
  for (let i = 0; i < n; i++) {
    // The newest sample goes after every equal value, as an insertion sort in index order puts it.
    for (const end = Math.min(n, i + half + 1); next < end; next++) {
      const v = x[next] as number;
      let k = size++;
      while (k > 0 && (values[k - 1] as number) > v) {
        values[k] = values[k - 1] as number;
        indices[k] = indices[k - 1] as number;
        k--;
      }
      values[k] = v;
      indices[k] = next;
    }
    const leaving = i - half - 1;
    if (leaving >= 0) {
      let k = 0;
      while (indices[k] !== leaving) k++;
      for (size--; k < size; k++) {
        values[k] = values[k + 1] as number;
        indices[k] = indices[k + 1] as number;
      }
    }
    out[i] = values[size >> 1] as number;
  }
  return out;
}

function hasNaN(x: Float64Array): boolean {
  for (let i = 0; i < x.length; i++) if (Number.isNaN(x[i] as number)) return true;
  return false;
}

/**
 * The running median as it was computed before the window was kept sorted: each window
 * insertion-sorted afresh. Used for what medianFilter does not slide (NaN, an even window), and
 * the definition its tests compare the sliding one with.
 */
export function medianFilterSortingEach(x: Float64Array, window: number): Float64Array {
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
