import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { DatasetInspection, ReadingsDataset } from '../contract/clinic-schemas';
import type { JobFinished } from '../contract/channels';
import type { RecordSummary } from '../contract/schemas';
import { datasetCommand } from '../cli/commands/dataset';
import { decodeFiles } from '../formats/index';
import { loadFilesForDecoding } from '../formats/load';
import { Engine } from './engine';
import { readingSuperclasses } from './readings-dataset';
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

describe('a fine-tuning dataset from the signed readings', () => {
  it("maps a reading's statements to PTB-XL's diagnostic superclasses, in the model's order", () => {
    const reading = (codes: (string | null)[]) => ({ statements: codes.map((code) => ({ code, text: code ?? 'typed' })) });
    expect(readingSuperclasses(reading(['SR', 'ISCAL', 'IMI']))).toEqual(['MI', 'STTC']);
    expect(readingSuperclasses(reading(['LVH', 'CLBBB', 'NORM']))).toEqual(['NORM', 'CD', 'HYP']);
    expect(readingSuperclasses(reading(['SR', 'AFIB', null]))).toEqual([]);
  });

  it('exports the diagnosed readings de-identified with a labels CSV the fine-tuning reads, leaves the rest out, and keeps each patient in one split across exports', async () => {
    const { engine, dataDir, byName } = await engineWithReadings();
    const dataset = await value<ReadingsDataset>(engine, 'datasets:from-readings', { task: 'ptbxl-superclass' });
    expect(dataset).toMatchObject({ records: 3, classes: { NORM: 1, MI: 1, STTC: 1, CD: 1, HYP: 0 }, skipped: { noDiagnosticStatement: 1 }, withPredictionOnScreen: 0 });
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
    const again = await value<ReadingsDataset>(engine, 'datasets:from-readings', { task: 'ptbxl-superclass' });
    expect(again.folder).not.toBe(dataset.folder);
    expect(readFileSync(again.labels, 'utf8')).toBe(readFileSync(dataset.labels, 'utf8'));
    const audited = engine.audit.recent(5).filter((e) => e.action === 'dataset.from-readings');
    expect(audited[0]?.details).toMatchObject({ records: 3, skipped: { noDiagnosticStatement: 1 } });
    expect(JSON.stringify(audited)).not.toMatch(/P[0-9a-f]{16}/);

    // The same from the command line, on the same data folder.
    const out: string[] = [];
    expect(await datasetCommand.run(['from-readings', '--data-dir', dataDir, '--json'], { stdout: (t) => out.push(t), stderr: () => undefined })).toBe(0);
    const cli = JSON.parse(out[0] ?? '') as ReadingsDataset;
    expect(cli).toMatchObject({ records: 3, classes: dataset.classes, splits: dataset.splits });
    expect(readFileSync(cli.labels, 'utf8')).toBe(readFileSync(dataset.labels, 'utf8'));
  });

  it('keeps answering other calls while a large export runs, and refuses a second export meanwhile', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-readings-large-'));
    const engine = new Engine({ dataDir, shell: 'test' });
    engines.push(engine);
    // 60 small WFDB records of distinct content (seeded noise), each signed as normal.
    const leads = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
    const files = Array.from({ length: 60 }, (_, k) => {
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
    expect(ids).toHaveLength(60);
    for (const recordId of ids) await value(engine, 'overreads:confirm', { recordId, codes: ['SR', 'NORM'], reader: 'Dr. A' });

    const order: string[] = [];
    const exporting = engine.handle('datasets:from-readings', { task: 'ptbxl-superclass' }).then((r) => (order.push('export'), r));
    const second = engine.handle('datasets:from-readings', { task: 'ptbxl-superclass' }).then((r) => (order.push('second'), r));
    const listing = engine.handle('records:list', { limit: 1, offset: 0 }).then((r) => (order.push('list'), r));
    const [exported, refused, listed] = await Promise.all([exporting, second, listing]);
    expect(exported).toMatchObject({ ok: true, value: { records: 60 } });
    expect(refused).toMatchObject({ ok: false, error: { code: 'E_CONFLICT', message: expect.stringMatching(/being written already/) } });
    expect(listed.ok).toBe(true);
    // The viewer's call was answered before the export ended, not after it.
    expect(order.indexOf('list')).toBeLessThan(order.indexOf('export'));
    expect(readdirSync(path.join(dataDir, 'exports'))).toHaveLength(1);
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
