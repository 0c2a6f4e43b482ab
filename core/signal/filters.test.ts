// Golden values: python3 scripts/fixtures/signal_filters.py (SciPy 1.17) → core/test/fixtures/signal/filters.json
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../test/shared-data';
import { butter, type FilterBand } from './butter';
import { iirnotch, sosfilt, sosfiltfilt, sosfiltZi } from './sosfilt';

interface ButterCase {
  order: number;
  cutoff: number | number[];
  band: FilterBand;
  fs: number;
  sos: number[][];
  zi: number[];
  sosfilt: number[];
  sosfiltfilt: number[];
}
interface Fixture {
  x: number[];
  butter: ButterCase[];
  notch: { freq: number; q: number; fs: number; sos: number[][]; sosfiltfilt: number[] }[];
  short: { x: number[]; sosfiltfilt: number[] };
}

const fixture = JSON.parse(readFileSync(fixturePath('signal', 'filters.json'), 'utf8')) as Fixture;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

describe('butter', () => {
  it.each(fixture.butter.map((c) => [`${c.band} order ${c.order} ${String(c.cutoff)} Hz @ ${c.fs}`, c] as const))('%s equals scipy', (_, c) => {
    const sos = butter(c.order, c.cutoff, c.band, c.fs);
    expect(sos.length).toBe(c.sos.length);
    expect(maxAbsDiff(sos.flat(), c.sos.flat())).toBeLessThan(1e-10);
  });

  it('makes a design once per set of arguments and shares it frozen, so no caller can change another\'s filter', () => {
    const first = butter(2, [5, 20], 'bandpass', 360);
    expect(butter(2, [5, 20], 'bandpass', 360)).toBe(first);
    expect(butter(2, [5, 21], 'bandpass', 360)).not.toBe(first);
    expect(butter(2, [5, 20], 'bandpass', 361)).not.toBe(first);
    expect(Object.isFrozen(first) && first.every((row) => Object.isFrozen(row))).toBe(true);
    expect(() => (first[0] as number[]).splice(0, 1)).toThrow(TypeError);
    // A refused design is refused every time, not remembered as made.
    expect(() => butter(2, [5, 200], 'bandpass', 360)).toThrow(/fs\/2/);
    expect(() => butter(2, [5, 200], 'bandpass', 360)).toThrow(/fs\/2/);
  });

  it("reproduces the paper's coefficients (paper-spec §2): the code's fs=100 design and the intended fs=500 one", () => {
    const asUsed = [
      [0.765599987913459, 1.531199975826918, 0.765599987913459, 1, 1.560334465031569, 0.6414527399502982],
      [1, -2, 1, 1, -1.9111684434225842, 0.9149848016966404],
    ];
    const intended = [
      [0.05432786111292473, 0.10865572222584946, 0.05432786111292473, 1, -1.2470325960720368, 0.46661521778494824],
      [1, -2, 1, 1, -1.9822565919548591, 0.9824198621854613],
    ];
    expect(maxAbsDiff(butter(2, [1, 45], 'bandpass', 100).flat(), asUsed.flat())).toBeLessThan(1e-10);
    expect(maxAbsDiff(butter(2, [1, 45], 'bandpass', 500).flat(), intended.flat())).toBeLessThan(1e-10);
  });

  it('rejects cutoffs outside (0, fs/2) and bad orders', () => {
    expect(() => butter(2, 300, 'lowpass', 500)).toThrow(/between 0 and fs\/2/);
    expect(() => butter(2, [40, 1], 'bandpass', 500)).toThrow(/increasing/);
    expect(() => butter(0, 10, 'lowpass', 500)).toThrow(/order/);
    expect(() => butter(2, 10, 'bandpass', 500)).toThrow(/2 cutoff/);
  });
});

describe('sosfilt / sosfiltfilt', () => {
  it.each(fixture.butter.map((c) => [`${c.band} order ${c.order} @ ${c.fs}`, c] as const))('%s matches scipy', (_, c) => {
    expect(maxAbsDiff(sosfiltZi(c.sos), c.zi)).toBeLessThan(1e-9);
    expect(maxAbsDiff(sosfilt(c.sos, fixture.x).y, c.sosfilt)).toBeLessThan(1e-9);
    expect(maxAbsDiff(sosfiltfilt(c.sos, fixture.x), c.sosfiltfilt)).toBeLessThan(1e-9);
  });

  it('handles input just longer than the pad length and rejects shorter input', () => {
    const sos = butter(2, [1, 45], 'bandpass', 500);
    expect(maxAbsDiff(sosfiltfilt(sos, fixture.short.x), fixture.short.sosfiltfilt)).toBeLessThan(1e-9);
    expect(() => sosfiltfilt(sos, fixture.short.x.slice(0, 15))).toThrow(/more than 15 samples/);
  });

  it('chains state: two halves with zf carried equal one pass', () => {
    const sos = butter(4, 40, 'lowpass', 500);
    const whole = sosfilt(sos, fixture.x).y;
    const first = sosfilt(sos, fixture.x.slice(0, 300));
    const second = sosfilt(sos, fixture.x.slice(300), first.zf);
    expect(maxAbsDiff([...first.y, ...second.y], whole)).toBeLessThan(1e-12);
  });
});

describe('iirnotch', () => {
  it.each(fixture.notch.map((c) => [`${c.freq} Hz Q${c.q} @ ${c.fs}`, c] as const))('%s equals scipy', (_, c) => {
    const sos = iirnotch(c.freq, c.q, c.fs);
    expect(maxAbsDiff(sos.flat(), c.sos.flat())).toBeLessThan(1e-12);
    expect(maxAbsDiff(sosfiltfilt(sos, fixture.x), c.sosfiltfilt)).toBeLessThan(1e-9);
  });
});
