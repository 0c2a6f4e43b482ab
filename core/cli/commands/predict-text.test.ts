import { describe, expect, it } from 'vitest';
import { demonstrationNote, firstSentence, probabilityText } from './predict';
import { fusionPartLines } from './predict-fusion';

describe("predict's demonstration note", () => {
  it('keeps a site operating point’s target whole: a number’s decimal point does not end the sentence', () => {
    const description = "ft1 (ft1@ad72c4099a04) at a site operating point: rule-out: sensitivity ≥ 0.95 on validation, temperature refit, on hospital:ptbxl-pool's validation rows; weights: ft1's (ft1@ad72c4099a04), trained on hospital:ptbxl-pool, unchanged.";
    expect(demonstrationNote({ name: 'ft1 — rule-out 0.95 (site)', description })).toBe(`note: ft1 — rule-out 0.95 (site) is a demonstration model (${description.slice(0, -1)}).`);
  });

  it('shows the first sentence of several, and no empty brackets for a model without a description', () => {
    expect(firstSentence('Trained on PTB-XL v1.0.3, e.g. the 100 Hz records. Validation AUC 0.91. Research use only.')).toBe('Trained on PTB-XL v1.0.3, e.g. the 100 Hz records');
    expect(demonstrationNote({ name: 'm', description: '' })).toBe('note: m is a demonstration model.');
    expect(demonstrationNote({ name: 'm', description: 'head fine-tuning of x' })).toBe('note: m is a demonstration model (head fine-tuning of x).');
  });
});

describe("predict's PE fusion lines", () => {
  const shown = { modelId: 'ft1-fusion@0123456789ab', modelName: 'ft1-fusion', method: 'youden', temperature: 1.41, decision: false };
  const part = { model: { id: 'ft1-fusion@0123456789ab', name: 'ft1-fusion' }, unavailable: null, notice: '' };

  it('says a score-only pre-test with threshold 1 has no threshold and is never flagged, as the ECG line says it', () => {
    const lines = fusionPartLines({ ...part, fused: { ...shown, probability: 0.4, threshold: 0.304 }, pretest: { ...shown, probability: 0.219, threshold: 1 } }, probabilityText);
    expect(lines).toEqual([
      "  fused ECG + score items: 40.0 %   (ft1-fusion@0123456789ab, Youden's J thresholds tuned on validation, threshold 0.304, T 1.41)",
      '  pre-test from the score items alone: 21.9 %   (ft1-fusion@0123456789ab, no threshold (no discrimination on validation: never flagged), T 1.41)',
    ]);
  });
});
