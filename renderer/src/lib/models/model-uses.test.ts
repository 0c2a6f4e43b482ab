import { describe, expect, it } from 'vitest';
import { finetuneBaseRefusal, finetuneBases, predictionModels, promotionRefusal, siteOperatingPointRefusal } from './model-uses';

const plain = { name: 'pe-ecg', architecture: 'resnet18' };
const fusion = { name: 'pe-ecg-fusion', architecture: 'resnet18', fusion: { baseModel: { id: 'pe-ecg@bbbbbbbbbbbb', name: 'pe-ecg' }, networkOperatingPoint: { method: 'youden', temperature: 1, thresholds: { PE: 0.4 } }, items: ['dvtSigns'], notice: '' } };
const ensemble = { name: 'three', architecture: 'ensemble' };

describe('what the app offers to do with a model (only what the engine accepts)', () => {
  it('leaves a PE fusion package out of the prediction panel, whose prediction of a record the engine refuses; an ensemble predicts', () => {
    expect(predictionModels([plain, fusion, ensemble]).map((m) => m.name)).toEqual(['pe-ecg', 'three']);
    expect(promotionRefusal(fusion)).toBe('pe-ecg-fusion is a PE fusion: its probability needs clinical score items, so it predicts no record by itself and cannot be the default for predictions');
    expect([promotionRefusal(plain), promotionRefusal(ensemble)]).toEqual([null, null]);
  });

  it('starts a fine-tuning only from a single network: not a fusion (its network is its base) nor an ensemble', () => {
    expect(finetuneBases([plain, fusion, ensemble]).map((m) => m.name)).toEqual(['pe-ecg']);
    expect(finetuneBaseRefusal(fusion)).toBe('pe-ecg-fusion is a PE fusion of pe-ecg: fine-tune pe-ecg, its ECG network');
  });

  it("replaces the card's site operating point form by the reason for a fusion or an ensemble", () => {
    expect(siteOperatingPointRefusal(plain)).toBeNull();
    expect(siteOperatingPointRefusal(fusion)).toMatch(/^No site operating point for a PE fusion package: its fusion was fitted on the calibrated probabilities of its network \(pe-ecg\), which a new temperature would change\./);
    expect(siteOperatingPointRefusal(ensemble)).toBe('No site operating point for an ensemble: its operating point is fitted when it is built (ecg ensemble --thresholds).');
  });
});
