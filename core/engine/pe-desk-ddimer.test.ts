import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computePeScores } from '../clinic/pe-scores/index';
import type { PeItems } from '../clinic/pe-scores/items';
import type { StoredPrediction } from '../contract/clinic-schemas';
import type { PeAssessment, PeProbabilities } from '../contract/pe-schemas';
import type { RecordSummary } from '../contract/schemas';
import { PeAssessmentStore } from '../db/pe-assessments';
import { PredictionStore } from '../db/predictions';
import { buildModel } from '../ml/models/registry';
import { pipelineConfigSchema } from '../signal/pipeline-config';
import { jsonSafe } from '../train/finalize';
import { readPackage } from '../train/package/archive';
import { parseManifest, savePackage, writePackageFolder, type ManifestFields } from '../train/package/io';
import { sealManifest } from '../train/package/seal';
import { logitOf, type FusionBlock, type FusionItemFeature } from '../train/pe/fusion';
import { ensureBackend } from '../train/setup';
import { Engine } from './engine';
import { engineValue, fixtureRecordFiles, importedRecordId } from '../test/engine-value';
import { fixturePath } from '../test/shared-data';
import { predictCommand } from '../cli/commands/predict';
import { listCommand } from '../cli/commands/list';

/**
 * The PE panel's fused and pre-test probabilities on a score entry whose D-dimer the app flags
 * (stored before its unit had to be confirmed, or before the floor and the ceiling), or whose age
 * lies outside the ECG model's intended use: real engine,
 * real SQLite, a real one-output network predicting a real record, and real sealed fusion packages
 * of it. The fusion blocks' coefficients are written here rather than fitted (fitting needs a
 * fine-tuned PE network and labelled items, which pe.test.ts builds over minutes): what is tested
 * is which entries the desk fuses, not the fit.
 */
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-pe-ddimer-'));
const network = path.join(dataDir, 'models', 'pe-ecg');
let engine: Engine;
let recordId: number;
let prediction: StoredPrediction;

const value = <T>(channel: string, request: object): Promise<T> => engineValue<T>(engine, channel, request);

/** An untrained one-output (PE) network: its probability is what is fused, whatever it is. */
const fields: ManifestFields = {
  name: 'pe-ecg',
  description: 'built by pe-desk-ddimer.test.ts',
  demonstration: true,
  architecture: { name: 'xresnet1d50', buildOptions: { numClasses: 1, inputLength: 64 } },
  hyperParameters: { learningRate: 1e-3 },
  classes: ['PE'],
  preprocessing: pipelineConfigSchema.parse({ version: 1, stages: [{ kind: 'resample', targetHz: 100 }, { kind: 'crop', length: 64 }, { kind: 'normalise', method: 'zscore' }] }),
  inference: { mode: 'centre', aggregate: 'mean' },
  operatingPoint: { method: 'youden', thresholds: [0.5], temperature: 1 },
  provenance: {
    dataset: { name: 'unit', sha256: 'a'.repeat(64), records: { train: 10, val: 3, test: 2 }, split: 'test split' },
    epochs: { run: 1, best: 1, planned: 1 },
    seed: 1,
    backend: 'cpu',
    secondsPerEpoch: 1,
    selection: 'aucMacro on validation',
    validation: { n: 3, metrics: { aucMacro: 0.5 }, ci: { aucMacro: { low: 0.1, high: 0.9 } } },
    history: [],
  },
};

/** A logistic block over `n` features; the first centred on `centre` (the ECG logit of the fused one, so it is within range). */
function calibrated(n: number, centre: number): FusionBlock['fused'] {
  const mean = Array.from({ length: n }, (_, j) => (j === 0 ? centre : 0.5));
  return { model: { mean, std: mean.map(() => 1), weights: mean.map(() => 1), intercept: -1 }, temperature: 1, threshold: 0.5, method: 'youden', validation: { n: 20, auc: 0.8, low: 0.6, high: 0.9 } };
}

/** Writes a sealed fusion package of the network reading `items`, created at `createdAt` (the desk takes the newest). */
async function installFusion(name: string, items: FusionItemFeature[], createdAt: string): Promise<void> {
  const bytes = await readPackage(network);
  const base = parseManifest(bytes.manifest, network);
  const ecgLogit = logitOf(prediction.probabilities?.PE ?? 0.5);
  const block: FusionBlock = { version: 1, baseModel: { id: base.id, name: base.name, weightsSha256: base.weightsSha256 }, items, fused: calibrated(items.length + 1, ecgLogit), pretest: calibrated(items.length, 0.5), rows: { train: 20, val: 20, trainSkipped: 0, valSkipped: 0 }, notice: 'test fusion' };
  const raw = JSON.parse(new TextDecoder().decode(bytes.manifest)) as Record<string, unknown>;
  const sealed = sealManifest(jsonSafe({ ...raw, name, createdAt, fusion: block, integrity: undefined, signature: undefined }) as Record<string, unknown>);
  await writePackageFolder(path.join(dataDir, 'models', name), { ...bytes, manifest: new TextEncoder().encode(`${JSON.stringify(sealed, null, 2)}\n`) });
}

/** An entry as one stored before the checks was: straight into the store, past the channel's schema. */
function storeLegacyEntry(items: PeItems): PeAssessment {
  const current = engine.pe.entries.current(recordId);
  return new PeAssessmentStore(engine.db).insert({ recordId, items, scores: computePeScores(items), assessor: 'Dr. Before', note: '', supersedes: current?.id ?? null, heartRateSource: null });
}

const probabilities = () => value<PeProbabilities>('pe:probabilities', { recordId, predictionId: prediction.id });
const fusedAudits = () => engine.audit.recent(50).filter((e) => e.action === 'pe.fused').length;

beforeAll(async () => {
  await ensureBackend();
  const model = buildModel('xresnet1d50', { numClasses: 1, inputLength: 64 });
  await savePackage(network, model, fields, '0.1.0');
  model.dispose();
  engine = new Engine({ dataDir, shell: 'test' });
  recordId = await importedRecordId(engine, { files: fixtureRecordFiles('00001_lr') });
  await value('models:predict', { modelId: 'pe-ecg', recordId });
  const [stored] = (await value<{ items: StoredPrediction[] }>('predictions:list', { recordId })).items;
  if (!stored || stored.probabilities?.PE === undefined) throw new Error('no PE probability stored');
  prediction = stored;
}, 120_000);

afterAll(async () => {
  await engine.close();
});

const clinical = { dvtSigns: true, peMostLikely: true, heartRateBpm: 120, immobilisationOrSurgery4w: false, previousVte: false, haemoptysis: false, activeCancer: false };
const noDdimer: FusionItemFeature[] = ['dvtSigns', 'peMostLikely', 'tachycardia', 'immobilisationOrSurgery4w', 'previousVte', 'haemoptysis', 'activeCancer'];

describe('the PE panel on a score entry whose D-dimer is not to be relied on', () => {
  it('fuses a stored 24 ng/mL FEU D-dimer whose unit was never confirmed only with a fusion that does not read the D-dimer', async () => {
    // No fusion package yet: none asked, and said so (a printed page prints no line for it).
    expect(await probabilities()).toMatchObject({ fusionModel: null, pretest: null, fused: null, fusionUnavailable: 'no fusion model is installed for pe-ecg (ecg pe-fuse builds one)' });
    await installFusion('fusion-without-ddimer', noDdimer, '2026-01-01T00:00:00.000Z');
    // 24 mg/L FEU in a massive PE, stored as 24 ng/mL before the unit had to be confirmed.
    storeLegacyEntry({ ...clinical, dDimerNgMlFeu: 24 });
    const before = fusedAudits();
    const shown = await probabilities();
    expect(shown).toMatchObject({ fusionUnavailable: null, fused: { modelName: 'fusion-without-ddimer' }, pretest: { modelName: 'fusion-without-ddimer' } });
    expect(fusedAudits()).toBe(before + 1);
  });

  it('gives no fused or pre-test probability from it with a fusion that reads the D-dimer, says why, and audits no pe.fused', async () => {
    await installFusion('fusion-with-ddimer', [...noDdimer, 'log10DDimer'], '2026-02-01T00:00:00.000Z');
    const before = fusedAudits();
    expect(await probabilities()).toMatchObject({
      // The package that withheld them is named, so the printed page says why rather than nothing.
      fusionModel: { name: 'fusion-with-ddimer' },
      pretest: null,
      fused: null,
      // It says the package reads the D-dimer: the fusion without it, installed before, fused this very entry.
      fusionUnavailable:
        "withheld because fusion-with-ddimer reads the D-dimer (one of its inputs), and the score entry's D-dimer (24 ng/mL FEU) is not to be relied on: its unit was not confirmed (24 mg/L FEU typed as ng/mL would be 24000 ng/mL FEU). " +
        'Correct the entry; a fusion model that does not read the D-dimer still gives its figures from this entry',
      notice: 'test fusion',
    });
    expect(fusedAudits()).toBe(before);
  });

  it('gives none from a D-dimer outside the plausible range either (stored before the floor or the ceiling)', async () => {
    const before = fusedAudits();
    for (const [dDimerNgMlFeu, why] of [
      [0.9, 'it is below 20 ng/mL FEU, which is not plausible (likely mg/L FEU typed as ng/mL)'],
      [150_000, 'it is above 100000 ng/mL FEU, which is not plausible (likely ng/mL typed as mg/L FEU)'],
    ] as const) {
      storeLegacyEntry({ ...clinical, dDimerNgMlFeu });
      expect((await probabilities()).fusionUnavailable).toBe(
        `withheld because fusion-with-ddimer reads the D-dimer (one of its inputs), and the score entry's D-dimer (${dDimerNgMlFeu} ng/mL FEU) is not to be relied on: ${why}. Correct the entry; a fusion model that does not read the D-dimer still gives its figures from this entry`,
      );
    }
    expect(fusedAudits()).toBe(before);
  });

  it('fuses the entry once corrected, or a low D-dimer whose unit was confirmed', async () => {
    for (const items of [{ ...clinical, dDimerNgMlFeu: 24_000 }, { ...clinical, dDimerNgMlFeu: 24, dDimerUnitConfirmed: true as const }]) {
      const entry = storeLegacyEntry(items);
      const shown = await probabilities();
      expect(shown).toMatchObject({ assessmentId: entry.id, fusionUnavailable: null, fused: { modelName: 'fusion-with-ddimer' } });
      expect(engine.audit.recent(1)[0]).toMatchObject({ action: 'pe.fused', details: { assessment: entry.id, fused: shown.fused?.probability } });
    }
  });
});

describe('the PE panel for a patient the score entry puts outside the ECG model\'s intended use', () => {
  it("gives no ECG, pre-test or fused probability for an entry aged 12 (the model is for adults, and the file states no age), says why, and audits no pe.fused", async () => {
    // The network's package states no intended input: a package of this pipeline is for 18 years and older.
    storeLegacyEntry({ ...clinical, dDimerNgMlFeu: 900, ageYears: 12 });
    const before = fusedAudits();
    const why = "outside pe-ecg's intended use by the PE score entry's age (patient aged 12 years; the model is for 18 years and older): no ECG, pre-test or fused probability";
    expect(await probabilities()).toMatchObject({ outsideIntendedUse: why, fusionUnavailable: why, fusionModel: { name: 'fusion-with-ddimer' }, pretest: null, fused: null });
    expect(fusedAudits()).toBe(before);
  });

  it('withholds the same probability on the predictions panel, whose history says why in its place', async () => {
    storeLegacyEntry({ ...clinical, dDimerNgMlFeu: 900, ageYears: 12 });
    const listed = async () => (await value<{ items: StoredPrediction[] }>('predictions:list', { recordId })).items.find((p) => p.id === prediction.id);
    expect((await listed())?.outsideIntendedUse).toBe((await probabilities()).outsideIntendedUse);
    expect((await listed())?.outsideIntendedUse).toMatch(/^outside pe-ecg's intended use by the PE score entry's age \(patient aged 12 years/);
    storeLegacyEntry({ ...clinical, dDimerNgMlFeu: 900, ageYears: 40 });
    expect((await listed())?.outsideIntendedUse).toBeUndefined();
  });

  it('withholds it on the worklist under a "flagged by" filter too, taking the same decision for the page in one read', async () => {
    storeLegacyEntry({ ...clinical, dDimerNgMlFeu: 900, ageYears: 12 });
    // The uncertainty queue lists the record whichever side of the threshold the untrained network's probability falls.
    const request = { flagged: { modelId: prediction.model.id, className: 'PE' }, sort: 'uncertainty' };
    const row = async () => (await value<{ items: RecordSummary[] }>('records:list', request)).items.find((r) => r.id === recordId)?.flaggedBy;
    expect(await row()).toMatchObject({ className: 'PE', modelName: 'pe-ecg', outsideIntendedUse: (await probabilities()).outsideIntendedUse });
    expect((await row())?.outsideIntendedUse).toMatch(/^outside pe-ecg's intended use by the PE score entry's age \(patient aged 12 years/);
    storeLegacyEntry({ ...clinical, dDimerNgMlFeu: 900, ageYears: 40 });
    expect(await row()).toMatchObject({ className: 'PE', probability: prediction.probabilities?.PE });
    expect((await row())?.outsideIntendedUse).toBeUndefined();
  });

  it('gives the worklist and ecg list --json no probability for that row, only why, as ecg predict --json does', async () => {
    storeLegacyEntry({ ...clinical, dDimerNgMlFeu: 900, ageYears: 12 });
    const request = { flagged: { modelId: prediction.model.id, className: 'PE' }, sort: 'uncertainty' };
    const why = (await probabilities()).outsideIntendedUse;
    // What the renderer receives over IPC: no number any screen could show by mistake.
    const app = (await value<{ items: RecordSummary[] }>('records:list', request)).items.find((r) => r.id === recordId)?.flaggedBy;
    expect(app).toMatchObject({ probability: null, outsideIntendedUse: why });
    const out: string[] = [];
    const args = ['--data-dir', dataDir, '--flagged', `${prediction.model.id}:PE`, '--sort', 'uncertainty', '--json'];
    expect(await listCommand.run(args, { stdout: (t) => out.push(t), stderr: () => undefined })).toBe(0);
    const listed = (JSON.parse(out[0] ?? '') as { items: RecordSummary[] }).items.find((r) => r.id === recordId)?.flaggedBy;
    expect(listed).toMatchObject({ className: 'PE', modelName: 'pe-ecg', probability: null, outsideIntendedUse: why });
    // An adult age: the number again.
    storeLegacyEntry({ ...clinical, dDimerNgMlFeu: 900, ageYears: 40 });
    const shown = (await value<{ items: RecordSummary[] }>('records:list', request)).items.find((r) => r.id === recordId)?.flaggedBy;
    expect(shown?.probability).toBe(prediction.probabilities?.PE);
  });

  it('fuses the entry again once it gives an adult age', async () => {
    storeLegacyEntry({ ...clinical, dDimerNgMlFeu: 900, ageYears: 40 });
    const shown = await probabilities();
    expect(shown.outsideIntendedUse).toBeUndefined();
    expect(shown).toMatchObject({ fusionUnavailable: null, fused: { modelName: 'fusion-with-ddimer' } });
  });
});

describe('the worklist sorted by the PE model\'s output, with a record whose PE score entry withholds its probability', () => {
  it('does not rank that record by the probability it hides: it comes after the records shown, in either direction', async () => {
    const [shownHigh, withheld, shownLow] = [
      await importedRecordId(engine, { files: fixtureRecordFiles('00002_lr') }),
      await importedRecordId(engine, { files: fixtureRecordFiles('00003_lr') }),
      await importedRecordId(engine, { files: fixtureRecordFiles('00008_lr') }),
    ] as [number, number, number];
    const ours = [shownHigh, withheld, shownLow];
    // The model's predictions of them as stored, at probabilities that would put the withheld record between the two others.
    const store = new PredictionStore(engine.db);
    const { recordId: _recordId, id: _id, createdAt: _createdAt, researchUseOnly: _rou, ...asPredicted } = prediction;
    for (const [id, p] of [[shownHigh, 0.9], [withheld, 0.7], [shownLow, 0.6]] as const) store.insert({ ...asPredicted, recordId: id, probabilities: { PE: p }, decisions: { PE: true }, actor: 'test' });
    const entries = new PeAssessmentStore(engine.db);
    for (const [id, ageYears] of [[shownHigh, 40], [withheld, 12]] as const) {
      const items = { ...clinical, ageYears };
      entries.insert({ recordId: id, items, scores: computePeScores(items), assessor: 'Dr. Rank', note: '', supersedes: null, heartRateSource: null });
    }
    const flagged = { modelId: prediction.model.id, className: 'PE' };
    const listed = async (sort: string, order: string) =>
      (await value<{ items: RecordSummary[] }>('records:list', { flagged, sort, order })).items.filter((r) => ours.includes(r.id));
    const batch = async (sort: string, order: string) => (await value<{ ids: number[] }>('records:ids', { flagged, sort, order })).ids.filter((id) => ours.includes(id));
    const byProbability = await listed('probability', 'desc');
    expect(byProbability.map((r) => r.id)).toEqual([shownHigh, shownLow, withheld]);
    expect(byProbability[2]?.flaggedBy?.outsideIntendedUse).toMatch(/patient aged 12 years/);
    expect((await listed('probability', 'asc')).map((r) => r.id)).toEqual([shownLow, shownHigh, withheld]);
    // |p − 0.5|: 0.4, 0.2, 0.1: ranked by it, the withheld record would sit between them here too.
    expect((await listed('uncertainty', 'asc')).map((r) => r.id)).toEqual([shownLow, shownHigh, withheld]);
    expect((await listed('uncertainty', 'desc')).map((r) => r.id)).toEqual([shownHigh, shownLow, withheld]);
    // A batch, and the viewer's next and previous, follow the list as shown.
    expect(await batch('probability', 'desc')).toEqual([shownHigh, shownLow, withheld]);
    // An adult age given later ranks it by its probability again.
    const items = { ...clinical, ageYears: 40 };
    entries.insert({ recordId: withheld, items, scores: computePeScores(items), assessor: 'Dr. Rank', note: '', supersedes: entries.current(withheld)?.id ?? null, heartRateSource: null });
    expect((await listed('probability', 'desc')).map((r) => r.id)).toEqual([shownHigh, withheld, shownLow]);
  });
});

describe('ecg predict with a fusion package, given score items that put the patient outside the ECG model\'s intended use', () => {
  const file = fixturePath('train', 'ptbxl', 'records100', '00000', '00001_lr.hea');
  const predicted = async (items: PeItems, json: boolean): Promise<string[]> => {
    const out: string[] = [];
    const args = ['--model', path.join(dataDir, 'models', 'fusion-with-ddimer'), file, '--pe-items', JSON.stringify(items), ...(json ? ['--json'] : [])];
    expect(await predictCommand.run(args, { stdout: (t) => out.push(t), stderr: () => undefined })).toBe(0);
    return out;
  };

  it('prints no ECG, pre-test or fused probability, and the PE panel\'s reason in their place', async () => {
    const items = { ...clinical, dDimerNgMlFeu: 900, ageYears: 12 };
    storeLegacyEntry(items);
    const panel = (await probabilities()).outsideIntendedUse;
    expect(panel).toMatch(/^outside pe-ecg's intended use by the PE score entry's age \(patient aged 12 years/);
    expect((await predicted(items, false)).map((l) => l.endsWith(`00001_lr.hea: no probability (${panel}; ${prediction.model.id}, research use only)`))).toEqual([true]);
    const [line] = await predicted(items, true);
    expect(JSON.parse(line ?? '')).toMatchObject({ probabilities: null, decisions: null, outsideIntendedUse: panel, fusion: { fused: null, pretest: null, unavailable: panel } });
    // An adult's items: the ECG part and the fused probability, as before.
    const [adult] = await predicted({ ...items, ageYears: 40 }, true);
    const shown = JSON.parse(adult ?? '') as { probabilities: { PE: number } | null; outsideIntendedUse?: string; fusion: { fused: object | null } };
    expect(shown.probabilities?.PE).toBeCloseTo(prediction.probabilities?.PE ?? NaN, 5);
    expect(shown.outsideIntendedUse).toBeUndefined();
    expect(shown.fusion.fused).not.toBeNull();
  });
});
