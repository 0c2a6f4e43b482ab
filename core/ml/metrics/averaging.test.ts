import { describe, expect, it } from 'vitest';
import { classAucKey, metricsIntervals, metricsReport } from './report';
import { drawResamples, resamplePlan } from './resample';
import { rocAucMacro } from './ranking';

/** 56 records, 5 classes, HYP with 4 positives: the PTB-XL pool's fold 10 in miniature. */
function fold(): { yTrue: number[][]; yScore: number[][] } {
  const yTrue: number[][] = [];
  const yScore: number[][] = [];
  for (let i = 0; i < 56; i++) {
    const row = [i % 2 === 0 ? 1 : 0, i % 9 === 0 ? 1 : 0, i % 5 === 0 ? 1 : 0, i % 6 === 1 ? 1 : 0, i % 14 === 3 ? 1 : 0];
    yTrue.push(row);
    yScore.push(row.map((t, j) => 0.25 * t + 0.75 * (((i * 37 + j * 11) % 17) / 17)));
  }
  return { yTrue, yScore };
}

describe('averages that say what they average', () => {
  it('names the classes a macro figure leaves out and counts the ones it covers', () => {
    const yTrue = [[0, 1, 1], [0, 0, 1], [0, 1, 1]];
    const yScore = [[0.2, 0.9, 0.4], [0.4, 0.1, 0.6], [0.6, 0.8, 0.7]];
    const r = metricsReport(yTrue, yScore, { classes: ['a', 'b', 'c'] });
    expect(r.averaging.classes).toBe(3);
    expect(r.averaging.aucMacro).toEqual({ over: 1, leftOut: ['a', 'c'] }); // a: no positives, c: no negatives
    expect(r.averaging.mapMacro).toEqual({ over: 2, leftOut: ['a'] });
    expect(r.averaging.f1Macro).toEqual({ over: 3, leftOut: [] }); // sklearn: an undefined F1 counts as 0
    expect(r.perClass.a?.auc).toBeNaN();
  });

  it('keeps the rarest class in every resample, so each resampled macro AUC covers all five classes', () => {
    const { yTrue } = fold();
    const plan = resamplePlan(yTrue);
    for (const rows of drawResamples(plan, 300, 1)) {
      for (let j = 0; j < 5; j++) {
        const column = Array.from(rows, (i) => (yTrue[i] as number[])[j]);
        expect(column).toContain(1);
        expect(column).toContain(0);
      }
    }
    // Unstratified, 4 of 56 positives are all lost in (52/56)^56 ≈ 1.6 % of resamples; here in none.
  });

  it('gives an interval for every class AUC, bracketing its point estimate', () => {
    const { yTrue, yScore } = fold();
    const classes = ['NORM', 'MI', 'STTC', 'CD', 'HYP'];
    const ci = metricsIntervals(yTrue, yScore, { classes, bootstrap: { resamples: 200, seed: 3 } });
    const point = metricsReport(yTrue, yScore, { classes });
    for (const name of classes) {
      const interval = ci[classAucKey(name)];
      expect(interval?.low).toBeLessThanOrEqual(point.perClass[name]?.auc as number);
      expect(interval?.high).toBeGreaterThanOrEqual(point.perClass[name]?.auc as number);
    }
    expect(ci.aucMacro?.low).toBeLessThan(rocAucMacro(yTrue, yScore));
  });

  it('resamples patients, not records, when patient ids are given: intervals widen for correlated records', () => {
    const { yTrue, yScore } = fold();
    // Each "patient" holds four identical records: record-level resampling pretends to 4× the data.
    const big = { yTrue: yTrue.flatMap((r) => [r, r, r, r]), yScore: yScore.flatMap((r) => [r, r, r, r]) };
    const groups = yTrue.flatMap((_, i) => [`p${i}`, `p${i}`, `p${i}`, `p${i}`]);
    const classes = ['NORM', 'MI', 'STTC', 'CD', 'HYP'];
    const byRecord = metricsIntervals(big.yTrue, big.yScore, { classes, bootstrap: { resamples: 120, seed: 4 } });
    const byPatient = metricsIntervals(big.yTrue, big.yScore, { classes, bootstrap: { resamples: 120, seed: 4, groups } });
    const width = (i: { low: number; high: number } | undefined) => (i ? i.high - i.low : Number.NaN);
    expect(width(byPatient.aucMacro)).toBeGreaterThan(1.5 * width(byRecord.aucMacro));
  });
});
