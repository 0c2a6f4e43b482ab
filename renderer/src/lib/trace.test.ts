import { describe, expect, it } from 'vitest';
import { cachedTraceMicrovolts, traceMicrovolts, tracePaths } from './trace';

const geometry = { pxPerSecond: 100, pxPerMv: 40, baselineY: 50 };

function points(path: string): [number, number][] {
  return path.split(' ').map((p) => p.split(',').map(Number) as [number, number]);
}

describe('tracePaths', () => {
  it('keeps a one-sample spike at full height when many samples share a pixel', () => {
    const fs = 1000; // 10 samples per pixel
    const samples = new Float32Array(1000);
    samples[503] = 2; // a 1 ms, 2 mV spike
    const [path] = tracePaths(samples, fs, geometry);
    const ys = points(path ?? '').map(([, y]) => y);
    expect(Math.min(...ys)).toBeCloseTo(50 - 2 * 40, 5);
    expect(Math.max(...ys)).toBeCloseTo(50, 5);
  });

  it('maps time and voltage to pixels', () => {
    const samples = Float32Array.from([0, 1, -1, 0.5]);
    const [path] = tracePaths(samples, 100, geometry); // 1 sample per pixel
    expect(points(path ?? '')).toEqual([
      [0, 50],
      [1, 10],
      [2, 90],
      [3, 30],
    ]);
  });

  it('breaks the line at missing (NaN) samples instead of drawing through them', () => {
    const samples = Float32Array.from([0, 0.1, 0.2, Number.NaN, Number.NaN, 0.3, 0.4]);
    expect(tracePaths(samples, 100, geometry)).toHaveLength(2);
  });

  it('draws nothing for an all-missing lead', () => {
    expect(tracePaths(new Float32Array(10).fill(Number.NaN), 100, geometry)).toEqual([]);
  });

  it('gives the same decimation in microvolts (gain applied later as a scale), reused for the same window', () => {
    const samples = Float32Array.from([0, 1, -1, 0.5]);
    expect(points(traceMicrovolts(samples, 100, 100)[0] ?? '')).toEqual([[0, 0], [1, 1000], [2, -1000], [3, 500]]);
    const first = cachedTraceMicrovolts(samples, 0, 4, 100, 100);
    expect(cachedTraceMicrovolts(samples, 0, 4, 100, 100)).toBe(first);
    expect(cachedTraceMicrovolts(samples, 1, 4, 100, 100)).not.toBe(first);
  });
});
