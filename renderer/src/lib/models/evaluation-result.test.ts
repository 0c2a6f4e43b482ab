import { describe, expect, it } from 'vitest';
import { SiteEvaluationSchema } from '../../../../core/contract/evaluation-schemas';
import { EvaluatedSchema, EvaluationResultSchema, withOutOfScope, type EvaluationResult } from '../../../../core/contract/training-schemas';
import { evaluationWarning, fusionEvaluationText, leftOutLines, outOfScopeText, siteEvaluatedText, siteLeftOut, type SiteLeftOut } from './evaluation-result';

/** A fusion package's evaluation on a site's locked test rows, as the engine sends it (parsed by the contract, as the app receives it). */
const fusionResult: EvaluationResult = EvaluationResultSchema.parse({
  kind: 'evaluate',
  n: 6,
  classes: ['PE'],
  metrics: { accuracy: 0.8, subsetAccuracy: 0.8, f1Macro: 0.5, mapMacro: 0.6, gmean: 0.7, gmeanPaper: 0.7, aucMacro: 0.875, perClass: {} },
  ci: { aucMacro: { low: 0.5, high: 1 } },
  split: 'test',
  dataset: 'site-pe',
  modelId: 'pe-ecg-fusion@aaaaaaaaaaaa',
  unreadable: { count: 0, examples: [] },
  operatingPoint: { method: 'youden', temperature: 1, thresholds: { PE: 0.42 } },
  notLockedTest: null,
  trainingOverlap: { checked: 6, inTraining: 0, note: "none of the 6 test records is among pe-ecg-fusion's 40 training and validation records" },
  fusion: {
    baseModel: { id: 'pe-ecg@bbbbbbbbbbbb', name: 'pe-ecg' },
    unscored: { count: 2, firstReason: 'r7: items not assessed: dvtSigns' },
    ecgOnly: { n: 8, operatingPoint: { method: 'f1', temperature: 1.5, thresholds: { PE: 0.3 } }, metrics: { accuracy: 0.6, subsetAccuracy: 0.6, f1Macro: 0.4, mapMacro: 0.5, gmean: 0.5, gmeanPaper: 0.5, aucMacro: 0.625, perClass: {} }, ci: { aucMacro: { low: 0.25, high: 0.9 } } },
  },
});

describe("an evaluation's figures on screen", () => {
  it('keeps what the engine says of a fusion and of the split through the contract (they were dropped)', () => {
    expect(fusionResult.fusion?.baseModel.id).toBe('pe-ecg@bbbbbbbbbbbb');
    expect(fusionResult.notLockedTest).toBeNull();
    expect(fusionResult.trainingOverlap.inTraining).toBe(0);
  });

  it("headlines a fusion package by its own AUC at its own operating point, its network's under its base's name and id", () => {
    expect(fusionEvaluationText(fusionResult, 'pe-ecg-fusion')).toEqual({
      fusion: "pe-ecg-fusion (fused ECG + score items): AUC 0.875 (0.500–1.000) on 6 records with every score item, at the fusion's own operating point (threshold 42.0 %; Youden's J thresholds tuned on validation · no temperature scaling)",
      network: "ECG network alone — base model pe-ecg (pe-ecg@bbbbbbbbbbbb), not the fusion's figures: AUC 0.625 (0.250–0.900) on 8 records, at its own operating point (threshold 30.0 %; F1-optimal thresholds tuned on validation · temperature 1.50)",
      unscored: '2 evaluated records could not be fused and are in no fusion figure (first: r7: items not assessed: dvtSigns)',
    });
    const { fusion: _fusion, ...plain } = fusionResult;
    expect(fusionEvaluationText(plain, 'pe-ecg')).toBeNull();
  });

  it('says "1 record", not "1 records", of a fusion and its network evaluated on one', () => {
    const f = fusionResult.fusion;
    if (!f) throw new Error('no fusion');
    const one = { ...fusionResult, n: 1, fusion: { ...f, ecgOnly: { ...f.ecgOnly, n: 1 } } };
    const text = fusionEvaluationText(one, 'pe-ecg-fusion');
    expect(text?.fusion).toMatch(/ on 1 record with every score item, /);
    expect(text?.network).toMatch(/ on 1 record, at its own operating point /);
  });

  it("says on how many records a site evaluation was done and whether it was recorded, one record as \"1 record\"", () => {
    expect(siteEvaluatedText(fusionResult)).toBe('Evaluated on 6 locked test records and recorded.');
    expect(siteEvaluatedText({ ...fusionResult, n: 1 })).toBe('Evaluated on 1 locked test record and recorded.');
    const notLockedTest = 'not locked-test figures: the model was fitted on the training split, so they are optimistic; report the test split (--split test)';
    expect(siteEvaluatedText({ ...fusionResult, split: 'train', notLockedTest })).toBe("Evaluated on 6 records of the train split; not recorded as this site's evaluation.");
    expect(siteEvaluatedText({ ...fusionResult, n: 1, split: 'train', notLockedTest })).toBe("Evaluated on 1 record of the train split; not recorded as this site's evaluation.");
  });

  it('says once that a network with no discriminating threshold is never flagged (it said so twice: the threshold, then the label)', () => {
    const f = fusionResult.fusion;
    if (!f) throw new Error('no fusion');
    const never = { ...fusionResult, fusion: { ...f, ecgOnly: { ...f.ecgOnly, operatingPoint: { method: 'f1' as const, temperature: 1.5, thresholds: { PE: 1 } } } } };
    expect(fusionEvaluationText(never, 'pe-ecg-fusion')?.network).toMatch(
      /at its own operating point \(no thresholds: no class discriminated on validation, none is ever flagged · temperature 1\.50\)$/,
    );
  });

  it('says figures off the locked test split are not locked-test figures, else warns of test records the model trained on', () => {
    const notLocked = 'not locked-test figures: the model was fitted on the training split, so they are optimistic; report the test split (--split test)';
    expect(evaluationWarning({ ...fusionResult, notLockedTest: notLocked })).toBe(`N${notLocked.slice(1)}`);
    expect(evaluationWarning(fusionResult)).toBeNull();
    const seen = { checked: 6, inTraining: 2, note: "2 of the 6 test records are among pe-ecg's training and validation records: its figures on them are optimistic" };
    expect(evaluationWarning({ ...fusionResult, trainingOverlap: seen })).toBe(seen.note);
    // Off the test split every record was seen: the split's own warning says it.
    expect(evaluationWarning({ notLockedTest: notLocked, trainingOverlap: seen })).toBe(`N${notLocked.slice(1)}`);
  });

  it('says beside the figures which records they leave out as outside the model\'s intended input (the app showed the figures alone)', () => {
    const note = "the figures cover only the records within starter's intended input; 2 of 56 left out, as the model gives no prediction on them (2 with the patient's age outside the model's range)";
    expect(outOfScopeText({ outOfScope: { count: 2, byReason: { age: 2 }, note } })).toBe(note.charAt(0).toUpperCase() + note.slice(1));
    expect(outOfScopeText({ outOfScope: { count: 0, byReason: {}, note: 'every one of the 56 records is within it' } })).toBeNull();
    expect(outOfScopeText({})).toBeNull();
    expect(outOfScopeText({ outOfScope: null })).toBeNull();
  });

  it("says beside a package's own locked-test figures what they leave out, as an evaluation's result does, and nothing of a count not kept", () => {
    const note = "the figures cover only the records within norm's intended input; 1 of 6 left out, as the model gives no prediction on it (1 with the patient's age outside the model's range)";
    // As the card receives a package's locked test through the contract.
    const test = EvaluatedSchema.parse({ n: 4, metrics: { aucMacro: 0.75 }, ci: {}, unreadable: 1, outOfScope: { count: 1, byReason: { age: 1 }, note } });
    expect(leftOutLines(test, 'test')).toEqual([outOfScopeText(test), '1 more test record could not be read and is in no figure']);
    expect(leftOutLines({ ...test, unreadable: 2 }, 'held-out')).toEqual([outOfScopeText(test), '2 more held-out records could not be read and are in no figure']);
    expect(leftOutLines({ outOfScope: { count: 0, byReason: {}, note: 'every one of the 6 records is within it' }, unreadable: 0 }, 'test')).toEqual([]);
    // A package made before either was counted says nothing of them: never that none were left out.
    expect(leftOutLines(EvaluatedSchema.parse({ n: 6, metrics: {}, ci: {} }), 'test')).toEqual([]);
  });

  it("says once on a fine-tuned model's card what its locked test leaves out: the site evaluation its fine-tuning recorded is that locked test, and its line said each again", () => {
    const note = "the figures cover only the records within norm's intended input; 1 of 6 left out, as the model gives no prediction on it (1 with the patient's age outside the model's range)";
    const outOfScope = { count: 1, byReason: { age: 1 }, note };
    const seenByBase = { count: 2, ids: ['12', '31'], note: 'the figures cover only the test records tiny (the base this model\'s weights started from) and its bases never trained or validated on; 2 of 7 left out, as a locked test holds no record the model saw (12, 31)' };
    // The package's locked test and the fine-tuning's site evaluation, as the card receives them through the contract.
    const test = EvaluatedSchema.parse({ n: 4, metrics: { aucMacro: 0.75 }, ci: {}, unreadable: 1, outOfScope, seenByBase });
    const finetuned = SiteEvaluationSchema.parse({
      id: 1,
      modelId: 'norm@aaaaaaaaaaaa',
      source: 'finetune',
      dataset: { name: 'hospital:norm', root: '/data/norm', labels: '/data/norm.csv' },
      n: 4,
      metrics: withOutOfScope({ aucMacro: 0.75 }, outOfScope, seenByBase),
      ci: {},
      comparison: null,
      calibration: null,
      unreadable: 1,
      actor: 'user',
      createdAt: '2025-01-01T00:00:00.000Z',
    });
    const lines = (site: SiteLeftOut) => [site.outOfScope, site.seenByBase, site.unreadable].filter((line) => line !== null);
    const said = [...leftOutLines(test, 'test'), ...lines(siteLeftOut(finetuned, test))];
    expect(said).toEqual([outOfScopeText(test), `T${seenByBase.note.slice(1)}`, '1 more test record could not be read and is in no figure']);
    // An evaluation recorded since is other figures: its line says what they leave out.
    expect(lines(siteLeftOut({ ...finetuned, source: 'evaluate' }, test))).toEqual(said);
    // The promote dialog shows no locked test of the package: the line says them.
    expect(lines(siteLeftOut(finetuned))).toEqual(said);
  });
});
