import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredPrediction } from '../contract/clinic-schemas';
import type { Overread } from '../contract/overread-schemas';
import type { RecordSummary } from '../contract/schemas';
import type { PredictionResult } from '../contract/training-schemas';
import { fixturePath } from '../test/shared-data';
import { trainJob } from '../train/jobs/train-job';
import { Engine } from './engine';
import { engineValue, fixtureRecordFiles, importedRecordId } from '../test/engine-value';

/**
 * A cardiologist's reading through the real engine: real SQLite, real PTB-XL records, a real
 * (tiny) model whose stored prediction the reading refers to.
 */
const data = fixturePath('train', 'ptbxl');
const resourcesDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-overread-resources-'));
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-overread-'));
let engine: Engine;
let first: number;
let second: number;

const value = <T>(channel: string, request: object): Promise<T> => engineValue<T>(engine, channel, request);

const reviewOf = async (review: 'unconfirmed' | 'confirmed') => (await value<{ items: RecordSummary[] }>('records:list', { review })).items.map((r) => r.id);

beforeAll(async () => {
  await trainJob({ dataset: { kind: 'ptbxl', root: data }, architecture: 'xresnet1d50', out: path.join(resourcesDir, 'models', 'tiny'), name: 'tiny', backend: 'wasm', demonstration: true, train: { epochs: 1, batchSize: 6, minExamples: { train: 1, val: 1 } } });
  engine = new Engine({ dataDir, shell: 'test', resourcesDir });
  first = await importedRecordId(engine, { files: fixtureRecordFiles('00001_lr') });
  second = await importedRecordId(engine, { files: fixtureRecordFiles('00002_lr') });
});

afterAll(async () => {
  await engine.close();
});

describe('overreads: a cardiologist confirms, amends and the worklist follows', () => {
  it('offers the SCP-ECG statement library', async () => {
    const { items } = await value<{ items: { code: string; text: string; kind: string }[] }>('statements:library', {});
    expect(items).toHaveLength(71);
    expect(items.find((s) => s.code === 'AFIB')).toMatchObject({ text: 'atrial fibrillation', kind: 'rhythm' });
    expect(items.find((s) => s.code === 'IMI')).toMatchObject({ kind: 'diagnostic' });
    expect(items[0]?.kind).toBe('rhythm');
  });

  it('confirms a record with library and typed statements and a verdict on its own prediction, audited', async () => {
    expect(await reviewOf('unconfirmed')).toEqual([second, first]);
    const [model] = (await value<{ models: { id: string }[] }>('models:list', {})).models;
    await value<PredictionResult>('models:predict', { modelId: model?.id, recordId: first });
    const [prediction] = (await value<{ items: StoredPrediction[] }>('predictions:list', { recordId: first })).items;
    if (!prediction) throw new Error('the prediction was not stored');
    const reading = await value<Overread>('overreads:confirm', {
      recordId: first,
      codes: ['SR', 'NORM', 'SR'],
      freeText: ['  early repolarisation, benign  ', ''],
      note: 'Compared with no prior.',
      reader: ' Dr. A. Reader ',
      predictionId: prediction.id,
      agreement: 'partly',
    });
    expect(reading).toMatchObject({
      recordId: first,
      statements: [{ code: 'SR', text: 'sinus rhythm' }, { code: 'NORM', text: 'normal ECG' }, { code: null, text: 'early repolarisation, benign' }],
      note: 'Compared with no prior.',
      reader: 'Dr. A. Reader',
      predictionId: prediction.id,
      agreement: 'partly',
      supersedes: null,
    });
    expect(await reviewOf('unconfirmed')).toEqual([second]);
    expect(await reviewOf('confirmed')).toEqual([first]);
    const listed = (await value<{ items: RecordSummary[] }>('records:list', { search: 'repolarisation' })).items;
    expect(listed.map((r) => [r.id, r.confirmed?.reader])).toEqual([[first, 'Dr. A. Reader']]);
    expect(engine.audit.recent(1)[0]).toMatchObject({ actor: 'Dr. A. Reader', action: 'record.confirmed', subject: `record:${first}`, details: { overread: reading.id, statements: ['SR', 'NORM', 'text:early repolarisation, benign'], prediction: prediction.id, agreement: 'partly' } });
    expect(await value('overreads:list', { recordId: first })).toEqual({ items: [reading], lastReader: 'Dr. A. Reader' });
  });

  it('amends only the current reading; a stale amendment is a conflict and the first reading stays on file', async () => {
    const [current] = (await value<{ items: Overread[] }>('overreads:list', { recordId: first })).items;
    const amended = await value<Overread>('overreads:confirm', { recordId: first, codes: ['SBRAD'], reader: 'Dr. B', supersedes: current?.id });
    expect(amended).toMatchObject({ supersedes: current?.id, predictionId: null, agreement: null });
    expect(engine.audit.recent(1)[0]).toMatchObject({ action: 'record.amended', details: { supersedes: current?.id } });
    // A second reader still looking at the first reading, and one who never saw any.
    expect(await engine.handle('overreads:confirm', { recordId: first, codes: ['AFIB'], reader: 'Dr. C', supersedes: current?.id })).toMatchObject({ ok: false, error: { code: 'E_CONFLICT', message: expect.stringMatching(/confirmed by Dr\. B/) } });
    expect(await engine.handle('overreads:confirm', { recordId: first, codes: ['AFIB'], reader: 'Dr. C' })).toMatchObject({ ok: false, error: { code: 'E_CONFLICT' } });
    expect((await value<{ items: Overread[] }>('overreads:list', { recordId: first })).items.map((r) => r.id)).toEqual([amended.id, current?.id]);
    expect(() => engine.db.prepare("UPDATE overreads SET reader = 'x'").run()).toThrow(/immutable: UPDATE refused/);
  });

  it('refuses readings that are empty, unsigned, unknown, or about another record, storing nothing', async () => {
    const [model] = (await value<{ models: { id: string }[] }>('models:list', {})).models;
    await value<PredictionResult>('models:predict', { modelId: model?.id, recordId: first });
    const [foreign] = (await value<{ items: StoredPrediction[] }>('predictions:list', { recordId: first })).items;
    if (!foreign) throw new Error('the prediction was not stored');
    const refusals: [object, string, RegExp][] = [
      [{ recordId: second, reader: 'Dr. A' }, 'E_VALIDATION', /at least one statement/],
      [{ recordId: second, codes: ['SR'], reader: '   ' }, 'E_VALIDATION', /reader must be named/],
      [{ recordId: second, codes: ['SR', 'NOPE'], reader: 'Dr. A' }, 'E_VALIDATION', /unknown statement code\(s\): NOPE/],
      // A library code sent as the reader's own words would be stored and audited uncoded (text:AFIB): refused, naming the code.
      [{ recordId: second, freeText: [' AFIB ', 'irregular baseline'], reader: 'Dr. A' }, 'E_VALIDATION', /free-text statement\(s\) “AFIB” .*library code\(s\) AFIB.*send them as codes/],
      [{ recordId: second, codes: ['SR'], reader: 'Dr. A', predictionId: foreign.id, agreement: 'agree' }, 'E_VALIDATION', new RegExp(`prediction ${foreign.id} is not a prediction of record ${second}`)],
      [{ recordId: second, codes: ['SR'], reader: 'Dr. A', agreement: 'agree' }, 'E_VALIDATION', /needs the prediction/],
      [{ recordId: second, codes: ['SR'], reader: 'Dr. A', supersedes: 1 }, 'E_VALIDATION', /no reading to amend/],
      [{ recordId: 999, codes: ['SR'], reader: 'Dr. A' }, 'E_NOT_FOUND', /record 999 does not exist/],
    ];
    for (const [request, code, message] of refusals) {
      expect(await engine.handle('overreads:confirm', request), JSON.stringify(request)).toMatchObject({ ok: false, error: { code, message: expect.stringMatching(message) } });
    }
    expect(await value('overreads:list', { recordId: second })).toMatchObject({ items: [] });
    expect(await reviewOf('unconfirmed')).toEqual([second]);
  });

  it('names in the audit only a reader who signed in this session; after a restart the remembered name pre-fills the form and nothing more', async () => {
    await value('records:get', { id: second });
    expect(engine.audit.recent(1)[0]).toMatchObject({ action: 'record.viewed', reader: 'Dr. B' });
    // An auditor found exports made after a restart attributed to the last physician who had signed, who was not there.
    await engine.close();
    engine = new Engine({ dataDir, shell: 'test', resourcesDir });
    await value('records:get', { id: second });
    expect(engine.audit.recent(1)[0]).toMatchObject({ action: 'record.viewed', reader: null });
    expect(await value('overreads:list', { recordId: second })).toMatchObject({ lastReader: 'Dr. B' });
  });
});
