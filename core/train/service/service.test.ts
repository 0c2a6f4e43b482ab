import { mkdtempSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobFinished } from '../../contract/channels';
import type { ActiveTrainingJob, ModelSummary, PredictionResult, TrainFinished, TrainProgressEvent } from '../../contract/training-schemas';
import { Engine } from '../../engine/engine';
import { loadPtbxl } from '../../data/ptbxl';
import { fixturePath } from '../../test/shared-data';
import { trainJob } from '../jobs/train-job';
import { engineValue } from '../../test/engine-value';

const data = fixturePath('train', 'ptbxl');
const resourcesDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-resources-'));
let engine: Engine;

beforeAll(async () => {
  // A "bundled" model, trained briefly on the fixture records.
  await trainJob({ dataset: { kind: 'ptbxl', root: data }, architecture: 'xresnet1d50', out: path.join(resourcesDir, 'models', 'tiny'), name: 'tiny', backend: 'wasm', demonstration: true, train: { epochs: 1, batchSize: 6, minExamples: { train: 1, val: 1 } } });
  engine = new Engine({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'einthoven-engine-train-')), shell: 'test', resourcesDir });
  for (const folder of [data, resourcesDir]) engine.folders.allow(folder);
});

afterAll(async () => {
  await engine.close();
});

function events(jobId: string): { progress: TrainProgressEvent[]; finished: Promise<TrainFinished> } {
  const progress: TrainProgressEvent[] = [];
  const finished = new Promise<TrainFinished>((resolve) => {
    const off = engine.onEvent((event, payload) => {
      if (event === 'train:progress' && (payload as TrainProgressEvent).jobId === jobId) progress.push(payload as TrainProgressEvent);
      if (event === 'train:finished' && (payload as TrainFinished).jobId === jobId) {
        off();
        resolve(payload as TrainFinished);
      }
    });
  });
  return { progress, finished };
}

const value = <T>(channel: string, request: unknown): Promise<T> => engineValue<T>(engine, channel, request);

describe('training through the engine contract', () => {
  it('lists the bundled model and predicts a stored record, naming model and operating point, audited', async () => {
    const { models } = await value<{ models: ModelSummary[] }>('models:list', {});
    expect(models).toHaveLength(1);
    expect(models[0]).toMatchObject({ name: 'tiny', bundled: true, demonstration: true, architecture: 'xresnet1d50', trainRecords: 12 });
    const started = await value<{ jobId: string }>('records:import', {
      files: ['00001_lr.hea', '00001_lr.dat'].map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(path.join(data, 'records100', '00000', f))) })),
    });
    await new Promise<JobFinished>((resolve) => engine.onEvent((e, p) => e === 'jobs:finished' && (p as JobFinished).jobId === started.jobId && resolve(p as JobFinished)));
    const prediction = await value<PredictionResult>('models:predict', { modelId: models[0]?.id, recordId: 1 });
    expect(prediction).toMatchObject({ recordId: 1, abstained: false, researchUseOnly: true, model: { id: models[0]?.id, demonstration: true }, operatingPoint: { method: 'f1' } });
    expect(Object.keys(prediction.probabilities ?? {})).toEqual(['NORM', 'MI', 'STTC', 'CD', 'HYP']);
    expect(engine.audit.recent()[0]).toMatchObject({ action: 'record.predicted', subject: 'record:1' });
    expect(await engine.handle('models:predict', { modelId: 'nope', recordId: 1 })).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });
  });

  it('fine-tunes with progress events, then lists the new model; a cancelled training keeps its best epoch', async () => {
    const ds = await loadPtbxl(data, { fs: 100 });
    const labels = path.join(resourcesDir, 'mi.csv');
    // With the database's ages, but locked test row 00038 given 17: outside the model's intended input (adults).
    const age = (i: (typeof ds.items)[number]) => (i.id === '38' ? 17 : (i.demographics?.ageYears ?? ''));
    await writeFile(labels, `file,label,split,age\n${ds.items.map((i) => `${path.relative(data, i.files[0] as string)},${i.labels[1]},${i.split},${age(i)}`).join('\n')}\n`);
    const { jobId } = await value<{ jobId: string }>('train:finetune', { baseModelId: 'tiny', dataset: { kind: 'csv', root: data, labels, positiveClass: 'MI' }, mode: 'head', name: 'mi head', settings: { epochs: 3, batchSize: 4, minExamples: { train: 1, val: 1 } } });
    const { progress, finished } = events(jobId);
    const done = await finished;
    expect(done).toMatchObject({ status: 'succeeded', result: { kind: 'finetune', name: 'mi head', cancelled: false } });
    // Its locked-test figures cover the 5 test rows within the intended input, as evaluate's would, and say what they left out.
    expect(done).toMatchObject({ result: { test: { n: 5, outOfScope: { count: 1, byReason: { age: 1 } } } } });
    const listed = (await value<{ models: ModelSummary[] }>('models:list', {})).models.find((m) => m.name === 'mi head');
    expect(listed?.test).toMatchObject({ n: 5, outOfScope: { count: 1, byReason: { age: 1 }, note: expect.stringMatching(/^the figures cover only the records within mi head's intended input; 1 of 6 left out/) } });
    expect(progress.some((p) => p.phase === 'features')).toBe(true);
    expect(progress.filter((p) => p.valLoss !== undefined).map((p) => p.epoch)).toEqual([1, 2, 3]);
    expect(progress.find((p) => p.step !== undefined)).toMatchObject({ samplesPerSecond: expect.any(Number), etaSeconds: expect.any(Number) });

    const cancelled = await value<{ jobId: string }>('train:start', { architecture: 'xresnet1d50', dataset: { kind: 'ptbxl', root: data }, name: 'stopped', settings: { epochs: 50, batchSize: 6, minExamples: { train: 1, val: 1 } } });
    const run = events(cancelled.jobId);
    let seenMidRun: Promise<{ jobs: ActiveTrainingJob[] }> | undefined;
    const off = engine.onEvent((e, p) => {
      if (e !== 'train:progress' || (p as TrainProgressEvent).valLoss === undefined) return;
      // What a window reloaded at this moment would be shown, then the stop.
      seenMidRun ??= value<{ jobs: ActiveTrainingJob[] }>('train:active', {});
      void engine.handle('jobs:cancel', { jobId: cancelled.jobId });
    });
    const stopped = await run.finished;
    off();
    const midRun = (await seenMidRun)?.jobs;
    expect(midRun).toHaveLength(1);
    expect(midRun?.[0]).toMatchObject({ jobId: cancelled.jobId, kind: 'train', name: 'stopped', baseModelId: null, step: { epoch: 1 } });
    expect(midRun?.[0]?.epochs.map((ep) => ep.epoch)).toEqual([1]);
    expect(midRun?.[0]?.phase?.phase).toBe('training');
    expect(await value('train:active', {})).toEqual({ jobs: [] });
    expect(stopped).toMatchObject({ status: 'cancelled', result: { kind: 'train', cancelled: true, bestEpoch: 1, epochs: 1 } });
    const names = (await value<{ models: ModelSummary[] }>('models:list', {})).models.map((m) => [m.name, m.bundled]);
    expect(names).toEqual([['tiny', true], ['mi head', false], ['stopped', false]]);
    expect(await engine.handle('train:start', { architecture: 'xresnet1d50', dataset: { kind: 'ptbxl', root: data }, name: '../escape' })).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
  });

  it('a training cancelled before its first epoch ended keeps no model (it saved the untrained network as one)', async () => {
    const started = await value<{ jobId: string }>('train:start', { architecture: 'xresnet1d50', dataset: { kind: 'ptbxl', root: data }, name: 'too early', settings: { epochs: 50, batchSize: 1, minExamples: { train: 1, val: 1 } } });
    const run = events(started.jobId);
    const off = engine.onEvent((e, p) => {
      if (e === 'train:progress' && (p as TrainProgressEvent).step !== undefined) void engine.handle('jobs:cancel', { jobId: started.jobId });
    });
    const stopped = await run.finished;
    off();
    expect(stopped).toMatchObject({ status: 'cancelled' });
    expect(stopped).not.toHaveProperty('result'); // the form then says 'Stopped before the first epoch finished; no model was kept'
    const names = (await value<{ models: ModelSummary[] }>('models:list', {})).models.map((m) => m.name);
    expect(names).not.toContain('too early');
  });
});
