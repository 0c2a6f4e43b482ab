import { describe, expect, it } from 'vitest';
import { medianFilter, medianFilterSortingEach, quantile, quantileSorted } from './stats';

/** The definition quantile keeps: the values sorted as a Float64Array sorts them (NaN last, −0 before +0), then interpolated. */
const bySorting = (values: ArrayLike<number>, q: number) => quantileSorted(Float64Array.from(values).sort(), q);

/** A small deterministic generator, so a failure names its case. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Values as signals give them: quantised (many equal), with runs, zeros of both signs and, now and then, NaN. */
function values(random: () => number, n: number): number[] {
  const kind = Math.floor(random() * 4);
  return Array.from({ length: n }, (_, i) => {
    const r = random();
    if (kind === 0) return Math.round((r - 0.5) * 20) / 4;
    if (kind === 1) return r < 0.2 ? -0 : r < 0.4 ? 0 : r < 0.45 ? Number.NaN : Math.round((r - 0.6) * 8);
    if (kind === 2) return Math.sin(i / 7) + (r - 0.5) * 1e-3;
    return i % 5 === 0 ? r : 1;
  });
}

describe('quantile', () => {
  it('is exactly the interpolated order statistics of the sorted values, signed zeros and NaN included, on 4,000 random inputs', () => {
    const random = lcg(7);
    const qs = [0, 0.005, 0.02, 0.25, 0.5, 0.8, 0.98, 0.995, 1, -0.5, 1.5];
    let compared = 0;
    for (let c = 0; c < 4000; c++) {
      const n = 1 + Math.floor(random() * (c % 10 === 0 ? 3000 : 40));
      const v = values(random, n);
      for (const q of [...qs, random()]) {
        const want = bySorting(v, q);
        const got = quantile(c % 2 === 0 ? v : Float32Array.from(v), q);
        const wantTyped = c % 2 === 0 ? want : bySorting(Float32Array.from(v), q);
        if (!Object.is(got, wantTyped)) throw new Error(`case ${c}, q ${q}: ${got} where sorting gives ${wantTyped} (n ${n})`);
        compared++;
      }
    }
    expect(compared).toBe(4000 * 12);
  });

  it('gives NaN for no values and for a NaN quantile, and leaves its input as it was', () => {
    expect(quantile([], 0.5)).toBeNaN();
    expect(quantile([1, 2, 3], Number.NaN)).toBeNaN();
    const input = Float64Array.from([3, Number.NaN, -0, 1, 0, 2]);
    const copy = Float64Array.from(input);
    // Sorted: −0, 0, 1, 2, 3, NaN.
    expect(Object.is(quantile(input, 0), 0)).toBe(true);
    expect(quantile(input, 0.5)).toBe(1.5);
    expect(quantile(input, 0.7)).toBe(2.5);
    expect(quantile(input, 1)).toBeNaN();
    expect(input).toEqual(copy);
  });

  it('is exact on an input built to defeat its pivot choice (sorted, reversed, organ-pipe)', () => {
    const n = 5001;
    const shapes = [Array.from({ length: n }, (_, i) => i), Array.from({ length: n }, (_, i) => n - i), Array.from({ length: n }, (_, i) => Math.min(i, n - i))];
    for (const v of shapes) for (const q of [0.01, 0.5, 0.98]) expect(quantile(v, q)).toBe(bySorting(v, q));
  });
});

describe('medianFilter', () => {
  it('gives, sample for sample and zero signs included, the median of each window sorted afresh, on 2,000 random inputs', () => {
    const random = lcg(11);
    for (let c = 0; c < 2000; c++) {
      // Half the inputs without NaN (kept sorted as the window slides), half with it (sorted afresh).
      const x = Float64Array.from(values(random, 1 + Math.floor(random() * 300)), (v) => (c % 2 === 0 && Number.isNaN(v) ? -0 : v));
      const window = [1, 3, 5, 7, 9, 13, 4][c % 7] as number;
      const got = medianFilter(x, window);
      const want = medianFilterSortingEach(x, window);
      for (let i = 0; i < x.length; i++) if (!Object.is(got[i], want[i])) throw new Error(`case ${c}, window ${window}, sample ${i}: ${got[i]} where sorting each window gives ${want[i]}`);
    }
  });
});
