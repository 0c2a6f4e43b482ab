import { describe, expect, it } from 'vitest';
import { modelDetail } from '../../engine/model-detail';
import type { EvaluationReport } from '../../train/jobs/evaluate-job';
import type { Prediction } from '../../train/predictor';
import { readManifest } from '../../train/service/models';
import { evaluationLines } from './evaluate-print';
import { modelCardLines } from './model-inspect';
import { resolveModel } from './model-path';
import { predictionText } from './predict';

// What the calibration writes when the temperature ran to its bound (core/train/calibration.ts).
const note = "temperature at its upper bound (20): on the 65 validation rows the model's outputs carry no information about the outcome";
const operatingPoint = { method: 'f1', temperature: 20, thresholds: { MI: 1 }, calibrationNote: note };

const prediction: Prediction = {
  probabilities: { MI: 0.5 },
  decisions: { MI: false },
  abstained: false,
  reason: null,
  model: { id: 'r18@0123456789ab', name: 'r18', demonstration: false },
  operatingPoint,
  quality: { verdict: 'good', reasons: [] },
  scope: { reasons: [], notes: [] },
  researchUseOnly: true,
} as unknown as Prediction;

describe('a temperature that was not trusted is printed with the reason, as the manifest and --json carry it', () => {
  it('predict', () => {
    expect(predictionText(prediction)).toContain(`T 20.00 (${note})`);
  });

  it('evaluate', () => {
    const perClass = { MI: { sensitivity: 0, specificity: 1, ppv: null, npv: 0.9, f1: 0, gmean: 0, support: 6, threshold: 1, auc: 0.5, ap: 0.1 } };
    const report = {
      n: 56, classes: ['MI'], split: 'test', dataset: 'd', failed: [], notLockedTest: null, calibration: {},
      evaluation: { mode: 'centre', stride: 125, aggregate: 'mean' },
      trainingOverlap: { checked: 56, inTraining: 0, note: 'none' },
      outOfScope: { count: 0, byReason: {}, note: 'every one of the 56 records is within r18\'s intended input' },
      model: { id: 'r18@0123456789ab', name: 'r18', demonstration: false, operatingPoint: { ...operatingPoint, thresholds: [1] } },
      metrics: { accuracy: 0.9, subsetAccuracy: 0.9, f1Macro: 0, mapMacro: 0.1, gmean: 0, gmeanPaper: 0, aucMacro: 0.5, perClass, averaging: { classes: 1 } },
      ci: {},
    } as unknown as EvaluationReport;
    expect(evaluationLines(report)).toContain(`  operating point: F1-optimal thresholds tuned on validation, temperature 20.00 (${note})`);
  });

  it('model inspect', async () => {
    const location = await resolveModel('starter');
    const manifest = await readManifest(location);
    const detail = modelDetail({ manifest: { ...manifest, operatingPoint: { ...manifest.operatingPoint, temperature: 20, calibrationNote: note } }, location, bundled: true });
    expect(modelCardLines(detail).join('\n')).toContain(`temperature 20.00 (${note})`);
  });
});
