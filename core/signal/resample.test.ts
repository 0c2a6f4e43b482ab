// Golden values: python3 scripts/fixtures/signal_filters.py (SciPy 1.17) → core/test/fixtures/signal/resample.json
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../test/shared-data';
import { firwinKaiser, kaiserWindow, rateRatio, resampleLeads, resamplePoly } from './resample';

interface Fixture {
  cases: { up: number; down: number; x: number[]; y: number[] }[];
  'firwin_101_0.2': number[];
  kaiser_21_5: number[];
}
const fixture = JSON.parse(readFileSync(fixturePath('signal', 'resample.json'), 'utf8')) as Fixture;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

describe('resamplePoly', () => {
  it('designs the same Kaiser window and FIR as scipy', () => {
    expect(maxAbsDiff(kaiserWindow(21, 5), fixture.kaiser_21_5)).toBeLessThan(1e-14);
    expect(maxAbsDiff(firwinKaiser(101, 0.2, 5), fixture['firwin_101_0.2'])).toBeLessThan(1e-14);
  });

  it.each(fixture.cases.map((c) => [`${c.up}/${c.down} n=${c.x.length}`, c] as const))('%s equals scipy.signal.resample_poly', (_, c) => {
    expect(maxAbsDiff(resamplePoly(c.x, c.up, c.down), c.y)).toBeLessThan(1e-10);
  });

  it('resampleLeads (paired fast path) equals scipy for an odd number of leads', () => {
    const cases = fixture.cases.filter((c) => c.x.length === 5000 || c.up === 3);
    for (const c of cases) {
      const ys = resampleLeads([c.x, c.x.map((v) => -v), c.x], c.up, c.down);
      expect(maxAbsDiff(ys[0] as Float64Array, c.y)).toBeLessThan(1e-10);
      expect(maxAbsDiff(ys[1] as Float64Array, c.y.map((v) => -v))).toBeLessThan(1e-10);
      expect(maxAbsDiff(ys[2] as Float64Array, c.y)).toBeLessThan(1e-10);
    }
  });

  it('rejects non-integer factors', () => {
    expect(() => resamplePoly([1, 2, 3], 1.5, 2)).toThrow(/integers/);
  });
});

describe('rateRatio', () => {
  it('reduces rates to integer factors', () => {
    expect(rateRatio(500, 100)).toEqual({ up: 1, down: 5 });
    expect(rateRatio(257, 500)).toEqual({ up: 500, down: 257 });
    expect(rateRatio(360, 500)).toEqual({ up: 25, down: 18 });
    expect(() => rateRatio(0, 500)).toThrow(/positive/);
  });
});
