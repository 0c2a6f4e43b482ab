import { describe, expect, it } from 'vitest';
import { modelDetail } from '../../engine/model-detail';
import type { Prediction } from '../../train/predictor';
import { readManifest } from '../../train/service/models';
import { modelCardLines } from './model-inspect';
import { resolveModel } from './model-path';
import { predictionText } from './predict';

describe('the operating point in text output, said as every prediction says it', () => {
  it('model inspect of a site operating point names its rule, where it printed "sensitivity 0.95"', async () => {
    const location = await resolveModel('starter');
    const manifest = await readManifest(location);
    const detail = modelDetail({ manifest: { ...manifest, operatingPoint: { ...manifest.operatingPoint, method: 'sensitivity', target: 0.95 } }, location, bundled: true });
    expect(modelCardLines(detail).join('\n')).toMatch(/\n {2}operating point: rule-out: sensitivity ≥ 0\.95 on validation, temperature \d+\.\d\d, thresholds NORM /);
  });

  it("predict's text line gives each class's threshold, which only --json gave", () => {
    // Only the fields the text line reads: the model, its operating point and the outputs.
    const prediction = {
      probabilities: { NORM: 0.62, MI: 0.2, HYP: 0.1 },
      decisions: { NORM: true, MI: false, HYP: false },
      model: { id: 'm1@0123456789ab', name: 'm1', demonstration: false },
      operatingPoint: { method: 'f1', temperature: 2.09, thresholds: { NORM: 0.4553, MI: 1, HYP: 0.0004 } },
    } as unknown as Prediction;
    expect(predictionText(prediction)).toBe(
      'NORM 62.0 %* (t 45.5 %)  MI 20.0 % (no threshold)  HYP 10.0 % (t < 0.1 %)   (m1@0123456789ab, F1-optimal thresholds tuned on validation, T 2.09; t = threshold, * = above it; no threshold = no discrimination on validation, never flagged; research use only)',
    );
  });
});
