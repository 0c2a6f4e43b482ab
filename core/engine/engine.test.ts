import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobFinished } from '../contract/channels';
import type { RecordDetail, RecordSummary } from '../contract/schemas';
import { seedWorklist } from '../test/worklist-seed';
import { Engine } from './engine';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const resourcesDir = path.join(repoRoot, 'resources');
const sample = (name: string) => ({
  name: `upload/${name}`,
  bytes: new Uint8Array(readFileSync(path.join(resourcesDir, 'samples', 'ptbxl', name))),
});

const engines: Engine[] = [];
function newEngine(withResources = false): Engine {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-engine-'));
  const engine = new Engine({ dataDir, shell: 'test', resourcesDir: withResources ? resourcesDir : undefined });
  engines.push(engine);
  return engine;
}

afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
});

function finishedJob(engine: Engine, jobId: string): Promise<JobFinished> {
  return new Promise((resolve) => {
    const off = engine.onEvent((event, payload) => {
      if (event === 'jobs:finished' && (payload as JobFinished).jobId === jobId) {
        off();
        resolve(payload as JobFinished);
      }
    });
  });
}

async function importViaContract(engine: Engine, files: { name: string; bytes: Uint8Array }[]) {
  const started = await engine.handle('records:import', { files });
  if (!started.ok) throw new Error(started.error.message);
  return finishedJob(engine, (started.value as { jobId: string }).jobId);
}

describe('engine', () => {
  it('imports a PTB-XL record, lists it and returns its 12 leads in mV', async () => {
    const engine = newEngine();
    const done = await importViaContract(engine, [sample('00001_hr.hea'), sample('00001_hr.dat')]);
    expect(done).toMatchObject({ status: 'succeeded', result: { reports: [{ status: 'imported', recordId: 1 }] } });
    const list = await engine.handle('records:list', {});
    expect(list).toMatchObject({ ok: true, value: { total: 1, items: [{ fs: 500, nSamples: 5000, format: 'wfdb' }] } });
    const got = await engine.handle('records:get', { id: 1 });
    expect(got.ok).toBe(true);
    const detail = (got as { value: RecordDetail }).value;
    expect(detail.leads.map((l) => l.name)).toEqual(['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6']);
    expect(detail.signals).toHaveLength(12);
    // PTB-XL 00001_hr lead I starts at -0.115 mV (ADC -115, gain 1000/mV).
    expect(detail.signals[0]?.[0]).toBeCloseTo(-0.115, 6);
    // Newest first: reading the record's signals is logged after its import.
    expect(engine.audit.recent(2)).toMatchObject([
      { action: 'record.viewed', subject: 'record:1' },
      { action: 'record.imported', subject: 'record:1' },
    ]);
  });

  it('recognises the same content imported again instead of storing it twice', async () => {
    const engine = newEngine();
    await importViaContract(engine, [sample('00001_hr.hea'), sample('00001_hr.dat')]);
    const again = await importViaContract(engine, [sample('00001_hr.dat'), sample('00001_hr.hea')]);
    expect(again).toMatchObject({ status: 'succeeded', result: { reports: [{ status: 'duplicate', recordId: 1 }] } });
    expect(engine.records.count()).toBe(1);
  });

  it('keeps good records when another file in the same import is bad', async () => {
    const engine = newEngine();
    const truncated = sample('00008_hr.dat');
    const done = await importViaContract(engine, [
      sample('00001_hr.hea'),
      sample('00001_hr.dat'),
      sample('00008_hr.hea'),
      { ...truncated, bytes: truncated.bytes.subarray(0, 1000) },
      { name: 'notes.bin', bytes: new Uint8Array([1, 2, 3]) },
    ]);
    if (done.status !== 'succeeded' || done.kind !== 'import') throw new Error(`import ${done.status}`);
    const statuses = done.result.reports.map((r) => r.status);
    expect(statuses.filter((s) => s === 'imported')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'rejected')).toHaveLength(1); // the truncated record
    // A file that is no ECG at all is skipped with a note, not rejected (contract of 123cb6b).
    expect(done.result.reports.find((r) => r.files.includes('notes.bin'))).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/Not an ECG record/) });
    expect(engine.records.count()).toBe(1);
  });

  it('answers malformed requests and unknown channels with typed errors', async () => {
    const engine = newEngine();
    expect(await engine.handle('records:get', { id: 'x' })).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
    expect(await engine.handle('records:get', { id: 42 })).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });
    expect(await engine.handle('nope:nothing', {})).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
    expect(await engine.handle('records:import', { files: [] })).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
  });

  it('refuses a recording-date or age range given the wrong way round, naming both fields, where it listed 0 records', async () => {
    const engine = newEngine();
    await importViaContract(engine, [sample('00001_hr.hea'), sample('00001_hr.dat')]);
    const dates = { recordedFrom: '2025-01-01', recordedTo: '2020-01-01' };
    for (const channel of ['records:list', 'records:ids'] as const) {
      expect(await engine.handle(channel, dates)).toEqual({ ok: false, error: { code: 'E_VALIDATION', message: `invalid request for ${channel}: recordedFrom: 2025-01-01 is after recordedTo 2020-01-01: the range is empty` } });
      expect(await engine.handle(channel, { ageMin: 70, ageMax: 40 })).toEqual({ ok: false, error: { code: 'E_VALIDATION', message: `invalid request for ${channel}: ageMin: 70 is above ageMax 40: the range is empty` } });
    }
    // One day, one age, and a page past the end are ranges that can hold records: answered, not refused.
    expect(await engine.handle('records:list', { recordedFrom: '2020-01-01', recordedTo: '2020-01-01', ageMin: 56, ageMax: 56 })).toMatchObject({ ok: true });
    expect(await engine.handle('records:list', { offset: 5 })).toMatchObject({ ok: true, value: { total: 1, items: [] } });
    expect(await engine.handle('records:list', { limit: 0 })).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', message: expect.stringMatching(/limit/) } });
    expect(await engine.handle('records:list', { offset: -1 })).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', message: expect.stringMatching(/offset/) } });
  });

  it('cancels an import between records and keeps what was stored', async () => {
    const engine = newEngine();
    const names = ['00001', '00008', '00017', '00030', '00102'].flatMap((r) => [`${r}_hr.hea`, `${r}_hr.dat`]);
    const started = await engine.handle('records:import', { files: names.map(sample) });
    if (!started.ok) throw new Error(started.error.message);
    const { jobId } = started.value as { jobId: string };
    const finished = finishedJob(engine, jobId);
    const cancelled = await engine.handle('jobs:cancel', { jobId });
    expect(cancelled).toEqual({ ok: true, value: { cancelled: true } });
    const done = await finished;
    expect(done.status).toBe('cancelled');
    expect(engine.records.count()).toBeLessThan(5);
    expect(await engine.handle('jobs:cancel', { jobId })).toEqual({ ok: true, value: { cancelled: false } });
  });

  // A site policy marks a clinical deployment: its database (often the one every account shares) is for the site's patients only.
  it('seeds no sample under a site policy, readable or not', async () => {
    for (const content of ['{"admins": ["alice"]}', '{"admins": ']) {
      const policyFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'einthoven-engine-policy-')), 'policy.json');
      writeFileSync(policyFile, content);
      const engine = new Engine({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'einthoven-engine-')), shell: 'test', resourcesDir, policyFile });
      engines.push(engine);
      expect(await engine.seedSamplesOnce()).toBe(0);
      expect(engine.records.count()).toBe(0);
    }
  });

  it('seeds the bundled samples once, on the first start only', async () => {
    const engine = newEngine(true);
    expect(await engine.seedSamplesOnce()).toBe(5);
    expect(await engine.seedSamplesOnce()).toBe(0);
    expect(engine.records.count()).toBe(5);
  });

  // The worklist row is where a reader meets a record: a public PTB-XL sample must not pass there for a patient's ECG.
  it('marks the seeded samples as demonstration records in the worklist, and a user\'s import not', async () => {
    const engine = newEngine(true);
    await engine.seedSamplesOnce();
    const site = seedWorklist(engine.db, 1).ids;
    const listed = await engine.handle('records:list', {});
    if (!listed.ok) throw new Error(listed.error.message);
    const { items } = listed.value as { items: RecordSummary[] };
    expect(items.filter((r) => r.demonstration).map((r) => r.sourcePath)).toEqual(Array.from({ length: 5 }, () => expect.stringMatching(/^samples\/ptbxl\//)));
    expect(items.filter((r) => !r.demonstration).map((r) => r.id)).toEqual(site);
  });

  it('tells every window when what a worklist shows changed: an import ended, a note added; not for a read', async () => {
    const engine = newEngine();
    const changed: unknown[] = [];
    engine.onEvent((event, payload) => void (event === 'records:changed' && changed.push(payload)));
    await importViaContract(engine, [sample('00001_hr.hea'), sample('00001_hr.dat')]);
    expect(changed).toEqual([{ by: 'records:import' }]);
    await engine.handle('records:list', {});
    await engine.handle('notes:add', { recordId: 1, atS: 1.5, text: 'artefact', author: 'Dr. A' });
    // A refused request changed nothing: no window reads its list again for it.
    await engine.handle('notes:add', { recordId: 99, atS: 1.5, text: 'artefact', author: 'Dr. A' });
    // The record it changed is named, so a window with it open reads it again.
    expect(changed).toEqual([{ by: 'records:import' }, { by: 'notes:add', recordId: 1 }]);
  });
});
