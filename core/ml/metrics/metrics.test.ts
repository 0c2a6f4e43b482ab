// Golden values from scikit-learn: regenerate with `/usr/bin/python3 scripts/fixtures/metrics.py`.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../test/shared-data';
import {
  binarize,
  bootstrapIntervals,
  f1Macro,
  gmeanPaper,
  metricsIntervals,
  metricsReport,
  precisionRecallCurve,
  rocCurve,
  averagePrecisionMacro,
  rocAucMacro,
  column,
  type Matrix,
} from './index';

interface PaperMetrics {
  accuracy: number;
  subsetAccuracy: number;
  f1Macro: number;
  mapMacro: number;
  aucMacro: number;
  gmeanPaper: number;
  gmean: number;
  perClass: { tp: number; fp: number; tn: number; fn: number; f1: number; gmean: number; auc: number; ap: number }[];
}
interface Case {
  name: string;
  yTrue: number[][];
  yScore: number[][];
  thresholds: number[];
  at05: PaperMetrics;
  atThresholds: PaperMetrics;
  curves: { fpr: number[]; tpr: number[]; precision: number[]; recall: number[]; prThresholds: number[] }[];
  bootstrap: { indices: number[][]; aucMacro: number[]; mapMacro: number[]; f1Macro: number[] };
}
interface Fixture {
  cases: Case[];
  binary: { yTrue: number[][]; yScore: number[][]; f1Macro: number; gmeanPaper: number; mapMacro: number };
}

const fixture = JSON.parse(readFileSync(fixturePath('metrics', 'sklearn.json'), 'utf8')) as Fixture;
const close = (a: number, b: number) => expect(a).toBeCloseTo(b, 10);

function checkReport(c: Case, thresholds: number | number[], expected: PaperMetrics): void {
  const classes = c.yTrue[0]?.map((_, j) => `c${j}`) ?? [];
  const report = metricsReport(c.yTrue, c.yScore, { classes, thresholds });
  for (const key of ['accuracy', 'subsetAccuracy', 'f1Macro', 'mapMacro', 'aucMacro', 'gmeanPaper', 'gmean'] as const) {
    close(report[key], expected[key]);
  }
  expected.perClass.forEach((want, j) => {
    const got = report.perClass[`c${j}`];
    if (!got) throw new Error(`class c${j} missing`);
    close(got.f1, want.f1);
    close(got.gmean, want.gmean);
    close(got.auc, want.auc);
    close(got.ap, want.ap);
    close(got.sensitivity, want.tp / (want.tp + want.fn));
    close(got.specificity, want.tn / (want.tn + want.fp));
    close(got.ppv, want.tp / (want.tp + want.fp));
    close(got.npv, want.tn / (want.tn + want.fn));
    expect(got.support).toBe(want.tp + want.fn);
  });
}

describe.each(fixture.cases)('metrics vs sklearn: $name', (c) => {
  it('matches get_metrics at 0.5', () => checkReport(c, 0.5, c.at05));
  it('matches at per-class thresholds', () => checkReport(c, c.thresholds, c.atThresholds));

  it('gives sklearn ROC and PR curves', () => {
    c.curves.forEach((want, j) => {
      const roc = rocCurve(column(c.yTrue, j), column(c.yScore, j));
      expect(roc.fpr.length).toBe(want.fpr.length);
      roc.fpr.forEach((v, k) => close(v, want.fpr[k] as number));
      roc.tpr.forEach((v, k) => close(v, want.tpr[k] as number));
      const pr = precisionRecallCurve(column(c.yTrue, j), column(c.yScore, j));
      expect(pr.precision.length).toBe(want.precision.length);
      pr.precision.forEach((v, k) => close(v, want.precision[k] as number));
      pr.recall.forEach((v, k) => close(v, want.recall[k] as number));
      pr.thresholds.forEach((v, k) => close(v, want.prThresholds[k] as number));
    });
  });

  it('gives numpy percentile intervals over the same resamples', () => {
    const indexSets = c.bootstrap.indices.map((rows) => Int32Array.from(rows));
    const ci = bootstrapIntervals(
      c.yTrue,
      c.yScore,
      {
        aucMacro: rocAucMacro,
        mapMacro: averagePrecisionMacro,
        f1Macro: (t: Matrix, s: Matrix) => f1Macro(t, binarize(s, 0.5)),
      },
      indexSets,
    );
    for (const key of ['aucMacro', 'mapMacro', 'f1Macro'] as const) {
      close(ci[key]?.low ?? Number.NaN, c.bootstrap[key][0] as number);
      close(ci[key]?.high ?? Number.NaN, c.bootstrap[key][1] as number);
    }
  });
});

describe('binary (N×1) targets as the paper scores them', () => {
  const b = fixture.binary;
  it('averages F1 over both classes and uses balanced accuracy in G-mean', () => {
    close(f1Macro(b.yTrue, binarize(b.yScore, 0.5), true), b.f1Macro);
    close(gmeanPaper(b.yTrue, binarize(b.yScore, 0.5)), b.gmeanPaper);
    close(averagePrecisionMacro(b.yTrue, b.yScore), b.mapMacro);
  });
});

describe('edge cases and bootstrap', () => {
  const c = fixture.cases[0] as Case;
  it('gives NaN, not a number, for a class with no positives and skips it in macro means', () => {
    const yTrue = [[0, 1], [0, 0], [0, 1]];
    const yScore = [[0.2, 0.9], [0.4, 0.1], [0.6, 0.8]];
    const r = metricsReport(yTrue, yScore, { classes: ['a', 'b'] });
    expect(r.perClass.a?.auc).toBeNaN();
    expect(r.perClass.a?.sensitivity).toBeNaN();
    expect(r.aucMacro).toBe(1);
  });
  it('rejects mismatched shapes and non-binary targets', () => {
    expect(() => metricsReport([[1]], [[0.1, 0.2]], { classes: ['a'] })).toThrow(/expected 1/);
    expect(() => metricsReport([[2]], [[0.1]], { classes: ['a'] })).toThrow(/0 or 1/);
    expect(() => metricsReport([], [], { classes: [] })).toThrow(/at least one sample/);
  });
  it('is reproducible with a seed and brackets the point estimate', () => {
    const opts = { classes: ['a', 'b', 'c', 'd', 'e'], bootstrap: { resamples: 200, seed: 7 } };
    const a = metricsIntervals(c.yTrue, c.yScore, opts);
    const b = metricsIntervals(c.yTrue, c.yScore, opts);
    expect(a).toEqual(b);
    const point = metricsReport(c.yTrue, c.yScore, opts);
    expect(a.aucMacro?.low).toBeLessThan(point.aucMacro);
    expect(a.aucMacro?.high).toBeGreaterThan(point.aucMacro);
    const other = metricsIntervals(c.yTrue, c.yScore, { ...opts, bootstrap: { resamples: 200, seed: 8 } });
    expect(other.aucMacro).not.toEqual(a.aucMacro);
  });
});
