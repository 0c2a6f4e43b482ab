import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { newcombeAuc } from './auc-interval';
import { wilson } from './proportion';
import { withWidenedIntervals, type StoredFigures } from './stored-rates';

// The shipped starter's locked-test figures as its sealed manifest stores them (54 records; HYP: 4 positives, 50 negatives, from 46 patients).
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'resources', 'models', 'starter', 'manifest.json'), 'utf8')) as { provenance: { test: StoredFigures } };
const test = manifest.provenance.test;

/**
 * The same figures as a package made before stored them, from the percentile bootstrap alone:
 * a class found without error (HYP, 4 of 4 and 50 of 50) gives 100 % in every resample, so
 * "100–100 %" for each of its rates; and MI's 1 of 6 found as a bootstrap's 0–50 %.
 */
const bootstrapOnly = (low: number, high: number) => ({ low, high });
const older: StoredFigures = {
  ...test,
  ci: {
    ...test.ci,
    'HYP.sensitivity': bootstrapOnly(1, 1),
    'HYP.specificity': bootstrapOnly(1, 1),
    'HYP.ppv': bootstrapOnly(1, 1),
    'HYP.npv': bootstrapOnly(1, 1),
    'MI.sensitivity': bootstrapOnly(0, 0.5),
    // The AUC intervals the starter stored before its remake (the bootstrap's, by patient): HYP 1–1.
    'auc:HYP': bootstrapOnly(1, 1),
    'HYP.auc': bootstrapOnly(1, 1),
    'auc:NORM': bootstrapOnly(0.7384597523219815, 0.9445498398505917),
    // The five-class macro's bootstrap as the starter stored it before fe29aae widened it.
    aucMacro: bootstrapOnly(0.7976491392059418, 0.9203320582344597),
  },
};

describe('stored rate intervals, widened where they are read', () => {
  it("shows an older package's 50-of-50 HYP specificity as Wilson's 92.9–100 %, not the stored 100–100 %", () => {
    const widened = withWidenedIntervals(older);
    expect(widened.ci['HYP.specificity']?.low).toBeCloseTo(wilson(50, 50).low, 12);
    expect(widened.ci['HYP.specificity']?.low).toBeCloseTo(0.929, 3);
    expect(widened.ci['HYP.specificity']?.high).toBe(1);
    expect(widened.ci['HYP.sensitivity']?.low).toBeCloseTo(wilson(4, 4).low, 12);
    // 1 of 6 MI found: stored 0–50 %, Wilson's upper bound 56 %.
    expect(widened.ci['MI.sensitivity']).toEqual({ low: 0, high: wilson(1, 6).high });
    // Nothing else changes: not the rates, not a wider stored interval, not the stored object.
    expect(widened.metrics).toBe(older.metrics);
    expect(widened.ci['MI.specificity']).toEqual(older.ci['MI.specificity']);
    expect(older.ci['HYP.specificity']).toEqual({ low: 1, high: 1 });
  });

  it("leaves the remade starter's rate intervals as they are: its package stores them Wilson-widened on patients, wider than on records", () => {
    // HYP's 50 negative records come from 46 patients: Wilson's 46 of 46, not 50 of 50 (0.929).
    expect(test.ci['HYP.specificity']?.low).toBeCloseTo(wilson(46, 46).low, 12);
    expect(test.ci['MI.sensitivity']).toEqual({ low: 0, high: wilson(1, 6).high });
    const widened = withWidenedIntervals(test).ci;
    for (const key of Object.keys(test.ci).filter((k) => /\.(sensitivity|specificity|ppv|npv)$/.test(k))) expect(widened[key], key).toEqual(test.ci[key]);
  });

  it("shows an older package's stored HYP AUC, 4 positives ranked perfectly, as Newcombe's 0.758–1 on records, not the stored bootstrap's 1–1", () => {
    // Stored by the percentile bootstrap alone, in a sealed manifest, which is never rewritten.
    const widened = withWidenedIntervals(older).ci;
    expect(widened['auc:HYP']).toEqual(newcombeAuc(1, 4, 50));
    expect(widened['HYP.auc']).toEqual(newcombeAuc(1, 4, 50));
    expect(widened['auc:HYP']?.low).toBeCloseTo(0.7576535586089896, 10);
    // Every class's interval covers both.
    const nor = newcombeAuc(0.848529411764706, 34, 20);
    expect(widened['auc:NORM']).toEqual({ low: Math.min(nor.low, older.ci['auc:NORM']?.low as number), high: Math.max(nor.high, older.ci['auc:NORM']?.high as number) });
    // The five-class macro's bootstrap, 0.798–0.920, widened by the variance HYP's and NORM's stored
    // bootstraps lack, over 5²: a numpy reference of the rule gives 0.780 (its upper bound had all it needs).
    expect(older.ci['aucMacro']?.low).toBeCloseTo(0.7976491392059418, 12);
    expect(widened['aucMacro']?.low).toBeCloseTo(0.7803238541092438, 12);
    expect(widened['aucMacro']?.high).toBe(older.ci['aucMacro']?.high);
    expect(withWidenedIntervals({ ...older, ci: widened }).ci).toEqual(widened);
  });

  it("leaves the remade starter's AUC intervals as stored: counted on patients (46 negative patients behind HYP's 50), they are wider than on records", () => {
    expect(test.ci['auc:HYP']).toEqual(newcombeAuc(1, 4, 46));
    expect(test.ci['auc:HYP']?.low).toBeCloseTo(0.7566025468449762, 12);
    const widened = withWidenedIntervals(test).ci;
    for (const key of Object.keys(test.ci).filter((k) => k.startsWith('auc') || k.endsWith('.auc'))) expect(widened[key], key).toEqual(test.ci[key]);
  });

  it("widens a one-class task's stored macro AUC as its class's, and keeps a missing AUC's null bounds", () => {
    const pe: StoredFigures = { n: 24, metrics: { aucMacro: 1, perClass: { PE: { support: 4, auc: 1 } } }, ci: { aucMacro: { low: 1, high: 1 }, 'auc:PE': { low: 1, high: 1 } } };
    expect(withWidenedIntervals(pe).ci['aucMacro']).toEqual(newcombeAuc(1, 4, 20));
    const none: StoredFigures = { n: 5, metrics: { perClass: { A: { support: 0, auc: null } } }, ci: { 'auc:A': { low: null, high: null } } };
    expect(withWidenedIntervals(none).ci['auc:A']).toEqual({ low: null, high: null });
  });

  it('recovers the counts exactly from the stored rates (PPV and NPV agree) and widens only once', () => {
    const perClass = test.metrics.perClass as Record<string, { support: number; sensitivity: number; specificity: number; ppv: number; npv: number }>;
    for (const [name, r] of Object.entries(perClass)) {
      const tp = Math.round(r.sensitivity * r.support);
      const tn = Math.round(r.specificity * (test.n - r.support));
      expect(tp / (tp + (test.n - r.support - tn)), name).toBeCloseTo(r.ppv, 12);
      expect(tn / (tn + r.support - tp), name).toBeCloseTo(r.npv, 12);
    }
    const once = withWidenedIntervals(test);
    expect(withWidenedIntervals(once).ci).toEqual(once.ci);
  });

  it('leaves figures without per-class support as they are, and keeps null bounds null', () => {
    const bare = { n: 10, metrics: { aucMacro: 0.8 }, ci: { aucMacro: { low: 0.7, high: 0.9 } } };
    expect(withWidenedIntervals(bare)).toEqual(bare);
    const none = withWidenedIntervals<StoredFigures>({ n: 5, metrics: { perClass: { A: { support: 0, sensitivity: null, specificity: 1 } } }, ci: { 'A.sensitivity': { low: null, high: null } } });
    expect(none.ci['A.sensitivity']).toEqual({ low: null, high: null });
    expect(none.ci['A.specificity']?.low).toBeCloseTo(wilson(5, 5).low, 12);
  });
});
