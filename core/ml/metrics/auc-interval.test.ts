import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../test/shared-data';
import { aucCounts, aucInterval, newcombeAuc } from './auc-interval';

interface Case {
  auc: number;
  positives: number;
  negatives: number;
  low: number;
  high: number;
}

// scripts/fixtures/metrics_auc_interval.py: the same equation's roots found by scipy's brentq.
const golden = JSON.parse(readFileSync(fixturePath('metrics', 'auc-interval.json'), 'utf8')) as { cases: Case[] };

describe("Newcombe's score-type AUC interval", () => {
  it.each(golden.cases.map((c) => [c.auc, c.positives, c.negatives, c] as const))('matches scipy for AUC %d over %i positives and %i negatives', (_a, _m, _n, c) => {
    const got = newcombeAuc(c.auc, c.positives, c.negatives);
    expect(got.low).toBeCloseTo(c.low, 10);
    expect(got.high).toBeCloseTo(c.high, 10);
  });

  it('keeps width at a perfect or zero AUC, and has none without both outcomes', () => {
    expect(newcombeAuc(1, 4, 50).low).toBeLessThan(0.8);
    expect(newcombeAuc(0, 4, 50).high).toBeGreaterThan(0.2);
    expect(newcombeAuc(0.9, 0, 50).low).toBeNaN();
    expect(newcombeAuc(Number.NaN, 4, 50).high).toBeNaN();
  });

  it("widens a bootstrap interval to cover Newcombe's, keeps a wider one, and fills a bound the bootstrap lacks", () => {
    const hyp = golden.cases.find((c) => c.auc === 1 && c.positives === 4) as Case;
    // The starter's HYP on its locked test: 4 positives ranked perfectly, the bootstrap 1–1.
    expect(aucInterval({ low: 1, high: 1 }, 1, 4, 50)).toEqual({ low: newcombeAuc(1, 4, 50).low, high: 1 });
    expect(newcombeAuc(1, 4, 50).low).toBeCloseTo(hyp.low, 10);
    // Patients resampled: a wider bootstrap stands.
    expect(aucInterval({ low: 0.5, high: 1 }, 0.9, 4, 50)).toEqual({ low: 0.5, high: 1 });
    expect(aucInterval({ low: Number.NaN, high: Number.NaN }, 0.8, 20, 30)).toEqual(newcombeAuc(0.8, 20, 30));
    expect(aucInterval(undefined, Number.NaN, 0, 5).low).toBeNaN();
  });

  it("counts patients, not their repeat ECGs, where every record names its patient", () => {
    const y = [1, 1, 1, 0, 0, 0, 0];
    expect(aucCounts(y)).toEqual({ positives: 3, negatives: 4 });
    expect(aucCounts(y, ['a', 'a', 'b', 'c', 'c', 'c', 'd'])).toEqual({ positives: 2, negatives: 2 });
  });
});
