import { describe, expect, it } from 'vitest';
import { demonstrationNote, firstSentence } from './predict';

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
