import { describe, expect, it } from 'vitest';
import { summariseFolds, type FoldPredictions } from '../../train/cv';
import { learnabilityProblems } from '../../train/learnability';
import { cvLines, type CvReport } from './cv-print';

/** A cross-validation report of K folds, each with two records of one class. */
function report(k: number): CvReport {
  const predictions: FoldPredictions[] = Array.from({ length: k }, (_, i) => ({ fold: i + 1, ids: [`a${i}`, `b${i}`], patients: [undefined, undefined], labels: [[1], [0]], probs: [[0.8], [0.3]], thresholds: [0.5] }));
  const summary = summariseFolds(predictions, ['PE'], { resamples: 10 });
  return { ...summary, k, source: 'test folds', excluded: null, dataset: 'd', classes: ['PE'], cancelled: false, out: '/tmp/cv', folds: [] };
}

describe('counts in words', () => {
  it("a 3-fold report says each fold trained on '1 fold', where it said '1 folds'", () => {
    expect(cvLines(report(3))[1]).toMatch(/^Each fold: trained on 1 fold, selected/);
    expect(cvLines(report(5))[1]).toMatch(/^Each fold: trained on 3 folds, selected/);
  });

  it("a minimum of one example reads 'at least 1 is needed', where it read 'at least 1 are needed'", () => {
    expect(learnabilityProblems(['MI'], { train: [[0]], val: [[1], [0]] }, { train: 1, val: 1 })).toEqual(['class MI has 0 positive training records; at least 1 is needed']);
    expect(learnabilityProblems(['MI'], { train: [[1]], val: [[1], [0]] }, { train: 3, val: 1 })).toEqual(['class MI has 1 positive training record; at least 3 are needed', 'class MI has 0 negative training records; at least 3 are needed']);
  });
});
