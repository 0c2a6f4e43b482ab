import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { wilson } from './proportion';
import { withRateIntervals, type StoredFigures } from './stored-rates';

// The shipped starter's locked-test figures as its sealed manifest stores them (56 records; HYP: 4 positives, 52 negatives).
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'resources', 'models', 'starter', 'manifest.json'), 'utf8')) as { provenance: { test: StoredFigures } };
const test = manifest.provenance.test;

describe('stored rate intervals, widened where they are read', () => {
  it("shows the starter's 52-of-52 HYP specificity as Wilson's 93.1–100 %, not the stored 100–100 %", () => {
    expect(test.ci['HYP.specificity']).toEqual({ low: 1, high: 1 });
    const widened = withRateIntervals(test);
    expect(widened.ci['HYP.specificity']?.low).toBeCloseTo(wilson(52, 52).low, 12);
    expect(widened.ci['HYP.specificity']?.high).toBe(1);
    // 2 of 6 MI found: stored 0–50 %, Wilson's upper bound 70 %.
    expect(widened.ci['MI.sensitivity']).toEqual({ low: 0, high: wilson(2, 6).high });
    // Nothing else changes: not the rates, not the AUC's interval, not the stored object.
    expect(widened.metrics).toBe(test.metrics);
    expect(widened.ci['HYP.auc']).toEqual(test.ci['HYP.auc']);
    expect(test.ci['HYP.specificity']).toEqual({ low: 1, high: 1 });
  });

  it('recovers the counts exactly from the stored rates (PPV and NPV agree) and widens only once', () => {
    const perClass = test.metrics.perClass as Record<string, { support: number; sensitivity: number; specificity: number; ppv: number; npv: number }>;
    for (const [name, r] of Object.entries(perClass)) {
      const tp = Math.round(r.sensitivity * r.support);
      const tn = Math.round(r.specificity * (test.n - r.support));
      expect(tp / (tp + (test.n - r.support - tn)), name).toBeCloseTo(r.ppv, 12);
      expect(tn / (tn + r.support - tp), name).toBeCloseTo(r.npv, 12);
    }
    const once = withRateIntervals(test);
    expect(withRateIntervals(once).ci).toEqual(once.ci);
  });

  it('leaves figures without per-class support as they are, and keeps null bounds null', () => {
    const bare = { n: 10, metrics: { aucMacro: 0.8 }, ci: { aucMacro: { low: 0.7, high: 0.9 } } };
    expect(withRateIntervals(bare)).toEqual(bare);
    const none = withRateIntervals<StoredFigures>({ n: 5, metrics: { perClass: { A: { support: 0, sensitivity: null, specificity: 1 } } }, ci: { 'A.sensitivity': { low: null, high: null } } });
    expect(none.ci['A.sensitivity']).toEqual({ low: null, high: null });
    expect(none.ci['A.specificity']?.low).toBeCloseTo(wilson(5, 5).low, 12);
  });
});
