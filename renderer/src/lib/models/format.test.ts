import { describe, expect, it } from 'vitest';
import { rateIntervalWords } from '../../../../core/contract/training-schemas';
import { abstentionDetail, decisionText, duration, inferenceDiffers, isPulmonaryEmbolismModel, metricsIntervalWords, metricWithInterval, modelInputText, operatingPointLabel, peAbsentText, peDecisionText, percent, predictionModelText, predictionOutcomeText, probabilityText, rateWithInterval, thresholdText } from './format';

describe('how model outputs are worded', () => {
  it('says how the record reached the model: resampling and which part was scored', () => {
    expect(modelInputText(500, { rateHz: 100, windowSeconds: 2.5, mode: 'windows', aggregate: 'mean' })).toBe("Input: resampled from 500 Hz to the model's 100 Hz; 2.5 s windows across the whole record, mean of their outputs.");
    expect(modelInputText(500, { rateHz: 500, windowSeconds: 4.096, mode: 'centre', aggregate: 'mean' })).toBe('Input: read at 500 Hz; the central 4.1 s of the record.');
    expect(modelInputText(250, { rateHz: null, windowSeconds: null, mode: 'centre', aggregate: 'max' })).toBe('Input: read at 250 Hz.');
    expect(modelInputText(500, { rateHz: 500, windowSeconds: 4.096, mode: 'centre', aggregate: 'mean', longRecords: 'whole', paddedSeconds: 10 })).toBe('Input: read at 500 Hz; the central 4.1 s of the record; a record longer than 10 s is read by 4.1 s windows across its whole length, mean of their outputs.');
    expect(modelInputText(100, { rateHz: 100, windowSeconds: 2.5, mode: 'windows', aggregate: 'mean', longRecords: 'truncated', paddedSeconds: 10 })).toBe("Input: read at 100 Hz; 2.5 s windows across the whole record, mean of their outputs; a record longer than 10 s is read only in its first 10 s.");
  });

  it('names the operating point: threshold method and calibration temperature', () => {
    expect(operatingPointLabel({ method: 'f1', temperature: 1.7034 })).toBe('F1-optimal thresholds tuned on validation · temperature 1.70');
    expect(operatingPointLabel({ method: 'youden', temperature: 1 })).toBe("Youden's J thresholds tuned on validation · no temperature scaling");
    expect(operatingPointLabel({ method: 'fixed', temperature: 1 })).toBe('fixed 0.5 thresholds (not tuned) · no temperature scaling');
    expect(operatingPointLabel({ method: 'sensitivity', target: 0.95, temperature: 1.2 })).toBe('rule-out: sensitivity ≥ 0.95 on validation · temperature 1.20');
    expect(operatingPointLabel({ method: 'specificity', target: 0.975, temperature: 1 })).toBe('rule-in: specificity ≥ 0.975 on validation · no temperature scaling');
    expect(operatingPointLabel({ method: 'f1', temperature: 1, calibrationNote: 'not calibrated: the 6 validation rows separate the classes perfectly' })).toBe(
      'F1-optimal thresholds tuned on validation · no temperature scaling (not calibrated: the 6 validation rows separate the classes perfectly)',
    );
  });

  it('counts the classes left without a threshold, and names no tuning when none discriminated', () => {
    expect(operatingPointLabel({ method: 'f1', temperature: 1.2, thresholds: { NORM: 0.41, MI: 0.3 } })).toBe('F1-optimal thresholds tuned on validation · temperature 1.20');
    expect(operatingPointLabel({ method: 'f1', temperature: 1.2, thresholds: { NORM: 0.41, MI: 1, CD: 1 } })).toBe(
      'F1-optimal thresholds tuned on validation; 2 of 3 classes never flagged (no discrimination on validation) · temperature 1.20',
    );
    expect(operatingPointLabel({ method: 'youden', temperature: 1, thresholds: { PE: 1 } })).toBe('no thresholds: no class discriminated on validation, none is ever flagged · no temperature scaling');
  });

  it('never states a binary PE: the decision at the threshold asks for evaluation or says it rules nothing out', () => {
    expect(isPulmonaryEmbolismModel(['PE'])).toBe(true);
    expect(isPulmonaryEmbolismModel(['pulmonary embolism'])).toBe(true);
    expect(isPulmonaryEmbolismModel(['NORM', 'MI', 'STTC', 'CD', 'HYP'])).toBe(false);
    expect(isPulmonaryEmbolismModel(['PEAK'])).toBe(false);
    expect(decisionText('PE', true)).toBe('above threshold: consider further evaluation');
    expect(decisionText('PE', false)).toBe('below threshold: does not rule out PE');
    expect(decisionText('MI', true)).toBe('flagged');
    expect(decisionText('MI', false)).toBe('not flagged');
  });

  it('says a class without a threshold made no decision, rather than a negative one', () => {
    expect(decisionText('PE', false, 1)).toBe('no decision: the model did not discriminate PE on validation; neither suggests nor rules out PE');
    expect(decisionText('PE', false, 0.2)).toBe('below threshold: does not rule out PE');
    expect(decisionText('MI', false, 1)).toBe('no decision: never flagged (no discrimination on validation)');
    expect(decisionText('MI', true, 0.6)).toBe('flagged');
    expect(peDecisionText(false, 1)).toMatch(/^no decision: .*neither suggests nor rules out PE$/);
    expect(peDecisionText(false, 0.3)).toBe('below threshold');
    expect(peDecisionText(true, 0.3)).toBe('above threshold');
  });

  it("names the fusion package that gave no pre-test or fused probability beside why, as the printed page does, and gives the engine's reason alone where none is installed", () => {
    const doubted = "withheld because pe-fusion reads the D-dimer (one of its inputs), and the score entry's D-dimer (24 ng/mL FEU) is not to be relied on: its unit was not confirmed. Correct the entry";
    expect(peAbsentText({ fusionModel: { id: 'pe-fusion@0123456789ab', name: 'pe-fusion' }, fusionUnavailable: doubted })).toBe(`no probability from pe-fusion: ${doubted}`);
    expect(peAbsentText({ fusionModel: { id: 'pe-fusion@0123456789ab', name: 'pe-fusion' }, fusionUnavailable: null })).toBe('no probability from pe-fusion: no reason given');
    const none = 'no fusion model is installed for PE ECG (ecg pe-fuse builds one)';
    expect(peAbsentText({ fusionModel: null, fusionUnavailable: none })).toBe(none);
    expect(peAbsentText({ fusionModel: null, fusionUnavailable: null })).toBe('—');
  });

  it('sums up a stored prediction for the history without counting a class without a threshold as a negative', () => {
    const base = { abstained: false, classes: ['NORM', 'MI'], decisions: { NORM: false, MI: true }, operatingPoint: { thresholds: { NORM: 0.4, MI: 0.3 } } };
    const name = (c: string) => `<${c}>`;
    expect(predictionOutcomeText(base, name)).toBe('flagged: <MI>');
    expect(predictionOutcomeText({ ...base, decisions: { NORM: false, MI: false } }, name)).toBe('nothing flagged');
    expect(predictionOutcomeText({ ...base, decisions: { NORM: false, MI: false }, operatingPoint: { thresholds: { NORM: 1, MI: 0.3 } } }, name)).toBe('nothing flagged (1 of 2 classes without a threshold)');
    expect(predictionOutcomeText({ ...base, decisions: { NORM: false, MI: false }, operatingPoint: { thresholds: { NORM: 1, MI: 1 } } }, name)).toBe('no decision: no class discriminated on validation');
    expect(predictionOutcomeText({ ...base, abstained: true, decisions: null }, name)).toBe('abstained');
  });

  it("qualifies a flag in the history as the viewer's table does when the model's locked test never backed it", () => {
    // The starter CPSC model's locked test: IAVB found none of its one positive, LBBB had none, AF found one of two.
    const lockedTest = { n: 63, ci: {}, metrics: { perClass: { AF: { sensitivity: 0.5, support: 2 }, IAVB: { sensitivity: 0, support: 1 }, LBBB: { sensitivity: null, support: 0 } } } };
    const p = { abstained: false, classes: ['AF', 'IAVB', 'LBBB'], decisions: { AF: true, IAVB: true, LBBB: false }, operatingPoint: { thresholds: { AF: 0.4, IAVB: 0.3, LBBB: 0.2 } } };
    const name = (c: string) => `<${c}>`;
    expect(predictionOutcomeText(p, name, lockedTest)).toBe('flagged: <AF>; above threshold, not validated on the locked test: <IAVB> (locked test found 0 of 1)');
    // Only unvalidated flags: not "nothing flagged" beside them.
    expect(predictionOutcomeText({ ...p, decisions: { AF: false, IAVB: true, LBBB: true } }, name, lockedTest)).toBe(
      'above threshold, not validated on the locked test: <IAVB> (locked test found 0 of 1), <LBBB> (no positive case in the locked test)',
    );
    // The model no longer installed: no per-class locked test to judge by (the viewer says so for the whole model).
    expect(predictionOutcomeText(p, name, null)).toBe('flagged: <AF>, <IAVB>');
  });

  it('names the model of a stored prediction with its version, a demonstration model said so', () => {
    // The id the CLI prints (ecg predict), not the weights' hash: one identifier for one model on screen, paper and terminal.
    expect(predictionModelText({ model: { id: 'starter-cpsc@dad818817c5b', demonstration: true } })).toBe('starter-cpsc@dad818817c5b (demonstration model)');
    expect(predictionModelText({ model: { id: 'mi head@0123456789ab', demonstration: false } })).toBe('mi head@0123456789ab');
  });

  it('says when a fine-tuned model reads records differently from its base', () => {
    const windows = { mode: 'windows', aggregate: 'mean', stride: 125 } as const;
    expect(inferenceDiffers(windows, windows)).toBeNull();
    expect(inferenceDiffers(windows, undefined)).toBeNull();
    expect(inferenceDiffers({ mode: 'centre', aggregate: 'mean' }, windows)).toBe('reads records differently from its base: centre crop here, sliding windows (mean, stride 125) in the base');
  });

  it('says a class is never flagged where validation showed no discrimination (threshold 1)', () => {
    expect(thresholdText(0.4321)).toBe('43.2 %');
    expect(thresholdText(1)).toBe('none: no discrimination on validation, never flagged');
    expect(thresholdText(undefined)).toBe('—');
  });

  it('never shows a probability as 100.0 % or 0.0 %', () => {
    expect([0.9996, 0.999, 0.5, 0.001, 0.0004, 1, 0].map(probabilityText)).toEqual(['> 99.9 %', '99.9 %', '50.0 %', '0.1 %', '< 0.1 %', '> 99.9 %', '< 0.1 %']);
    expect(probabilityText(Number.NaN)).toBe('—');
  });

  it("says over a model's figures that rates are Wilson's on patients and AUCs Newcombe's, as ecg evaluate's help does, not bootstrap alone", () => {
    expect(metricsIntervalWords).toBe(
      `95 % intervals: bootstrap (a macro AUC's widened by the variance its classes' bootstraps lacked); a class's AUC the wider of that and Newcombe's on its positives and negatives, its sensitivity, specificity, PPV and NPV ${rateIntervalWords}; figures stored before patients were counted, on records`,
    );
    expect(rateIntervalWords).toContain('(of patients where records name them)');
  });

  it('formats probabilities, metrics with intervals and durations, with a dash where undefined', () => {
    expect(percent(0.8234)).toBe('82.3 %');
    expect(percent(null)).toBe('—');
    expect(percent(Number.NaN)).toBe('—');
    expect(metricWithInterval(0.81234, { low: 0.7, high: 0.9 })).toBe('0.812 (0.700–0.900)');
    expect(metricWithInterval(0.5, { low: null, high: 0.9 })).toBe('0.500');
    expect(metricWithInterval(undefined)).toBe('—');
    expect(rateWithInterval(0.857, { low: 0.421, high: 0.996 })).toBe('85.7 % (42.1–99.6)');
    expect(rateWithInterval(0.5, { low: null, high: 1 })).toBe('50.0 %');
    expect([duration(45.4), duration(125), duration(7260), duration(undefined), duration(-1)]).toEqual(['45 s', '2 min 05 s', '2 h 01 min', '—', '—']);
  });
});

describe('abstentionDetail', () => {
  it('begins the reasons after the headline with a capital, as a sentence of their own', () => {
    expect(abstentionDetail({ scope: { reasons: ['missing leads V2, V4, V6: the model needs all 12 leads', 'too short'] }, reason: "outside the model's intended input: missing leads V2, V4, V6" })).toBe('Missing leads V2, V4, V6: the model needs all 12 leads; too short.');
  });
  it("gives the engine's reason where the record is within scope, one full stop at the end", () => {
    expect(abstentionDetail({ scope: { reasons: [] }, reason: 'signal quality unusable: no beats detected.' })).toBe('Signal quality unusable: no beats detected.');
    expect(abstentionDetail({ scope: { reasons: [] }, reason: null })).toBe('');
  });
});
