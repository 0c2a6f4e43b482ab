import { describe, expect, it } from 'vitest';
import { f1Macro, newcombeAuc, wilson } from '../ml/metrics/index';
import { scoreWithCi } from './scores';

// A one-output task (PE-like): 8 records, 3 positive.
const labels = [[1], [1], [1], [0], [0], [0], [0], [0]];
const probs = [[0.9], [0.7], [0.2], [0.6], [0.1], [0.3], [0.05], [0.4]];

describe('evaluation scores', () => {
  it('reports both binary F1s for a one-output task, labelled, and the paper\u2019s as headline only under paperExact', () => {
    // At 0.5: TP 2, FN 1, FP 1, TN 4 → positive F1 = 4/6; negative F1 = 8/10; mean 0.7333.
    const plain = scoreWithCi(labels, probs, ['PE'], [0.5], 1);
    expect(plain.metrics.f1Positive).toBeCloseTo(4 / 6, 12);
    expect(plain.metrics.f1TwoClassMean).toBeCloseTo((4 / 6 + 0.8) / 2, 12);
    expect(plain.metrics.f1Macro).toBeCloseTo(4 / 6, 12);
    const paper = scoreWithCi(labels, probs, ['PE'], [0.5], 1, undefined, { paperExact: true });
    expect(paper.metrics.f1Macro).toBeCloseTo((4 / 6 + 0.8) / 2, 12);
    expect(paper.metrics.f1Macro).toBe(f1Macro(labels, probs.map((r) => r.map((p) => (p > 0.5 ? 1 : 0))), true));
    expect(paper.ci.f1TwoClassMean?.low).toBeLessThanOrEqual(paper.metrics.f1TwoClassMean as number);
  });

  it('gives every class a 95 % interval for sensitivity, specificity, PPV, NPV, F1 and AUC that holds the point estimate', () => {
    const multi = scoreWithCi(labels.map((r, i) => [r[0] as number, i % 2]), probs.map((r, i) => [r[0] as number, i % 2 ? 0.8 : 0.3]), ['A', 'B'], [0.5, 0.5], 3);
    expect(multi.metrics).not.toHaveProperty('f1Positive');
    for (const name of ['A', 'B']) {
      for (const figure of ['sensitivity', 'specificity', 'ppv', 'npv', 'f1', 'auc'] as const) {
        const value = figure === 'auc' ? multi.metrics.perClass[name]?.auc : multi.metrics.perClass[name]?.[figure];
        const ci = multi.ci[`${name}.${figure}`];
        expect(ci, `${name}.${figure}`).toBeDefined();
        expect(ci?.low).toBeLessThanOrEqual((value as number) + 1e-12);
        expect(ci?.high).toBeGreaterThanOrEqual((value as number) - 1e-12);
      }
    }
    // B ranks its 4 positives above its 4 negatives: no bootstrap width, Newcombe's interval.
    expect(multi.ci['B.auc']).toEqual(newcombeAuc(1, 4, 4));
  });

  it("never shows a rate as certain: 52 of 52 negatives specific is 93.1–100 %, not the bootstrap's 100–100 %", () => {
    // One class, 4 positives (3 found) and 52 negatives (none flagged), as the starter's HYP on its locked test.
    const y = [...Array(4).fill([1]), ...Array(52).fill([0])] as number[][];
    const p = [[0.9], [0.8], [0.7], [0.1], ...Array(52).fill([0.05])] as number[][];
    const { metrics, ci } = scoreWithCi(y, p, ['HYP'], [0.5], 7);
    expect(metrics.perClass['HYP']?.specificity).toBe(1);
    expect(ci['HYP.specificity']?.low).toBeCloseTo(0.9312077638761376, 10);
    expect(ci['HYP.specificity']?.high).toBe(1);
    expect(ci['HYP.ppv']?.low).toBeLessThan(1);
    // 3 of 4: at least Wilson's 30.1–95.4 %.
    expect(ci['HYP.sensitivity']?.low).toBeLessThanOrEqual(0.3006);
    expect(ci['HYP.sensitivity']?.high).toBeGreaterThanOrEqual(0.9543);
  });

  it("counts a rate's Wilson interval in patients where records name them: 52 of 52 specific from 26 patients is 87.1–100 %, not 93.1", () => {
    // As above, but the 52 negatives are two ECGs each of 26 patients, whom the bootstrap draws whole.
    const y = [...Array(4).fill([1]), ...Array(52).fill([0])] as number[][];
    const p = [[0.9], [0.8], [0.7], [0.1], ...Array(52).fill([0.05])] as number[][];
    const patients = y.map((_, i) => (i < 4 ? `pos${i}` : `neg${Math.floor((i - 4) / 2)}`));
    const { ci } = scoreWithCi(y, p, ['HYP'], [0.5], 7, patients);
    expect(ci['HYP.specificity']?.low).toBeCloseTo(wilson(26, 26).low, 12);
    expect(ci['HYP.specificity']?.low).toBeCloseTo(0.871, 3);
    // NPV: 52 of 53 records not flagged are negative, from 27 patients: Wilson's on 52/53 × 27 of 27.
    expect(ci['HYP.npv']?.low).toBeLessThanOrEqual(wilson((52 / 53) * 27, 27).low + 1e-12);
    expect(wilson((52 / 53) * 27, 27).low).toBeLessThan(wilson(52, 53).low);
  });

  it("never shows an AUC as certain: 4 positives ranked perfectly are AUC 1 with Newcombe's interval, not the bootstrap's 1–1", () => {
    // The starter's HYP on its locked test: 4 positives, 50 negatives, every positive ranked first.
    const y = [...Array(4).fill([1, 0]), ...Array(50).fill([0, 1])].map((r, i) => (i % 3 === 0 ? [r[0], 1 - (r[1] as number)] : r)) as number[][];
    const p = y.map((r, i) => [r[0] === 1 ? 0.9 - i / 100 : 0.05 + i / 1000, i % 2 ? 0.7 : 0.3]);
    const { metrics, ci } = scoreWithCi(y, p, ['HYP', 'NORM'], [0.5, 0.5], 7);
    expect(metrics.perClass['HYP']?.auc).toBe(1);
    const newcombe = newcombeAuc(1, 4, 50);
    expect(newcombe.low).toBeCloseTo(0.7576535586089896, 10);
    expect(ci['auc:HYP']).toEqual(newcombe);
    expect(ci['HYP.auc']).toEqual(newcombe);
    // The macro over two classes keeps its bootstrap (0.681–0.819), widened by the variance HYP's
    // and NORM's own bootstraps lack (/K²): a numpy reference of the rule gives these bounds.
    expect(ci['aucMacro']?.low).toBeCloseTo(0.6068144031996077, 12);
    expect(ci['aucMacro']?.high).toBeCloseTo(0.8262834563805489, 12);
  });

  it("gives a one-class task's macro AUC its class's widened interval", () => {
    const y = [...Array(4).fill([1]), ...Array(20).fill([0])] as number[][];
    const p = y.map((r, i) => [r[0] === 1 ? 0.9 : i / 100]);
    const { ci } = scoreWithCi(y, p, ['PE'], [0.5], 7);
    expect(ci['aucMacro']).toEqual(newcombeAuc(1, 4, 20));
    expect(ci['auc:PE']).toEqual(newcombeAuc(1, 4, 20));
  });
});
