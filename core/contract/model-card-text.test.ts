import { describe, expect, it } from 'vitest';
import { cvFoldText, validationWords } from './model-card-text';

describe('the card text counts one record or row in the singular', () => {
  it('says "1 record" beside validation figures on one record, where it said "1 records"', () => {
    expect(validationWords(false, 1)).toBe('validation (chose the epoch and thresholds; optimistic; 1 record)');
    expect(validationWords(true, 1)).toBe('test split as validation (--paper-exact: chose the epoch; optimistic, not a locked test; 1 record)');
    expect(validationWords(false, 65)).toBe('validation (chose the epoch and thresholds; optimistic; 65 records)');
  });

  it('says "1 held-out row" for a fold that held out one row, where it said "1 held-out rows"', () => {
    const heldOut = { n: 1, ci: {}, metrics: {} };
    expect(cvFoldText({ k: 3, fold: 1, seed: null, heldOut }, false)).toBe(
      "Cross-validation fold 1 of 3: trained on 1 fold, chosen and calibrated on the next. Its figures on fold 1's 1 held-out row are below: cross-validation figures, made in the same selection loop as the other folds on the same data, not a locked test. It has no locked-test evaluation of its own.",
    );
  });
});
