import { describe, expect, it } from 'vitest';
import { rateInterval, wilson } from './proportion';

// Reference: scipy.stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method='wilson') (SciPy 1.x).
const scipyWilson: [number, number, number, number][] = [
  [2, 6, 0.09677141110578047, 0.700006684861608],
  [52, 52, 0.9312077638761376, 1],
  [45, 50, 0.7863976856252034, 0.9565242350681095],
  [0, 4, 0, 0.4898908364545973],
];

describe('rates of counted records', () => {
  it("gives Wilson's score interval as SciPy does", () => {
    for (const [k, n, low, high] of scipyWilson) {
      const w = wilson(k, n);
      expect(w.value).toBe(k / n);
      expect(w.low).toBeCloseTo(low, 10);
      expect(w.high).toBeCloseTo(high, 10);
    }
    expect(wilson(0, 0).low).toBeNaN();
  });

  it("widens a bootstrap interval to cover Wilson's, keeps a wider one, and fills a bound the bootstrap lacks", () => {
    // 52 of 52 specific: the percentile bootstrap gives 100–100 %.
    expect(rateInterval({ low: 1, high: 1 }, 52, 52)).toEqual({ low: scipyWilson[1]?.[2], high: 1 });
    expect(rateInterval({ low: 0, high: 0.5 }, 2, 6)).toEqual({ low: 0, high: wilson(2, 6).high });
    // Patients resampled: the bootstrap may be the wider; it stands.
    expect(rateInterval({ low: 0.7, high: 0.99 }, 45, 50)).toEqual({ low: 0.7, high: 0.99 });
    expect(rateInterval({ low: Number.NaN, high: Number.NaN }, 45, 50)).toEqual({ low: wilson(45, 50).low, high: wilson(45, 50).high });
    expect(rateInterval(undefined, 0, 0).low).toBeNaN();
  });
});
