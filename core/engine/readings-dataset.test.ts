import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { readingsTaskClasses, readingsTaskFor, type DatasetInspection, type ReadingsDataset, type ReadingsTask } from '../contract/clinic-schemas';
import { JobFinishedSchema, type JobFinished, type JobProgress } from '../contract/channels';
import type { RecordSummary } from '../contract/schemas';
import { datasetCommand } from '../cli/commands/dataset';
import { decodeFiles } from '../formats/index';
import { loadFilesForDecoding } from '../formats/load';
import { Engine } from './engine';
import { cpscClasses } from '../data/cpsc';
import { ptbxlSuperclasses } from '../data/ptbxl';
import { readingCpscClasses, readingSuperclasses } from './readings-dataset';
import { recordContentHash } from './record-hash';

// datasets:from-readings on the real engine and SQLite, with the five bundled PTB-XL records (CC BY 4.0).
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const samples = path.join(repoRoot, 'resources', 'samples', 'ptbxl');
const upload = (name: string) => ({ name: `upload/${name}`, bytes: new Uint8Array(readFileSync(path.join(samples, name))) });

const engines: Engine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
});

async function value<T>(engine: Engine, channel: string, request: object): Promise<T> {
  const result = await engine.handle(channel, request);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.value as T;
}

interface ExportRun {
  readonly jobId: string;
  readonly progress: JobProgress[];
  readonly finished: JobFinished;
}

/**
 * Starts datasets:from-readings and follows its job to the end, as the fine-tune form does;
 * `during` sees each progress event as it comes (to cancel, or to ask the engine something).
 */
async function exportJob(engine: Engine, during: (event: JobProgress, jobId: string) => void = () => undefined, task: ReadingsTask = 'ptbxl-superclass'): Promise<ExportRun> {
  const events: (JobProgress | JobFinished)[] = [];
  let jobId = '';
  let settle: (finished: JobFinished) => void = () => undefined;
  const finished = new Promise<JobFinished>((resolve) => (settle = resolve));
  const follow = (event: JobProgress | JobFinished) => {
    if ('status' in event) settle(event);
    else during(event, jobId);
  };
  const off = engine.onEvent((event, payload) => {
    if (event !== 'jobs:progress' && event !== 'jobs:finished') return;
    const e = payload as JobProgress | JobFinished;
    if (jobId === '' || e.jobId === jobId) events.push(e);
    if (e.jobId === jobId) follow(e);
  });
  try {
    const started = await value<{ jobId?: unknown }>(engine, 'datasets:from-readings', { task });
    if (typeof started.jobId !== 'string') throw new Error(`datasets:from-readings started no job: ${JSON.stringify(started).slice(0, 200)}`);
    jobId = started.jobId;
    events.filter((e) => e.jobId === jobId).forEach(follow);
    const end = await finished;
    return { jobId, progress: events.filter((e): e is JobProgress => e.jobId === jobId && !('status' in e)), finished: end };
  } finally {
    off();
  }
}

/** The dataset a finished export reports, its event checked against the contract as the renderer's bridge checks it. */
function datasetOf({ finished }: ExportRun): ReadingsDataset {
  const checked = JobFinishedSchema.parse(finished);
  if (checked.status !== 'succeeded' || checked.kind !== 'readings-dataset') throw new Error(`the export ended ${JSON.stringify(finished)}`);
  return checked.result;
}

/** The five samples imported; readings signed on four: NORM, 1AVB (CD), an MI with ST-T changes, and one stating only the rhythm. */
async function engineWithReadings(policyFile?: string): Promise<{ engine: Engine; dataDir: string; byName: Map<string, number> }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-readings-dataset-'));
  const engine = new Engine({ dataDir, shell: 'test', policyFile });
  engines.push(engine);
  const { jobId } = await value<{ jobId: string }>(engine, 'records:import', { files: ['00001', '00008', '00017', '00030', '00102'].flatMap((n) => [upload(`${n}_hr.hea`), upload(`${n}_hr.dat`)]) });
  await new Promise<void>((resolve) => {
    const off = engine.onEvent((event, payload) => event === 'jobs:finished' && (payload as JobFinished).jobId === jobId && (off(), resolve()));
  });
  const listed = await value<{ items: RecordSummary[] }>(engine, 'records:list', { limit: 10, offset: 0 });
  const byName = new Map(listed.items.map((r) => [path.basename(r.sourcePath, '.hea'), r.id]));
  const sign = (name: string, codes: string[]) => value(engine, 'overreads:confirm', { recordId: byName.get(name), codes, reader: 'Dr. A' });
  await sign('00001_hr', ['SR', 'NORM']);
  await sign('00102_hr', ['SR', '1AVB']);
  await sign('00017_hr', ['SR', 'IMI', 'ISCAL']);
  await sign('00008_hr', ['SR']);
  return { engine, dataDir, byName };
}

/** `count` small WFDB records of distinct content (seeded noise), each signed as normal. */
async function engineWithManyReadings(count: number): Promise<{ engine: Engine; dataDir: string }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-readings-large-'));
  const engine = new Engine({ dataDir, shell: 'test' });
  engines.push(engine);
  const leads = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
  const files = Array.from({ length: count }, (_, k) => {
    const header = `s${k} 12 100 250\n${leads.map((l) => `s${k}.dat 16 200 16 0 0 0 0 ${l}`).join('\n')}\n`;
    const samples = Int16Array.from({ length: 12 * 250 }, (_, i) => ((i * 7919 + k * 104729) % 401) - 200);
    return [
      { name: `upload/s${k}.hea`, bytes: new TextEncoder().encode(header) },
      { name: `upload/s${k}.dat`, bytes: new Uint8Array(samples.buffer) },
    ];
  }).flat();
  const { jobId } = await value<{ jobId: string }>(engine, 'records:import', { files });
  await new Promise<void>((resolve) => {
    const off = engine.onEvent((event, payload) => event === 'jobs:finished' && (payload as JobFinished).jobId === jobId && (off(), resolve()));
  });
  const ids = (await value<{ items: RecordSummary[] }>(engine, 'records:list', { limit: 100, offset: 0 })).items.map((r) => r.id);
  expect(ids).toHaveLength(count);
  for (const recordId of ids) await value(engine, 'overreads:confirm', { recordId, codes: ['SR', 'NORM'], reader: 'Dr. A' });
  return { engine, dataDir };
}

describe('a fine-tuning dataset from the signed readings', () => {
  it('leaves the bundled demonstration records out, whatever was signed on them, counting them, also when a user imports the same sample again', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-readings-demo-'));
    const engine = new Engine({ dataDir, shell: 'test', resourcesDir: path.join(repoRoot, 'resources') });
    engines.push(engine);
    expect(await engine.seedSamplesOnce()).toBe(5);
    // A reader's own import: one of the site's records, and a sample uploaded again (a duplicate of the seeded one).
    const header = `s1 12 100 250\n${['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'].map((l) => `s1.dat 16 200 16 0 0 0 0 ${l}`).join('\n')}\n`;
    const signal = Int16Array.from({ length: 12 * 250 }, (_, i) => ((i * 7919) % 401) - 200);
    const files = [
      { name: 'upload/s1.hea', bytes: new TextEncoder().encode(header) },
      { name: 'upload/s1.dat', bytes: new Uint8Array(signal.buffer) },
      upload('00001_hr.hea'),
      upload('00001_hr.dat'),
    ];
    const { jobId } = await value<{ jobId: string }>(engine, 'records:import', { files });
    await new Promise<void>((resolve) => {
      const off = engine.onEvent((event, payload) => event === 'jobs:finished' && (payload as JobFinished).jobId === jobId && (off(), resolve()));
    });
    const ids = (await value<{ items: RecordSummary[] }>(engine, 'records:list', { limit: 100, offset: 0 })).items.map((r) => r.id);
    expect(ids).toHaveLength(6);
    for (const recordId of ids) await value(engine, 'overreads:confirm', { recordId, codes: ['SR', 'NORM'], reader: 'Dr. A' });
    const dataset = datasetOf(await exportJob(engine));
    expect(dataset).toMatchObject({ records: 1, classes: { NORM: 1 }, skipped: { unlabelled: 0, demonstration: 5 } });
    const rows = readFileSync(dataset.labels, 'utf8').trim().split('\n').slice(1);
    expect(rows.map((r) => r.split(',')[0])).toEqual([`ecgs/record-${Math.max(...ids)}-deidentified.hea`]);
  });

  it("maps a reading's statements to PTB-XL's diagnostic superclasses, in the model's order", () => {
    const reading = (codes: (string | null)[]) => ({ statements: codes.map((code) => ({ code, text: code ?? 'typed' })) });
    expect(readingSuperclasses(reading(['SR', 'ISCAL', 'IMI']))).toEqual(['MI', 'STTC']);
    expect(readingSuperclasses(reading(['LVH', 'CLBBB', 'NORM']))).toEqual(['NORM', 'CD', 'HYP']);
    expect(readingSuperclasses(reading(['SR', 'AFIB', null]))).toEqual([]);
  });

  it("maps a reading's statements to the CPSC 2018 classes as the CPSC-class model was trained; a reading naming none is a negative, free text alone says nothing", () => {
    const reading = (codes: (string | null)[]) => ({ statements: codes.map((code) => ({ code, text: code ?? 'typed' })) });
    expect(readingCpscClasses(reading(['AFIB', 'CRBBB', 'PVC']))).toEqual(['AF', 'RBBB', 'PVC']);
    expect(readingCpscClasses(reading(['SR', '1AVB', 'STD_', 'NORM']))).toEqual(['SNR', 'IAVB', 'STD']);
    // A reader who stated sinus rhythm and an infarction named no AF, block, ectopy or ST deviation: negative for all.
    expect(readingCpscClasses(reading(['SR', 'IMI']))).toEqual([]);
    expect(readingCpscClasses(reading([null]))).toBeNull();
    // The contract's class lists (what the fine-tune form matches a base model against) are the engine's.
    expect(readingsTaskClasses).toEqual({ 'ptbxl-superclass': [...ptbxlSuperclasses], 'cpsc-classes': [...cpscClasses] });
    expect(readingsTaskFor(['SNR', 'AF', 'IAVB', 'LBBB', 'RBBB', 'PAC', 'PVC', 'STD'])).toBe('cpsc-classes');
    expect(readingsTaskFor(['AF'])).toBe('cpsc-classes');
    expect(readingsTaskFor(['NORM', 'MI', 'STTC', 'CD', 'HYP'])).toBe('ptbxl-superclass');
    expect(readingsTaskFor(['PE'])).toBe('ptbxl-superclass');
  });

  it('exports the same readings for the CPSC-class model: its classes, a negative for a reading naming none, the same patients in the same splits', async () => {
    const { engine, dataDir, byName } = await engineWithReadings();
    const superclass = datasetOf(await exportJob(engine));
    const cpsc = datasetOf(await exportJob(engine, undefined, 'cpsc-classes'));
    // 00008 (sinus rhythm only) is a negative here, not left out: four records, none left out.
    expect(cpsc).toMatchObject({ task: 'cpsc-classes', records: 4, classes: { SNR: 1, AF: 0, IAVB: 1, LBBB: 0, RBBB: 0, PAC: 0, PVC: 0, STD: 0, STE: 0 }, negativeForEveryClass: 2, skipped: { unlabelled: 0 } });
    const rows = (file: string) => new Map(readFileSync(file, 'utf8').trim().split('\n').slice(1).map((r) => r.split(',')).map(([f, label, patient, split]) => [f, { label, patient, split }]));
    const labelled = rows(cpsc.labels);
    const file = (name: string) => `ecgs/record-${byName.get(name)}-deidentified.hea`;
    expect([file('00001_hr'), file('00102_hr'), file('00017_hr'), file('00008_hr')].map((f) => labelled.get(f)?.label)).toEqual(['SNR', 'IAVB', '-', '-']);
    for (const [f, row] of rows(superclass.labels)) expect({ patient: labelled.get(f)?.patient, split: labelled.get(f)?.split }).toEqual({ patient: row.patient, split: row.split });
    const provenance = JSON.parse(readFileSync(path.join(cpsc.folder, 'provenance.json'), 'utf8')) as { task: string; note: string };
    expect(provenance).toMatchObject({ task: 'cpsc-classes', note: expect.stringMatching(/^Labels are the CPSC 2018 classes .*NORM → SNR.*labelled '-', a negative for every class/) });
    // Read by the hospital CSV loader in the CPSC classes' names, the negatives kept.
    const inspection = await value<DatasetInspection>(engine, 'datasets:inspect', { dataset: { kind: 'csv', root: cpsc.folder, labels: cpsc.labels }, minExamples: { train: 1, val: 1 } });
    expect(inspection.records.train + inspection.records.val + inspection.records.test).toBe(4);
    expect([...inspection.classes].sort()).toEqual(['IAVB', 'SNR']);
    // And from the command line.
    const out: string[] = [];
    expect(await datasetCommand.run(['from-readings', '--task', 'cpsc-classes', '--data-dir', dataDir], { stdout: (t) => out.push(t), stderr: () => undefined })).toBe(0);
    expect(out[0]).toMatch(/^4 record\(s\) from signed readings in .* \(SNR 1, AF 0, IAVB 1, .*, STE 0, negative for every class 2; train \d/);
    expect(out[1]).toBe('left out: 0 reading(s) without a coded statement; signed with a prediction on screen: 0');
    await expect(datasetCommand.run(['from-readings', '--task', 'rhythm'], { stdout: () => undefined, stderr: () => undefined })).rejects.toThrow(/--task must be one of ptbxl-superclass, cpsc-classes, got 'rhythm'/);
  });

  it('exports the diagnosed readings de-identified with a labels CSV the fine-tuning reads, leaves the rest out, and keeps each patient in one split across exports', async () => {
    const { engine, dataDir, byName } = await engineWithReadings();
    const run = await exportJob(engine);
    expect(run.progress.map((p) => [p.kind, p.done, p.total])).toEqual([
      ['readings-dataset', 0, 3],
      ['readings-dataset', 3, 3],
    ]);
    const dataset = datasetOf(run);
    expect(dataset).toMatchObject({ records: 3, classes: { NORM: 1, MI: 1, STTC: 1, CD: 1, HYP: 0 }, negativeForEveryClass: 0, skipped: { unlabelled: 1 }, withPredictionOnScreen: 0 });
    expect(dataset.folder.startsWith(path.join(dataDir, 'exports', 'readings-dataset-'))).toBe(true);
    expect(dataset.splits.train + dataset.splits.val + dataset.splits.test).toBe(3);

    const [header, ...rows] = readFileSync(dataset.labels, 'utf8').trim().split('\n');
    expect(header).toBe('file,label,patient_id,split,sex,age');
    const byFile = new Map(rows.map((r) => r.split(',')).map(([file, ...rest]) => [file, rest]));
    expect(byFile.get(`ecgs/record-${byName.get('00001_hr')}-deidentified.hea`)?.[0]).toBe('NORM');
    expect(byFile.get(`ecgs/record-${byName.get('00102_hr')}-deidentified.hea`)?.[0]).toBe('CD');
    expect(byFile.get(`ecgs/record-${byName.get('00017_hr')}-deidentified.hea`)?.[0]).toBe('MI|STTC');
    expect([...byFile.keys()].some((f) => f.includes(`record-${byName.get('00008_hr')}-`) || f.includes(`record-${byName.get('00030_hr')}-`))).toBe(false);
    for (const [, patient, split, sex, age] of byFile.values()) {
      expect(patient).toMatch(/^P[0-9a-f]{16}$/);
      expect(['train', 'val', 'test']).toContain(split);
      expect(['M', 'F', '']).toContain(sex);
      expect(age).toMatch(/^\d*$/);
    }

    // The exported ECG is the stored one, without the patient.
    const file = path.join(dataset.folder, `ecgs/record-${byName.get('00001_hr')}-deidentified.hea`);
    const [decoded] = decodeFiles(loadFilesForDecoding([file]));
    if (!decoded?.ok) throw new Error('the exported ECG does not decode');
    expect(decoded.record.nSamples).toBe(5000);
    expect(decoded.record.patient.id).toBeUndefined();
    // The same samples, so the same content hash: a fine-tuning still sees which test records its base model trained on.
    const stored = (await value<{ items: RecordSummary[] }>(engine, 'records:list', { limit: 10, offset: 0 })).items.find((r) => r.id === byName.get('00001_hr'));
    expect(recordContentHash(decoded.record)).toBe(stored?.contentHash);
    const provenance = JSON.parse(readFileSync(path.join(dataset.folder, 'provenance.json'), 'utf8')) as { note: string; records: number };
    expect(provenance.records).toBe(3);
    expect(provenance.note).toMatch(/left out/);

    // Ready for the fine-tune form: allowed for reading, and read by the hospital CSV loader as three records in the five classes' names.
    const inspection = await value<DatasetInspection>(engine, 'datasets:inspect', { dataset: { kind: 'csv', root: dataset.folder, labels: dataset.labels }, minExamples: { train: 1, val: 1 } });
    expect(inspection.records.train + inspection.records.val + inspection.records.test).toBe(3);
    expect([...inspection.classes].sort()).toEqual(['CD', 'MI', 'NORM', 'STTC']);

    // A second export: a new folder, the same pseudonyms and splits.
    const again = datasetOf(await exportJob(engine));
    expect(again.folder).not.toBe(dataset.folder);
    expect(readFileSync(again.labels, 'utf8')).toBe(readFileSync(dataset.labels, 'utf8'));
    const audited = engine.audit.recent(5).filter((e) => e.action === 'dataset.from-readings');
    expect(audited[0]?.details).toMatchObject({ records: 3, skipped: { unlabelled: 1 } });
    expect(JSON.stringify(audited)).not.toMatch(/P[0-9a-f]{16}/);

    // The same from the command line, on the same data folder.
    const out: string[] = [];
    const err: string[] = [];
    expect(await datasetCommand.run(['from-readings', '--data-dir', dataDir, '--json'], { stdout: (t) => out.push(t), stderr: (t) => err.push(t) })).toBe(0);
    expect(err).toEqual(['exported 3/3 records']);
    const cli = JSON.parse(out[0] ?? '') as ReadingsDataset;
    expect(cli).toMatchObject({ records: 3, classes: dataset.classes, splits: dataset.splits });
    expect(readFileSync(cli.labels, 'utf8')).toBe(readFileSync(dataset.labels, 'utf8'));
  });

  it('runs a large export as a job: progress every 25 records, the engine answering meanwhile, a second export refused', async () => {
    const { engine, dataDir } = await engineWithManyReadings(60);
    const order: string[] = [];
    let refused: Promise<unknown> | undefined;
    let listing: Promise<unknown> | undefined;
    let active: Promise<unknown> | undefined;
    const run = await exportJob(engine, (event, jobId) => {
      if (event.done !== 25) return;
      // Asked between two turns of the export: the viewer's call is answered before the export ends.
      refused = engine.handle('datasets:from-readings', { task: 'ptbxl-superclass' });
      listing = engine.handle('records:list', { limit: 1, offset: 0 }).then((r) => (order.push('list'), r));
      // A window reloaded now finds the export running, and how far it is (jobs:active), to follow and cancel it again.
      active = engine.handle('jobs:active', {}).then((r) => ({ r, jobId }));
    });
    order.push('export');
    expect(run.progress.map((p) => p.done)).toEqual([0, 25, 50, 60]);
    expect(run.progress.every((p) => p.total === 60 && p.kind === 'readings-dataset' && p.message === `${p.done} of 60 records written`)).toBe(true);
    expect(datasetOf(run)).toMatchObject({ records: 60, classes: { NORM: 60 } });
    expect(await refused).toMatchObject({ ok: false, error: { code: 'E_CONFLICT', message: expect.stringMatching(/being written already/) } });
    expect(await listing).toMatchObject({ ok: true });
    expect(order).toEqual(['list', 'export']);
    expect(readdirSync(path.join(dataDir, 'exports'))).toHaveLength(1);
    const { r, jobId } = (await active) as { r: unknown; jobId: string };
    expect(r).toEqual({ ok: true, value: { jobs: [{ jobId, kind: 'readings-dataset', done: 25, total: 60 }] } });
    expect(await engine.handle('jobs:active', {})).toEqual({ ok: true, value: { jobs: [] } });
  });

  it('cancels an export at its next turn: no folder, no labels, nothing audited; the next export runs', async () => {
    const { engine, dataDir } = await engineWithManyReadings(60);
    const exports = path.join(dataDir, 'exports');
    const cancels: Promise<unknown>[] = [];
    const run = await exportJob(engine, (event, jobId) => {
      if (event.done === 25) cancels.push(engine.handle('jobs:cancel', { jobId }));
    });
    expect(await Promise.all(cancels)).toEqual([{ ok: true, value: { cancelled: true } }]);
    // Stopped at the turn after the cancel: nothing more written, nothing kept.
    expect(run.progress.map((p) => p.done)).toEqual([0, 25]);
    expect(JobFinishedSchema.parse(run.finished)).toEqual({ jobId: run.jobId, kind: 'readings-dataset', status: 'cancelled' });
    expect(readdirSync(exports)).toEqual([]);
    expect(engine.audit.recent(20).filter((e) => e.action === 'dataset.from-readings')).toEqual([]);

    // Cancelled before its first record: the folder made at the start goes too.
    const early = await exportJob(engine, (event, jobId) => {
      if (event.done === 0) void engine.handle('jobs:cancel', { jobId });
    });
    expect(early.finished).toMatchObject({ status: 'cancelled' });
    expect(readdirSync(exports)).toEqual([]);

    // A cancel frees the export for the next request.
    const dataset = datasetOf(await exportJob(engine));
    expect(dataset.records).toBe(60);
    expect(readdirSync(exports)).toEqual([path.basename(dataset.folder)]);
    expect(readdirSync(dataset.folder).sort()).toEqual(['ecgs', 'labels.csv', 'provenance.json']);
  });

  it('refuses with nothing diagnosed, and refuses a reader under a site policy', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-readings-empty-'));
    const empty = new Engine({ dataDir, shell: 'test' });
    engines.push(empty);
    expect(await empty.handle('datasets:from-readings', { task: 'ptbxl-superclass' })).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', message: expect.stringMatching(/^no signed reading states a diagnostic statement/) } });
    expect(existsSync(path.join(dataDir, 'exports'))).toBe(false);

    const policy = path.join(dataDir, 'policy.json');
    writeFileSync(policy, JSON.stringify({ trainers: ['someone-else'] }));
    const { engine } = await engineWithReadings(policy);
    expect(await engine.handle('datasets:from-readings', { task: 'ptbxl-superclass' })).toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN', message: expect.stringMatching(/^making a dataset of the signed readings needs the trainer role/) } });
  });
});
