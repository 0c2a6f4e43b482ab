import { mkdtempSync, readFileSync } from 'node:fs';
import { cp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetInspection, ModelDetail, StoredPrediction } from '../contract/clinic-schemas';
import { recordedOutOfScope, recordedSeenByBase, type ModelSummary, type PredictionResult, type TrainFinished } from '../contract/training-schemas';
import { loadPtbxl } from '../data/ptbxl';
import { fixturePath } from '../test/shared-data';
import { trainJob } from '../train/jobs/train-job';
import type { ModelManifest } from '../train/package/manifest';
import { Engine } from './engine';
import { sealManifest } from '../train/package/seal';
import { engineValue, importedRecordId, type ImportFiles } from '../test/engine-value';

/**
 * Predictions, their stored history, the model registry and the training audit through the real
 * engine: real SQLite in a temporary folder, a real (tiny) model trained on real PTB-XL records.
 */
const data = fixturePath('train', 'ptbxl');
const resourcesDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-clinic-resources-'));
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-clinic-'));
const leads = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
let engine: Engine;
let manifest: ModelManifest;

const value = <T>(channel: string, request: object, on: Engine = engine): Promise<T> => engineValue<T>(on, channel, request);

const importRecord = (files: ImportFiles, csv?: object): Promise<number> => importedRecordId(engine, csv ? { files, csv } : { files });

function finishOf(jobId: string): Promise<TrainFinished> {
  return new Promise((resolve) => engine.onEvent((e, p) => e === 'train:finished' && (p as TrainFinished).jobId === jobId && resolve(p as TrainFinished)));
}

/** The fixture's rows as an MI labels CSV (file, label, split) named `name` in the data folder; its path. */
async function miLabels(name: string): Promise<string> {
  const ds = await loadPtbxl(data, { fs: 100 });
  const labels = path.join(dataDir, name);
  await writeFile(labels, `file,label,split\n${ds.items.map((i) => `${path.relative(data, i.files[0] as string)},${i.labels[1]},${i.split}`).join('\n')}\n`);
  return labels;
}

/** A fine-tuning of `baseModelId` for MI on the fixture as `labels` labels it, as every one here runs (one epoch, one example per class enough), and its finish. */
async function finetuneMi(baseModelId: string, name: string, labels: string): Promise<{ jobId: string; done: TrainFinished }> {
  const dataset = { kind: 'csv', root: data, labels, positiveClass: 'MI' };
  const { jobId } = await value<{ jobId: string }>('train:finetune', { baseModelId, dataset, name, settings: { epochs: 1, batchSize: 4, minExamples: { train: 1, val: 1 } } });
  return { jobId, done: await finishOf(jobId) };
}

beforeAll(async () => {
  const out = path.join(resourcesDir, 'models', 'tiny');
  await trainJob({ dataset: { kind: 'ptbxl', root: data }, architecture: 'xresnet1d50', out, name: 'tiny', backend: 'wasm', demonstration: true, train: { epochs: 1, batchSize: 6, minExamples: { train: 1, val: 1 } } });
  manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as ModelManifest;
  engine = new Engine({ dataDir, shell: 'test', resourcesDir });
  // The user allowed the fixture folder and the folder the tests write labels CSVs into.
  for (const folder of [data, dataDir]) engine.folders.allow(folder);
});

afterAll(async () => {
  await engine.close();
});

describe('predictions: stored, listed per record, registered and audited', () => {
  it('stores each prediction with the exact weights and operating point, keeps abstentions, and survives a restart', async () => {
    const wfdb = ['00001_lr.hea', '00001_lr.dat'].map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(path.join(data, 'records100', '00000', f))) }));
    const good = await importRecord(wfdb);
    // A flat-line recording: the quality gate must make the model abstain, and say why.
    const flat = await importRecord([{ name: 'flat.csv', bytes: new TextEncoder().encode(`${'0,'.repeat(11)}0\n`.repeat(1000)) }], { fs: 100, units: 'mV', leads });

    const shown = await value<PredictionResult>('models:predict', { modelId: manifest.id, recordId: good });
    const abstained = await value<PredictionResult>('models:predict', { modelId: 'tiny', recordId: flat });
    expect(abstained).toMatchObject({ abstained: true, probabilities: null, quality: { verdict: 'unusable' }, reason: expect.stringMatching(/signal quality unusable/) });

    const { items } = await value<{ items: StoredPrediction[] }>('predictions:list', { recordId: good });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      recordId: good,
      model: { id: manifest.id, name: 'tiny', demonstration: true, weightsSha256: manifest.weightsSha256 },
      classes: manifest.classes,
      operatingPoint: { method: manifest.operatingPoint.method, temperature: manifest.operatingPoint.temperature },
      probabilities: shown.probabilities,
      decisions: shown.decisions,
      abstained: false,
      researchUseOnly: true,
    });
    expect(Object.values(items[0]?.operatingPoint.thresholds ?? {})).toEqual(manifest.operatingPoint.thresholds);
    expect((await value<{ items: StoredPrediction[] }>('predictions:list', { recordId: flat })).items).toMatchObject([{ abstained: true, reason: abstained.reason, quality: { verdict: 'unusable' } }]);
    expect(await engine.handle('predictions:list', { recordId: 999 })).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });

    expect(engine.ledger.registry.list()).toMatchObject([{ id: manifest.id, origin: 'bundled', weightsSha256: manifest.weightsSha256 }]);
    const audit = engine.audit.recent().filter((a) => ['model.registered', 'record.predicted'].includes(a.action));
    expect(audit.map((a) => [a.action, a.subject])).toEqual([
      ['record.predicted', `record:${flat}`],
      ['record.predicted', `record:${good}`],
      ['model.registered', `model:${manifest.id}`],
    ]);
    expect(audit[1]?.details).toMatchObject({ prediction: items[0]?.id, weightsSha256: manifest.weightsSha256 });

    const reopened = new Engine({ dataDir, shell: 'test', resourcesDir });
    try {
      expect((await value<{ items: StoredPrediction[] }>('predictions:list', { recordId: good }, reopened)).items).toEqual(items);
    } finally {
      await reopened.close();
    }
  });

  it('describes a model with its provenance, validation metrics with CIs and operating point', async () => {
    const detail = await value<ModelDetail>('models:get', { modelId: manifest.id });
    expect(detail).toMatchObject({
      id: manifest.id,
      architecture: 'xresnet1d50',
      demonstration: true,
      params: manifest.architecture.params,
      provenance: { records: { train: 12, val: 6, test: 6 }, seed: 20, epochs: { run: 1, best: 1, planned: 1 }, split: manifest.provenance.dataset.split, augmentation: 'none (random crops only)', minExamples: { train: 1, val: 1, override: true } },
      validationDetail: { n: 6, ci: manifest.provenance.validation.ci },
      test: null,
      siteEvaluation: null,
      intendedInput: { ageYears: { min: 18, max: null }, pacing: 'excluded', minSeconds: 10, minSecondsBasis: 'validation records', fsHz: { min: 100 } },
      finetuneDefaultMode: 'head',
      training: { learningRate: 2e-4, batchSize: 6 },
    });
    expect(detail.validationDetail.metrics.f1Macro).toBe(manifest.provenance.validation.metrics.f1Macro);
    expect(await engine.handle('models:get', { modelId: 'nope' })).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });
  });
});

describe('datasets:inspect and the training audit', () => {
  it('checks typed paths with clear errors and reports split sizes, class counts and blockers', async () => {
    const inspect = (dataset: object) => engine.handle('datasets:inspect', { dataset });
    expect(await inspect({ kind: 'csv', root: 'relative/folder', labels: '/x.csv' })).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', message: expect.stringMatching(/absolute path/) } });
    expect(await inspect({ kind: 'csv', root: path.join(data, 'missing'), labels: path.join(data, 'x.csv') })).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND', message: expect.stringMatching(/Data folder .*missing does not exist/) } });
    expect(await inspect({ kind: 'csv', root: data, labels: data })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/is a folder, not a file/) } });
    // With the default minimums (10 positives and negatives per class in training, 3 in validation) the fixture cannot train: Start stays disabled.
    const strict = await value<DatasetInspection>('datasets:inspect', { dataset: { kind: 'ptbxl', root: data } });
    expect(strict.blockers).toContain('class NORM has 3 positive training records; at least 10 are needed');
    expect(strict.blockers).toContain('class HYP has 1 positive validation record; at least 3 are needed');
    const ptbxl = await value<DatasetInspection>('datasets:inspect', { dataset: { kind: 'ptbxl', root: data }, minExamples: { train: 1, val: 1 } });
    expect(ptbxl).toMatchObject({ classes: ['NORM', 'MI', 'STTC', 'CD', 'HYP'], records: { train: 12, val: 6, test: 6 }, dropped: { count: 1 }, blockers: [] });
    expect(ptbxl.warnings).toContain('only 6 validation records: the chosen epoch, thresholds and metrics will be unreliable');
    expect(ptbxl.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^override: minimum examples per class lowered to 1 in training and 1 in validation/)]));

    const onlyTrain = path.join(dataDir, 'train-only.csv');
    await writeFile(onlyTrain, 'file,label,split\nrecords100/00000/00001_lr.hea,1,train\nrecords100/00000/00002_lr.hea,0,train\n');
    const blocked = await value<DatasetInspection>('datasets:inspect', { dataset: { kind: 'csv', root: data, labels: onlyTrain, positiveClass: 'MI' } });
    expect(blocked).toMatchObject({ classes: ['MI'], records: { train: 2, val: 0 }, positives: { train: [1] } });
    expect(blocked.blockers).toEqual([expect.stringMatching(/^no validation records/), expect.stringMatching(/^no locked test records/)]);
  });

  it('audits a fine-tuning from start to finish and registers the model it produced', async () => {
    const labels = await miLabels('mi.csv');
    const { jobId, done } = await finetuneMi(manifest.id, 'mi head', labels);
    expect(done).toMatchObject({ status: 'succeeded', result: { kind: 'finetune', name: 'mi head' } });
    const modelId = done.status === 'succeeded' && done.result.kind === 'finetune' ? done.result.modelId : null;
    // The finish event comes after the registration: the new model is already in the registry.
    expect(engine.ledger.registry.get(modelId ?? '')).toMatchObject({ name: 'mi head', origin: 'user', baseModelId: manifest.id, classes: ['MI'] });
    const entries = engine.audit.recent().filter((a) => a.subject === `job:${jobId}`);
    expect(entries.map((a) => a.action)).toEqual(['finetune.finished', 'finetune.started']);
    expect(entries[1]?.details).toMatchObject({ baseModelId: manifest.id, name: 'mi head', dataset: { kind: 'csv', root: data, labels }, settings: { epochs: 1, batchSize: 4, minExamples: { train: 1, val: 1 } } });
    expect(entries[0]?.details).toMatchObject({ status: 'succeeded', model: modelId, bestEpoch: 1, epochs: 1, cancelled: false });
    const listed = (await value<{ models: ModelSummary[] }>('models:list', {})).models.map((m) => m.id);
    expect(listed).toContain(modelId);
    // Its closing evaluation counted the test records it could not read (none): recorded with its site evaluation, not left unknown.
    expect(done.status === 'succeeded' && done.result.kind === 'finetune' ? done.result.test?.unreadable : null).toBe(0);
    expect(engine.ledger.evaluations.latest(modelId ?? '')).toMatchObject({ source: 'finetune', unreadable: 0 });
  });

  it("keeps with a fine-tuning's recorded site evaluation the test records its figures leave out as outside the model's intended input", async () => {
    // PTB-XL's ages, but locked test record 00038 a 17-year-old: outside tiny's adults, which its fine-tuning keeps.
    const ds = await loadPtbxl(data, { fs: 100 });
    const labels = path.join(dataDir, 'mi-minor.csv');
    const rows = ds.items.map((i) => `${path.relative(data, i.files[0] as string)},${i.labels[1]},${i.split},${i.id === '38' ? 17 : (i.demographics?.ageYears ?? '')}`);
    await writeFile(labels, `file,label,split,age\n${rows.join('\n')}\n`);
    const { done } = await finetuneMi(manifest.id, 'mi minor', labels);
    if (done.status !== 'succeeded' || done.result.kind !== 'finetune' || !done.result.modelId) throw new Error(JSON.stringify(done));
    const { modelId, test } = done.result;
    expect(test).toMatchObject({ n: 5, outOfScope: { count: 1, byReason: { age: 1 } } });
    // Recorded as an evaluation records it (it was dropped): the card's site evaluation and ecg models promote read it there.
    expect(engine.ledger.evaluations.latest(modelId)?.metrics.outOfScope).toEqual(test?.outOfScope);
    const listed = (await value<{ models: ModelSummary[] }>('models:list', {})).models.find((m) => m.id === modelId);
    expect(recordedOutOfScope(listed?.siteEvaluation?.metrics ?? {})).toEqual(test?.outOfScope);
  });

  it("keeps with a fine-tuning's recorded site evaluation the test records its base saw and its figures leave out", async () => {
    // Two of tiny's training records moved to the test split: its fine-tuning's closing figures leave them out, named.
    const ds = await loadPtbxl(data, { fs: 100 });
    const moved = new Set(ds.items.filter((i) => i.split === 'train').slice(0, 2).map((i) => i.id));
    const labels = path.join(dataDir, 'mi-seen.csv');
    await writeFile(labels, `file,label,split\n${ds.items.map((i) => `${path.relative(data, i.files[0] as string)},${i.labels[1]},${moved.has(i.id) ? 'test' : i.split}`).join('\n')}\n`);
    const { done } = await finetuneMi(manifest.id, 'mi seen', labels);
    if (done.status !== 'succeeded' || done.result.kind !== 'finetune' || !done.result.modelId) throw new Error(JSON.stringify(done));
    const { modelId, test } = done.result;
    expect(done.result.notLockedTest).toBeNull();
    expect(test?.seenByBase).toMatchObject({ count: 2 });
    // Recorded with the figures, as the records outside the intended input are: the card's site evaluation line and ecg models promote read it there.
    expect(recordedSeenByBase(engine.ledger.evaluations.latest(modelId)?.metrics ?? {})).toEqual(test?.seenByBase);
    const listed = (await value<{ models: ModelSummary[] }>('models:list', {})).models.find((m) => m.id === modelId);
    expect(recordedSeenByBase(listed?.siteEvaluation?.metrics ?? {})).toEqual(test?.seenByBase);
  });

  it("does not record a fine-tuning's closing figures as its site evaluation where whether its base trained on those test records cannot be checked", async () => {
    // tiny as a package written before packages kept their training records, installed in the data folder.
    const old = path.join(dataDir, 'models', 'tiny-old');
    await cp(path.join(resourcesDir, 'models', 'tiny'), old, { recursive: true });
    const raw = JSON.parse(await readFile(path.join(old, 'manifest.json'), 'utf8')) as { name: string; provenance: Record<string, unknown> } & Record<string, unknown>;
    raw.name = 'tiny-old';
    delete raw.provenance.trainingRecords;
    const sealed = sealManifest(raw);
    await writeFile(path.join(old, 'manifest.json'), JSON.stringify(sealed, null, 2));
    const { jobId, done } = await finetuneMi(sealed.id as string, 'mi from old', await miLabels('mi-old.csv'));
    if (done.status !== 'succeeded' || done.result.kind !== 'finetune' || !done.result.modelId) throw new Error(JSON.stringify(done));
    // Shown with why, for the result screen to say so; not kept as what a promotion rests on.
    expect(done.result.test).toMatchObject({ n: 6 });
    expect(done.result.notLockedTest).toMatch(/^not a locked test: whether the base tiny-old trained or validated on these test records cannot be checked/);
    expect(engine.ledger.evaluations.latest(done.result.modelId)).toBeNull();
    expect(engine.audit.recent().filter((a) => a.subject === `job:${jobId}`).map((a) => a.action)).toEqual(['finetune.finished', 'finetune.started']);
    // The Models list gives it no locked test either.
    const { modelId } = done.result;
    const listed = (await value<{ models: ModelSummary[] }>('models:list', {})).models.find((m) => m.id === modelId);
    expect(listed?.test).toBeNull();
  });

  it('chooses a site operating point as a new model: audited, registered, its locked test kept as its site evaluation', async () => {
    // PTB-XL's fold 9 has one HYP positive among 6 validation records: refused at the default minimum of 3 …
    const thin = await finishOf((await value<{ jobId: string }>('train:operating-point', { modelId: manifest.id, dataset: { kind: 'ptbxl', root: data }, goal: 'rule-out' })).jobId);
    expect(thin).toMatchObject({ status: 'failed', error: { code: 'E_VALIDATION', message: expect.stringMatching(/cannot choose an operating point: .*at least 3 are needed/) } });
    // … saying that the minimum can be lowered, to what, and where (the card's field, the CLI's flag).
    expect(thin).toMatchObject({ error: { message: expect.stringMatching(/; a minimum of 1 would let these records through, as an override \("minimum validation positives and negatives per class" on the model card, --min-val-examples in ecg operating-point\)/) } });
    // … and run under an override of 1 (audited with the request).
    const request = { modelId: manifest.id, dataset: { kind: 'ptbxl', root: data }, goal: 'rule-out', target: 0.9, minValExamples: 1 };
    const { jobId } = await value<{ jobId: string }>('train:operating-point', request);
    const done = await finishOf(jobId);
    if (done.status !== 'succeeded' || done.result.kind !== 'operating-point') throw new Error(JSON.stringify(done));
    const r = done.result;
    expect(r).toMatchObject({ name: 'tiny — rule-out 0.9 (site)', base: { id: manifest.id }, operatingPoint: { method: 'sensitivity', target: 0.9 }, validation: { n: 6 }, test: { n: 6 }, baseTest: { n: 6 } });
    // The result says what the override bought: which class's threshold rests on how few validation examples.
    expect(r.override).toMatch(/^override: minimum examples per class lowered to 1 in validation \(default 3\); thresholds tuned on as few as .*1 positive for class HYP.*; figures from so few examples are unreliable$/);
    expect(engine.ledger.registry.get(r.modelId)).toMatchObject({ origin: 'user', baseModelId: manifest.id });
    // Recorded as what it is: a site evaluation made while deriving a site operating point, not a plain evaluation.
    expect(engine.ledger.evaluations.latest(r.modelId)).toMatchObject({ source: 'operating-point', n: 6, dataset: { root: data }, unreadable: 0 });
    expect(r.unreadable).toEqual({ count: 0, examples: [] });
    expect(engine.audit.recent().find((a) => a.action === 'model.evaluated' && a.subject === `model:${r.modelId}`)?.details).toMatchObject({ source: 'operating-point', n: 6 });
    const entries = engine.audit.recent().filter((a) => a.subject === `job:${jobId}`);
    expect(entries.map((a) => a.action)).toEqual(['operating-point.finished', 'operating-point.started']);
    expect(entries[1]?.details).toMatchObject({ modelId: manifest.id, goal: 'rule-out', target: 0.9, minValExamples: 1 });
    expect(entries[0]?.details).toMatchObject({ status: 'succeeded', model: r.modelId, base: manifest.id, operatingPoint: { method: 'sensitivity', target: 0.9 } });
    const listed = (await value<{ models: ModelSummary[] }>('models:list', {})).models.find((m) => m.id === r.modelId);
    expect(listed?.operatingPoint).toMatchObject({ method: 'sensitivity', target: 0.9 });
    expect(listed?.siteEvaluation?.n).toBe(6);
    // Its card states the minimum its thresholds rest on, beside the base's training minimums that describe its weights.
    const detail = await value<ModelDetail>('models:get', { modelId: r.modelId });
    expect(detail.provenance).toMatchObject({ minExamples: { train: 1, val: 1, override: true }, operatingPointMinVal: { val: 1, override: true } });
    expect((await value<ModelDetail>('models:get', { modelId: manifest.id })).provenance.operatingPointMinVal).toBeNull();
  });
});
