// Golden values from scikit-learn: regenerate with `/usr/bin/python3 scripts/fixtures/calibration.py`.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../test/shared-data';
import { calibrationByClass, classCalibration } from './calibration';

interface Case {
  probabilities: number[];
  labels: number[];
  brier: number;
  ece: number;
  counts: number[];
  observed: number[];
  meanPredicted: number[];
}
const golden = JSON.parse(readFileSync(fixturePath('metrics', 'calibration.json'), 'utf8')) as { bins: number; cases: Case[] };

describe('calibration: Brier score, ECE and reliability bins', () => {
  it.each(golden.cases.map((c, i) => [i, c] as const))("matches scikit-learn's brier_score_loss and calibration_curve (case %i)", (_i, c) => {
    const got = classCalibration(c.probabilities, c.labels, golden.bins);
    expect(got.brier).toBeCloseTo(c.brier, 12);
    expect(got.ece).toBeCloseTo(c.ece, 12);
    expect(got.bins.map((b) => b.n)).toEqual(c.counts);
    const filled = got.bins.filter((b) => b.n > 0);
    filled.forEach((b, k) => {
      expect(b.observed).toBeCloseTo(c.observed[k] as number, 12);
      expect(b.meanPredicted).toBeCloseTo(c.meanPredicted[k] as number, 12);
    });
    expect(got.positives).toBe(c.labels.reduce((a, y) => a + y, 0));
  });

  it('gives a perfectly calibrated model no error, a confident wrong one a large one, and splits a matrix by class', () => {
    // Each bin's mean probability equals its share of positives.
    const probs = [0.25, 0.25, 0.25, 0.25, 0.75, 0.75, 0.75, 0.75];
    const labels = [1, 0, 0, 0, 1, 1, 1, 0];
    expect(classCalibration(probs, labels).ece).toBeCloseTo(0, 12);
    expect(classCalibration(probs, labels).brier).toBeCloseTo(0.1875, 12);
    expect(classCalibration([0.95, 0.95], [0, 0]).ece).toBeCloseTo(0.95, 12);
    const byClass = calibrationByClass([[0.95, 0.25], [0.95, 0.75]], [[0, 0], [0, 1]], ['MI', 'NORM']);
    expect(Object.keys(byClass)).toEqual(['MI', 'NORM']);
    expect(byClass.NORM?.bins.filter((b) => b.n > 0).map((b) => [b.lo, b.observed])).toEqual([[0.2, 0], [0.7000000000000001, 1]]);
    expect(() => classCalibration([0.5], [1, 0])).toThrow(RangeError);
  });

  it("says what ECE a calibrated model would show on the same probabilities: large on a few dozen records, small on thousands", () => {
    const spread = (n: number) => Array.from({ length: n }, (_, i) => (i + 0.5) / n);
    const few = classCalibration(spread(56), Array.from({ length: 56 }, () => 0)).eceIfCalibrated;
    const many = classCalibration(spread(20_000), Array.from({ length: 20_000 }, () => 0)).eceIfCalibrated;
    expect(few.mean).toBeGreaterThan(0.04);
    expect(few.p95).toBeGreaterThan(few.mean);
    expect(many.mean).toBeLessThan(0.01);
    // Seeded: the same every run.
    expect(classCalibration(spread(56), Array.from({ length: 56 }, () => 0)).eceIfCalibrated).toEqual(few);
  });
});
