import { describe, expect, it } from 'vitest';
import type { PeComparisonInfo } from '../../../../core/contract/pe-schemas';
import { delongNote, drawCurves, figure, scoreSourceCaption, toPlot } from './roc-figure';

const rate = (value: number) => ({ value, low: value, high: value, k: 1, n: 1 });

describe('Fig. 3-style ROC plot geometry', () => {
  it('maps the ROC plane onto the plot square and draws each score operating point where its rates put it', () => {
    expect(toPlot(0, 0)).toEqual({ x: figure.left, y: figure.top + figure.plot });
    expect(toPlot(1, 1)).toEqual({ x: figure.left + figure.plot, y: figure.top });
    const comparison: PeComparisonInfo = {
      n: 4,
      positives: 2,
      split: 'test',
      absent: [],
      curves: [
        { id: 'model', name: 'ECG', kind: 'model', n: 4, positives: 2, auc: 0.75, aucCi: { low: 0.5, high: 1 }, roc: { fpr: [0, 0.5, 1], tpr: [0, 1, 1] }, operatingPoints: [] },
        { id: 'wells', name: 'Wells', kind: 'score', n: 4, positives: 2, auc: 0.5, aucCi: { low: null, high: null }, roc: { fpr: [0, 1], tpr: [0, 1] }, operatingPoints: [{ label: 'Wells > 4', sensitivity: rate(0.5), specificity: rate(0.75), ppv: rate(1), npv: rate(1), fpr: 0.25, tpr: 0.5 }], vsModel: { aucA: 0.5, aucB: 0.75, diff: -0.25, se: 0.1, z: -2.5, p: 0.0124, ci95: [-0.45, -0.05], n: 4 } },
      ],
    };
    const [model, wells] = drawCurves(comparison);
    expect(model?.points).toBe('56.0,380.0 236.0,20.0 416.0,20.0');
    expect(model?.legend).toBe('ECG: AUC 0.75 (0.50–1.00), n = 4');
    // Stored without a unit (before the test said which): records taken as independent.
    expect(wells?.legend).toBe('Wells: AUC 0.50 (no interval), n = 4, DeLong p 0.012 (records independent)');
    expect(delongNote(comparison)).toMatch(/records taken as independent\.$/);
    const byPatient: PeComparisonInfo = { ...comparison, curves: comparison.curves.map((c) => (c.vsModel ? { ...c, vsModel: { ...c.vsModel, unit: 'patient' as const } } : c)) };
    expect(drawCurves(byPatient)[1]?.legend).toBe('Wells: AUC 0.50 (no interval), n = 4, DeLong p 0.012 (by patient)');
    expect(delongNote(byPatient)).toMatch(/clustered by patient \(Obuchowski 1997\)\.$/);
    expect(wells?.markers).toEqual([{ x: 56 + 0.25 * 360, y: 20 + 0.5 * 360, label: 'Wells > 4' }]);
    // No pe_scores_source given (or an evaluation stored before it was kept): no second caption line.
    expect(scoreSourceCaption(comparison)).toBeNull();
    expect(scoreSourceCaption({ ...comparison, scoreSources: [] })).toBeNull();
    expect(scoreSourceCaption({ ...comparison, scoreSources: [{ source: 'synthetic (core/train/pe/synthetic.ts)', records: 3 }, { source: 'ward form', records: 1 }] })).toBe(
      'score items: synthetic (core/train/pe/synthetic.ts) (3 of 4 records); ward form (1 of 4 records)',
    );
  });
});
