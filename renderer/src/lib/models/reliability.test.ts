import { describe, expect, it } from 'vitest';
import { calibrationBeyondChance, type ClassCalibrationInfo } from '../../../../core/contract/evaluation-schemas';
import { calibrationCounts, calibrationVerdict, reliabilityGeometry } from './reliability';

type Bin = ClassCalibrationInfo['bins'][number];

/** Ten equal bins, `filled` giving the records of some: [bin index, records, mean probability, share positive]. */
function calibration(filled: readonly [number, number, number, number][], figures: { ece: number | null; p95: number | null }): ClassCalibrationInfo {
  const bins: Bin[] = Array.from({ length: 10 }, (_, k) => ({ lo: k / 10, hi: (k + 1) / 10, n: 0, meanPredicted: null, observed: null }));
  for (const [k, n, meanPredicted, observed] of filled) bins[k] = { lo: k / 10, hi: (k + 1) / 10, n, meanPredicted, observed };
  const n = bins.reduce((sum, b) => sum + b.n, 0);
  const positives = Math.round(bins.reduce((sum, b) => sum + b.n * (b.observed ?? 0), 0));
  return { n, positives, brier: n ? 0.2 : null, ece: figures.ece, eceIfCalibrated: { mean: figures.p95 === null ? null : figures.p95 / 2, p95: figures.p95 }, bins };
}

describe('reliabilityGeometry', () => {
  it('puts each non-empty bin at (mean probability, share positive) on the plot, larger points for fuller bins', () => {
    const g = reliabilityGeometry(calibration([[1, 3, 0.15, 1 / 3], [8, 12, 0.85, 0.75]], { ece: 0.1, p95: 0.2 }), 170, 24);
    expect(g.plot).toBe(122);
    expect(g.points).toHaveLength(2);
    const [low, high] = g.points;
    expect(low?.x).toBeCloseTo(24 + 0.15 * 122, 6);
    expect(low?.y).toBeCloseTo(24 + (1 - 1 / 3) * 122, 6);
    expect(high?.x).toBeCloseTo(24 + 0.85 * 122, 6);
    expect(high?.y).toBeCloseTo(24 + 0.25 * 122, 6);
    // Area in proportion to the records: a quarter of the records, half the extra radius.
    expect(high?.r).toBeCloseTo(7, 6);
    expect(low?.r).toBeCloseTo(2 + 5 * 0.5, 6);
    expect(low?.label).toBe('probabilities 0.1–0.2: 3 records, mean 0.15, 33 % positive');
    expect(g.path).toBe(`${(24 + 0.15 * 122).toFixed(1)},${(24 + (2 / 3) * 122).toFixed(1)} ${(24 + 0.85 * 122).toFixed(1)},${(24 + 0.25 * 122).toFixed(1)}`);
  });

  it('draws nothing for a class with no records', () => {
    expect(reliabilityGeometry(calibration([], { ece: null, p95: null })).points).toEqual([]);
  });
});

describe('calibrationVerdict', () => {
  it('reads an ECE against the bound a calibrated model keeps on as many records, and says where the probabilities sit', () => {
    // 100 records: 50 given 0.15 (20 % positive), 50 given 0.75 (70 % positive): mean probability 0.45, 45 % positive.
    const within = calibration([[1, 50, 0.15, 0.2], [7, 50, 0.75, 0.7]], { ece: 0.05, p95: 0.08 });
    expect(calibrationBeyondChance(within)).toBe(false);
    expect(calibrationVerdict(within)).toBe('ECE 0.050: within chance (a calibrated model would stay under 0.080 on 100 records 95 % of the time); mean probability 0.450 against 45 % positive');
    // The same probabilities coming true far less often: beyond what chance gives.
    const beyond = calibration([[1, 50, 0.15, 0.02], [7, 50, 0.75, 0.3]], { ece: 0.29, p95: 0.08 });
    expect(calibrationBeyondChance(beyond)).toBe(true);
    expect(calibrationVerdict(beyond)).toBe(
      'ECE 0.290: beyond chance (a calibrated model would stay under 0.080 on 100 records 95 % of the time): read its probabilities with care; mean probability 0.450 against 16 % positive',
    );
  });

  it('says when nothing was measured, and gives no bound it does not have', () => {
    expect(calibrationVerdict(calibration([], { ece: null, p95: null }))).toBe('no records: calibration not measured');
    const unbounded = calibration([[5, 10, 0.55, 0.5]], { ece: 0.05, p95: null });
    expect(calibrationBeyondChance(unbounded)).toBe(false);
    expect(calibrationVerdict(unbounded)).toBe('ECE 0.050 (no chance bound to read it against); mean probability 0.550 against 50 % positive');
  });

  it('says "1 record", not "1 records", of a class calibrated on one', () => {
    const one = calibration([[5, 1, 0.55, 1]], { ece: 0.45, p95: 0.5 });
    expect(calibrationCounts(one)).toBe('1 record, 1 positive');
    expect(calibrationCounts(calibration([[1, 50, 0.15, 0.2], [7, 50, 0.75, 0.7]], { ece: 0.05, p95: 0.08 }))).toBe('100 records, 45 positive');
    expect(calibrationVerdict(one)).toBe('ECE 0.450: within chance (a calibrated model would stay under 0.500 on 1 record 95 % of the time); mean probability 0.550 against 100 % positive');
  });
});
