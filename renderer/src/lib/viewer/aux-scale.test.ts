import { describe, expect, it } from 'vitest';
import { auxScale } from './aux-scale';

describe('scale of a non-ECG strip', () => {
  it('covers an arterial pressure waveform with round ticks in mmHg', () => {
    const abp = Float32Array.from({ length: 200 }, (_, i) => 80 + 40 * Math.max(0, Math.sin(i / 10)));
    expect(auxScale(abp)).toEqual({ low: 80, high: 120, ticks: [80, 100, 120] });
  });

  it('ignores missing samples and gives a flat signal a range', () => {
    expect(auxScale(Float32Array.from([NaN, 0.25, NaN, 0.75]))).toMatchObject({ low: 0.2, high: 0.8 });
    expect(auxScale(Float32Array.from([5, 5, 5]))).toMatchObject({ low: 4.5, high: 5.5 });
    expect(auxScale(new Float32Array(0))).toEqual({ low: 0, high: 1, ticks: [0, 1] });
  });
});
