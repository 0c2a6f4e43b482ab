import { describe, expect, it } from 'vitest';
import type { ModelDetail } from '../../../../core/contract/clinic-schemas';
import { cvFoldText, duplicatesText, fusionNetworkText, intendedUse, lockedTestReadings, minimumExamplesText, modelRecordsText, recordsText, replacedTestsText } from './model-card';

const metrics = (support: Record<string, number>) => ({ n: 65, ci: {}, metrics: { perClass: Object.fromEntries(Object.entries(support).map(([c, s]) => [c, { support: s }])) } });

function model(overrides: Partial<ModelDetail>): ModelDetail {
  return {
    id: 'm@0123456789ab',
    name: 'm',
    description: '',
    architecture: 'xresnet1d50',
    classes: ['NORM', 'MI'],
    demonstration: false,
    bundled: true,
    createdAt: '2026-11-25T00:00:00.000Z',
    operatingPoint: { method: 'f1', temperature: 1.2, thresholds: { NORM: 0.5, MI: 0.2 } },
    dataset: 'ptbxl-superclass-100hz',
    trainRecords: 17000,
    validation: {},
    input: { rateHz: 100, windowSeconds: 2.5, mode: 'windows', aggregate: 'mean' },
    params: 1,
    weightsSha256: 'a'.repeat(64),
    engineVersion: '0.1.0',
    inference: { mode: 'windows', aggregate: 'mean' },
    training: { learningRate: 0.003, batchSize: 32, loss: 'bce', patience: 0 },
    provenance: { datasetSha256: 'b'.repeat(64), records: { train: 17000, val: 2000, test: 2000 }, split: 'strat_fold', epochs: { run: 1, best: 1, planned: 1 }, seed: 1, backend: 'wasm', secondsPerEpoch: 1, selection: 'aucMacro', augmentation: 'none (random crops only)', minExamples: { train: 10, val: 3, override: false }, operatingPointMinVal: null },
    intendedInput: { ageYears: { min: 18, max: null }, pacing: 'excluded', requiredLeads: ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'], minSeconds: 2.5, fsHz: { min: 100, max: 20000 }, channels: 'ecg' },
    validationDetail: metrics({ NORM: 900, MI: 500 }),
    test: metrics({ NORM: 900, MI: 500 }),
    siteEvaluation: null,
    finetuneDefaultMode: 'head',
    ...overrides,
  };
}

describe("the model card's intended use and limits", () => {
  it('states input, output and population limits for every model, and nothing more for a well-evaluated one', () => {
    const lines = intendedUse(model({}));
    expect(lines).toEqual([
      'Input: a resting 12-lead ECG of at least 2.5 seconds, resampled to 100 Hz. Output: a calibrated probability per class (NORM, MI) and a decision at the operating point.',
      'Intended for: patients aged 18 years and older, no pacemaker rhythm; surface ECG leads only (all 12), sampled at 100 Hz or faster. A record outside this gets no prediction: the model abstains and says why.',
      'Supports, and never replaces, a physician reading the tracing. Research use only.',
      'Trained on ptbxl-superclass-100hz (17000 training records): performance on other populations, recording devices, children or paced rhythms is unknown until validated here.',
    ]);
  });

  it('warns about demonstration models, weakly supported classes, a missing test evaluation and PE', () => {
    const untested = model({ demonstration: true, trainRecords: 326, classes: ['PE'], validationDetail: metrics({ PE: 4 }), test: null });
    const lines = intendedUse(untested).slice(4);
    expect(lines).toEqual([
      expect.stringMatching(/^Demonstration model: 326 training records/),
      'Few validation positives (< 10) for PE (4): their thresholds and metrics are unreliable.',
      expect.stringMatching(/^Not yet evaluated on its locked test split/),
      expect.stringMatching(/weak evidence for pulmonary embolism/),
    ]);
  });

  it("names this site's locked-test evaluation as the only figures on unseen records of a package without its own", () => {
    const evaluation = { id: 3, modelId: 'm@0123456789ab', source: 'evaluate' as const, dataset: { name: 'hospital', root: '/data/h', labels: null }, n: 40, metrics: {}, ci: {}, comparison: null, calibration: null, unreadable: 0, actor: 'user', createdAt: '2026-12-06T00:00:00.000Z' };
    const lines = intendedUse(model({ test: null }), evaluation);
    expect(lines.at(-1)).toBe("Its package carries no locked-test evaluation of its own data: its only figures on unseen records are this site's (40 locked test records of hospital).");
    expect(lines.some((l) => l.startsWith('Not yet evaluated'))).toBe(false);
    // The detail's own evaluation counts the same when none newer is given.
    expect(intendedUse(model({ test: null, siteEvaluation: evaluation })).at(-1)).toMatch(/^Its package carries no locked-test evaluation/);
    expect(intendedUse(model({ test: null }), { ...evaluation, n: 1 }).at(-1)).toMatch(/its only figures on unseen records are this site's \(1 locked test record of hospital\)\.$/);
  });
});

describe("a PE fusion package's card", () => {
  const network = { method: 'f1', temperature: 1.5, thresholds: { PE: 0.3 } };
  const fusion = { baseModel: { id: 'pe-ecg@bbbbbbbbbbbb', name: 'pe-ecg' }, networkOperatingPoint: network, items: ['dvtSigns', 'tachycardia'], notice: 'Research use only.' };
  const base = model({ id: 'pe-ecg@bbbbbbbbbbbb', name: 'pe-ecg', classes: ['PE'], dataset: 'pe-site', operatingPoint: network, test: { n: 30, ci: { aucMacro: { low: 0.5, high: 0.8 } }, metrics: { aucMacro: 0.65 } } });

  it("labels its ECG network's operating point and locked test as its base model's, by name and id", () => {
    expect(fusionNetworkText(fusion, base)).toBe(
      "Its ECG network is its base model pe-ecg (pe-ecg@bbbbbbbbbbbb), at that model's operating point, not this fusion's (F1-optimal thresholds tuned on validation · temperature 1.50). Its locked test: AUC 0.650 (0.500–0.800) on 30 records of pe-site (the ECG alone).",
    );
    expect(fusionNetworkText(fusion, model({ ...base, test: null }))).toMatch(/not this fusion's \(.*\)\. No locked-test evaluation: its quality on unseen records is unknown\.$/);
    expect(fusionNetworkText(fusion, undefined)).toMatch(/\. Its locked-test figures are on its own card; it is not installed here\.$/);
    // A locked test of one record: "1 record", not "1 records".
    expect(fusionNetworkText(fusion, model({ ...base, test: { n: 1, ci: {}, metrics: { aucMacro: 0.65 } } }))).toMatch(/ on 1 record of pe-site \(the ECG alone\)\.$/);
  });

  it('says where its probability is shown and that the ECG alone is its base', () => {
    const lines = intendedUse(model({ classes: ['PE'], validationDetail: metrics({ PE: 20 }), test: metrics({ PE: 10 }), fusion }));
    expect(lines.at(-1)).toBe("A PE fusion of the ECG model pe-ecg (pe-ecg@bbbbbbbbbbbb) with clinical score items (dvtSigns, tachycardia): its probability is shown in a record's PE panel once those items are entered, beside the ECG's; a prediction of the ECG alone is pe-ecg's.");
  });

  it("says it was fitted on its own rows and its network trained on its base's data, where it said 'Trained on' its fitting data", () => {
    const rows = { train: 40, val: 12, trainSkipped: 3, valSkipped: 0 };
    const withRows = model({ classes: ['PE'], validationDetail: metrics({ PE: 20 }), test: metrics({ PE: 10 }), dataset: 'pe-site', fusion: { ...fusion, rows } });
    const baseTraining = { dataset: { name: 'ptbxl-pe', records: { train: 300, val: 40, test: 40 }, split: 'PTB-XL folds' } };
    expect(intendedUse({ ...withRows, provenance: { ...withRows.provenance, baseTraining } })).toContain(
      "Fitted on pe-site (40 training rows with every score item); its ECG network was trained on ptbxl-pe (pe-ecg's card): performance on other populations, recording devices, children or paced rhythms is unknown until validated here.",
    );
    expect(intendedUse(withRows).join('\n')).toMatch(/its ECG network was trained on its base model's data \(pe-ecg's card\)/);
    expect(intendedUse(withRows).join('\n')).not.toMatch(/^Trained on/m);
  });
});

describe("the model card's minimum examples", () => {
  const trained = { train: 10, val: 3, override: false };
  it("states the training minimums of a trained model, and the override of one trained below the defaults", () => {
    expect(minimumExamplesText(trained, null)).toBe('10 positives and negatives per class in training, 3 in validation');
    expect(minimumExamplesText({ train: 1, val: 1, override: true }, null)).toBe('1 positives and negatives per class in training, 1 in validation (override: below the defaults 10 / 3)');
    expect(minimumExamplesText(null, null)).toBe('not recorded');
  });

  it("puts a site operating point's validation minimum first: the base's training minimums describe its weights, not its thresholds", () => {
    expect(minimumExamplesText(trained, { val: 2, override: true })).toBe(
      "operating point: 2 positives and negatives per class in this site's validation rows (override: below the default 3); weights, as trained: 10 positives and negatives per class in training, 3 in validation",
    );
    expect(minimumExamplesText(trained, { val: 3, override: false })).toMatch(/^operating point: 3 positives and negatives per class in this site's validation rows; weights/);
  });
});

describe("a cross-validation fold's card", () => {
  const fold = { k: 5, fold: 2, seed: 2018, heldOut: metrics({ NORM: 40, MI: 12 }) };

  it('names the fold and calls its figures cross-validation figures on held-out rows, not a locked test', () => {
    expect(cvFoldText(fold, false)).toBe(
      "Cross-validation fold 2 of 5 (folds dealt with seed 2018): trained on 3 folds, chosen and calibrated on the next. Its figures on fold 2's 65 held-out rows are below: cross-validation figures, made in the same selection loop as the other folds on the same data, not a locked test. It has no locked-test evaluation of its own.",
    );
    // A train --cv fold keeps no figures (cv.json has them); one evaluated on a locked test since says nothing about lacking one.
    expect(cvFoldText({ ...fold, seed: null, heldOut: null }, true)).toBe('Cross-validation fold 2 of 5: trained on 3 folds, chosen and calibrated on the next. Its held-out fold was scored by the cross-validation report (cv.json), not kept here.');
  });

  it('calls its test rows held out, and only a plain package\'s "test (locked)"', () => {
    const records = { train: 300, val: 100, test: 100 };
    expect(recordsText(records, fold)).toBe('300 train · 100 validation · 100 held out (cross-validation fold 2 of 5; not a locked test)');
    expect(recordsText(records, undefined)).toBe('300 train · 100 validation · 100 test (locked)');
  });
});

describe("the card's records beside figures that leave some out", () => {
  const outOfScope = (count: number, total: number) => ({ count, byReason: { age: count }, note: `the figures cover only the records within m's intended input; ${count} of ${total} left out` });
  const figures = (n: number, left: { outside?: number; unreadable?: number; total: number }) => ({
    ...metrics({ NORM: 10, MI: 5 }),
    n,
    ...(left.outside ? { outOfScope: outOfScope(left.outside, left.total) } : {}),
    ...(left.unreadable === undefined ? {} : { unreadable: left.unreadable }),
  });
  const records = { train: 326, val: 65, test: 56 };
  const provenance = (over: Partial<ModelDetail['provenance']> = {}) => ({ ...model({}).provenance, records, ...over });

  it('says how many of each split the figures below cover, so 54 under the locked test is not read as a mismatch with its 56', () => {
    const card = model({ provenance: provenance(), validationDetail: figures(64, { outside: 1, total: 65 }), test: figures(54, { outside: 2, total: 56 }) });
    expect(modelRecordsText(card)).toBe('326 train · 65 validation (64 within its intended input, see below) · 56 test (locked; 54 within its intended input, see below)');
  });

  it('counts unreadable records too, and says nothing where none were left out', () => {
    const both = model({ provenance: provenance(), validationDetail: figures(65, { total: 65, unreadable: 0 }), test: figures(53, { outside: 2, unreadable: 1, total: 56 }) });
    expect(modelRecordsText(both)).toBe('326 train · 65 validation · 56 test (locked; 53 read and within its intended input, see below)');
    const unreadable = model({ provenance: provenance(), validationDetail: figures(65, { total: 65 }), test: figures(55, { unreadable: 1, total: 56 }) });
    expect(modelRecordsText(unreadable)).toBe('326 train · 65 validation · 56 test (locked; 55 could be read, see below)');
  });

  it("says nothing of figures whose counts are another split's (a locked test attached from other rows)", () => {
    const other = model({ provenance: provenance(), validationDetail: figures(65, { total: 65 }), test: figures(90, { outside: 10, total: 100 }) });
    expect(modelRecordsText(other)).toBe('326 train · 65 validation · 56 test (locked)');
  });

  it("puts a fold's held-out figures beside its held-out rows, and a --paper-exact package's validation figures (its test split) beside its test rows", () => {
    const fold = { k: 5, fold: 2, seed: 2018, heldOut: figures(54, { outside: 2, total: 56 }) };
    const folded = model({ provenance: provenance(), cvFold: fold, validationDetail: figures(65, { total: 65 }), test: null });
    expect(modelRecordsText(folded)).toBe('326 train · 65 validation · 56 held out (cross-validation fold 2 of 5; not a locked test; 54 within its intended input, see below)');
    const paper = model({ provenance: provenance({ selectedOnTest: true }), validationDetail: figures(55, { outside: 1, total: 56 }), test: null });
    expect(modelRecordsText(paper)).toBe('326 train · 65 validation (unused) · 56 test (chose the epoch: --paper-exact; not a locked test; 55 within its intended input, see below)');
  });
});

describe("the card's duplicates (recordings listed under two rows of one split)", () => {
  it('counts them and names the rows of the first few, with their split', () => {
    const groups = [
      [{ id: 'a.hea', split: 'train' as const }, { id: 'copies/a.hea', split: 'train' as const }],
      [{ id: 'b.hea', split: 'test' as const }, { id: 'b-500.hea', split: 'test' as const }, { id: 'b2.hea', split: 'test' as const }],
    ];
    expect(duplicatesText({ recordings: 4, rows: 9, groups })).toBe(
      '4 recordings listed in 9 rows of one split each, kept, so each weighed more than once: a.hea = copies/a.hea (train); b.hea = b-500.hea = b2.hea (test); and 2 more',
    );
    expect(duplicatesText({ recordings: 1, rows: 2, groups: groups.slice(0, 1) })).toBe('1 recording listed in 2 rows of one split each, kept, so each weighed more than once: a.hea = copies/a.hea (train)');
  });

  it('tells a package whose check found none from one made before packages kept their check (both said "none recorded")', () => {
    const checked = { method: 'recording-content' as const, splits: ['train' as const, 'val' as const] };
    expect(duplicatesText({ recordings: 0, rows: 0, groups: [], ...checked })).toBe('none found (checked training and validation rows for the same recording by content, or the same ECG at another sampling rate)');
    expect(duplicatesText({ recordings: 1, rows: 2, groups: [[{ id: 'a.hea', split: 'train' }, { id: 'copies/a.hea', split: 'train' }]], ...checked })).toMatch(/: a\.hea = copies\/a\.hea \(train\) \(checked training and validation rows for /);
    expect(duplicatesText(undefined)).toBe('not recorded (package made before packages kept their duplicate check: only copies found were written down, if any were looked for)');
    expect(duplicatesText(undefined, "an ensemble's validation rows are not compared for copies")).toBe("not checked: an ensemble's validation rows are not compared for copies");
  });
});

describe("the card's warning where a locked test was read again (ecg evaluate --attach --replace-test)", () => {
  const reading = (n: number, aucMacro: number | null, replacedAt: string, comparedWithBase = false) => ({ n, aucMacro, replacedAt, packageId: 'm@0123456789ab', comparedWithBase });

  it('says how often it was read, and what each earlier reading gave and when it was replaced, to the minute in UTC', () => {
    expect(replacedTestsText([reading(54, 0.8657, '2026-12-07T14:03:59.123Z')])).toBe(
      'Locked test read 2 times: its present figures replaced an earlier reading (n = 54, macro AUC 0.866, replaced on 2026-12-07 14:03 UTC). A locked test is meant to be read once; figures kept after it was read again may be the more favourable reading, so take them as optimistic.',
    );
    expect(replacedTestsText([reading(54, 0.8657, '2026-12-07T14:03:00.000Z'), reading(50, null, '2026-12-08T09:15:00.000Z')])).toMatch(
      /^Locked test read 3 times: its present figures replaced 2 earlier readings \(n = 54, macro AUC 0\.866, replaced on 2026-12-07 14:03 UTC · n = 50, macro AUC —, replaced on 2026-12-08 09:15 UTC\)\. /,
    );
  });

  it('counts only readings that were a locked test: earlier figures that were not one are listed as such', () => {
    const notLocked = { ...reading(8, 0.7, '2026-12-07T14:03:00.000Z'), notLockedTest: 'not locked-test figures: its base saw them' };
    expect(replacedTestsText([notLocked])).toBe('Locked test read once: its present figures replaced earlier figures that were not a locked test (n = 8, macro AUC 0.700, replaced on 2026-12-07 14:03 UTC; not a locked test).');
    expect(lockedTestReadings([notLocked])).toBe(1);
    expect(replacedTestsText([notLocked, reading(8, 0.8, '2026-12-08T09:15:00.000Z')])).toMatch(/^Locked test read 2 times: its present figures replaced 2 earlier readings \(n = 8, macro AUC 0\.700, replaced on 2026-12-07 14:03 UTC; not a locked test · n = 8, macro AUC 0\.800, replaced on 2026-12-08 09:15 UTC\)\. A locked test is meant to be read once/);
  });

  it("says that a fine-tuning's comparison with its base, made on the replaced reading, went with it", () => {
    expect(replacedTestsText([reading(40, 0.9, '2026-12-07T14:03:00.000Z', true)])).toContain(
      '(n = 40, macro AUC 0.900, replaced on 2026-12-07 14:03 UTC; its closing comparison with the base model, made on that reading, was set aside with it)',
    );
  });
});
