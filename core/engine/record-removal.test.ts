import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { JobFinished } from '../contract/channels';
import type { RecordDetail } from '../contract/schemas';
import type { RecordMeasurements, RecordRemoved } from '../contract/viewer-schemas';
import { currentOsAccount } from '../db/audit';
import { decodeFiles } from '../formats/index';
import { asMillivolts } from '../formats/record';
import { databasePath } from './data-dir';
import { Engine } from './engine';
import { recordContentHash } from './record-hash';

// records:remove on the real engine and SQLite: the bundled PTB-XL 00001 (CC BY 4.0) and the
// synthetic MUSE XML fixture, its patient's last name made distinctive so the database files can be searched for it.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ptbxl = (name: string) => ({ name: `upload/${name}`, bytes: new Uint8Array(readFileSync(path.join(repoRoot, 'resources', 'samples', 'ptbxl', name))) });
const formatFixture = (name: string) => ({ name: `upload/${path.basename(name)}`, bytes: new Uint8Array(readFileSync(path.join(repoRoot, 'core', 'test', 'fixtures', 'formats', name))) });
const marker = 'Erasurecheckname';
const museXml = readFileSync(path.join(repoRoot, 'core', 'test', 'fixtures', 'formats', 'muse', 'synthetic-latin1.xml'), 'latin1').replace(/<PatientLastName>[^<]*</, `<PatientLastName>${marker}<`);
const muse = { name: 'upload/muse.xml', bytes: new Uint8Array(Buffer.from(museXml, 'latin1')) };

const engines: Engine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
});

function engineIn(dataDir: string, policyFile?: string, resourcesDir?: string): Engine {
  const engine = new Engine({ dataDir, shell: 'test', resourcesDir, ...(policyFile ? { policyFile } : { policyFile: path.join(dataDir, 'no-policy.json') }) });
  engines.push(engine);
  return engine;
}

async function imported(engine: Engine, files: { name: string; bytes: Uint8Array }[]): Promise<void> {
  const started = await engine.handle('records:import', { files });
  if (!started.ok) throw new Error(started.error.message);
  const { jobId } = started.value as { jobId: string };
  await new Promise<void>((resolve) => {
    const off = engine.onEvent((event, payload) => event === 'jobs:finished' && (payload as JobFinished).jobId === jobId && (off(), resolve()));
  });
}

/**
 * One engine (with the bundled models) for the tests that remove a record of their own and look at
 * no other: each engine that imports starts a decode worker through tsx (over a second of CPU),
 * and three tests started one each for one record.
 */
let shared: Promise<{ engine: Engine; dataDir: string }> | undefined;
afterAll(async () => {
  await (await shared)?.engine.close();
});
async function sharedRecord(record: '00001' | '00008' | '00030'): Promise<{ engine: Engine; dataDir: string; id: number }> {
  shared ??= (async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-remove-'));
    const engine = new Engine({ dataDir, shell: 'test', resourcesDir: path.join(repoRoot, 'resources'), policyFile: path.join(dataDir, 'no-policy.json') });
    for (const name of ['00001', '00008', '00030']) await imported(engine, [ptbxl(`${name}_hr.hea`), ptbxl(`${name}_hr.dat`)]);
    return { engine, dataDir };
  })();
  const { engine, dataDir } = await shared;
  const id = engine.db.prepare('SELECT id FROM records WHERE source_path = ?').pluck().get(`upload/${record}_hr.hea`);
  if (typeof id !== 'number') throw new Error(`${record} was not imported`);
  return { engine, dataDir, id };
}

async function value<T>(engine: Engine, channel: string, request: object): Promise<T> {
  const result = await engine.handle(channel, request);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.value as T;
}

/** The bundled starter model's id, read from its package (it changes whenever the starter is retrained). */
function starterModelId(): string {
  return (JSON.parse(readFileSync(path.join(repoRoot, 'resources', 'models', 'starter', 'manifest.json'), 'utf8')) as { id: string }).id;
}

/** A deterministic stream in [0, 1) (a linear congruential generator), so the workload below is the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** Whether the database's files (the database and its write-ahead log) hold this text anywhere. */
function databaseFilesHold(dataDir: string, text: string): boolean {
  return databaseFilesHoldBytes(dataDir, Buffer.from(text, 'latin1'));
}

/** Whether the database's files hold these bytes anywhere, read raw: unused space and free pages included. */
function databaseFilesHoldBytes(dataDir: string, bytes: Buffer): boolean {
  const file = databasePath(dataDir);
  return [file, `${file}-wal`].some((f) => {
    try {
      return readFileSync(f).includes(bytes);
    } catch {
      return false;
    }
  });
}

describe('removing a record', () => {
  it('removes the record with everything stored with it, audits why without patient data, leaves no trace of it in the database files, and never gives its id again', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-remove-'));
    const engine = engineIn(dataDir);
    await imported(engine, [ptbxl('00001_hr.hea'), ptbxl('00001_hr.dat')]);
    await imported(engine, [muse]);
    const record = await value<RecordDetail>(engine, 'records:get', { id: 2 });
    expect(record.patient.name).toContain(marker);
    await value(engine, 'notes:add', { recordId: 2, atS: 0.25, text: 'artefact', author: 'Dr. A' });
    // A note taken back is still one note put on the tracing: its retraction is not counted as another.
    const second = await value<{ id: number }>(engine, 'notes:add', { recordId: 2, atS: 0.5, text: 'noise?', author: 'Dr. A' });
    await value(engine, 'notes:retract', { recordId: 2, noteId: second.id, author: 'Dr. B' });
    const reading = await value<{ id: number }>(engine, 'overreads:confirm', { recordId: 2, codes: ['SR'], reader: 'Dr. A' });
    // Amended: a second signed row, and the removal counts both (removedCountsVersions says so where it is shown).
    await value(engine, 'overreads:confirm', { recordId: 2, codes: ['SBRAD'], reader: 'Dr. B', supersedes: reading.id });
    engine.db.pragma('wal_checkpoint(TRUNCATE)');
    // Checked first, so the search below can fail: the name is in the database as stored.
    expect(databaseFilesHold(dataDir, marker)).toBe(true);

    // A stale screen naming another tracing's content removes nothing.
    const stale = await engine.handle('records:remove', { id: 2, contentHash: 'f'.repeat(64), reason: 'filed under the wrong patient' });
    expect(stale).toMatchObject({ ok: false, error: { code: 'E_CONFLICT', message: expect.stringMatching(/record 2 is not the tracing the request names/) } });
    // A reason is required.
    expect(await engine.handle('records:remove', { id: 2, contentHash: record.contentHash, reason: ' ' })).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
    expect(await value<{ total: number }>(engine, 'records:list', { limit: 10, offset: 0 })).toMatchObject({ total: 2 });

    const removed = await value<RecordRemoved>(engine, 'records:remove', { id: 2, contentHash: record.contentHash, reason: 'filed under the wrong patient' });
    expect(removed).toMatchObject({ id: 2, contentHash: record.contentHash, removed: { predictions: 0, readings: 2, notes: 2, corrections: 0, peAssessments: 0 } });
    expect(removed.remainsIn).toEqual([expect.stringMatching(/^backups/), expect.stringMatching(/^files exported/), expect.stringMatching(/^the audit trail/)]);
    expect(await engine.handle('records:get', { id: 2 })).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });
    expect(await value<{ total: number }>(engine, 'records:list', { limit: 10, offset: 0 })).toMatchObject({ total: 1 });
    for (const table of ['record_signals', 'overreads', 'tracing_notes', 'record_device_measurements']) {
      expect(engine.db.prepare(`SELECT count(*) FROM ${table} WHERE record_id = 2`).pluck().get(), table).toBe(0);
    }
    const entry = engine.audit.recent(1)[0];
    expect(entry).toMatchObject({ action: 'record.removed', subject: 'record:2', details: { contentHash: record.contentHash, format: record.format, reason: 'filed under the wrong patient', removed: removed.removed } });
    expect(JSON.stringify(entry)).not.toContain(marker);
    // Overwritten, not only unlinked: neither the database nor its log still holds the patient's name.
    expect(databaseFilesHold(dataDir, marker)).toBe(false);
    expect(await engine.handle('records:remove', { id: 2, contentHash: record.contentHash, reason: 'again' })).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });

    // The same file imported again is a new record under a new id: id 2 keeps meaning the removed tracing in the audit trail.
    await imported(engine, [muse]);
    const ids = (await value<{ ids: number[] }>(engine, 'records:ids', {})).ids;
    expect([...ids].sort()).toEqual([1, 3]);
    await engine.close();
    engines.splice(0);
    // And after a restart too.
    const reopened = engineIn(dataDir);
    const again = await value<RecordDetail>(reopened, 'records:get', { id: 3 });
    await value(reopened, 'records:remove', { id: 3, contentHash: again.contentHash, reason: 'erasure request' });
    await imported(reopened, [muse]);
    expect((await value<{ ids: number[] }>(reopened, 'records:ids', {})).ids.sort()).toEqual([1, 4]);
  });

  it('leaves no copy of its patient fields or samples in pages that earlier imports reorganised', async () => {
    // The reviewer's reproduction: three records, then five more, so that the page the first ones
    // were written to is split and kept as an interior page with their old bytes in its unused space.
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-remove-'));
    const engine = engineIn(dataDir);
    await imported(engine, ['muse/synthetic-latin1.xml', 'dicom/synthetic.dcm', 'edf/synthetic.edf'].map(formatFixture));
    await imported(engine, ['00001', '00008', '00017', '00030', '00102'].flatMap((n) => [ptbxl(`${n}_hr.hea`), ptbxl(`${n}_hr.dat`)]));
    const id = engine.db.prepare("SELECT id FROM records WHERE patient_name = 'Synthetic Sam'").pluck().get() as number;
    const record = await value<RecordDetail>(engine, 'records:get', { id });
    const samples = engine.db.prepare('SELECT data FROM record_signals WHERE record_id = ?').pluck().get(id) as Buffer;
    // The blob's start lies in its b-tree cell (the rest on overflow pages), its middle on an overflow page.
    const samplePatterns = [samples.subarray(0, 48), samples.subarray(samples.length >> 1, (samples.length >> 1) + 48)];
    engine.db.pragma('wal_checkpoint(TRUNCATE)');
    // Checked first, so the searches below can fail.
    expect(databaseFilesHold(dataDir, 'Synthetic Sam')).toBe(true);
    for (const pattern of samplePatterns) expect(databaseFilesHoldBytes(dataDir, pattern)).toBe(true);

    await value<RecordRemoved>(engine, 'records:remove', { id, contentHash: record.contentHash, reason: 'erasure request' });
    expect(databaseFilesHold(dataDir, 'Synthetic Sam')).toBe(false);
    for (const pattern of samplePatterns) expect(databaseFilesHoldBytes(dataDir, pattern)).toBe(false);
    expect(await value<{ total: number }>(engine, 'records:list', { limit: 10, offset: 0 })).toMatchObject({ total: 7 });
  });

  it("leaves no copy of its patient fields behind where SQLite moved them between pages, which secure_delete alone does not clear", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-remove-'));
    const engine = engineIn(dataDir);
    // A busy ward's database in miniature: the MUSE fixture stored under many patients (ids in no
    // order, so the patient-id index splits and merges its pages), some removed again on the way.
    // The samples are cut short only to keep the test quick.
    const decoded = decodeFiles([muse])[0];
    if (!decoded?.ok) throw new Error('the MUSE fixture did not decode');
    const short = { ...decoded.record, nSamples: 40, leads: decoded.record.leads.map((l) => ({ ...l, samples: asMillivolts(l.samples.subarray(0, 40)) })) };
    const random = seededRandom(11);
    const live: number[] = [];
    for (let i = 0; i < 4000; i++) {
      if (live.length > 50 && random() < 0.45) {
        engine.records.remove(live.splice(Math.floor(random() * live.length), 1)[0] as number);
        continue;
      }
      const patientId = `PID${String(Math.floor(random() * 1e7)).padStart(7, '0')}Q`;
      const record = { ...short, patient: { ...short.patient, id: patientId, name: `Name ${patientId}` }, statements: ['x'.repeat(Math.floor(random() * random() * 1500))] };
      live.push(engine.records.insert(record, createHash('sha256').update(patientId + i).digest('hex'), `upload/${i}.xml`));
    }
    engine.db.pragma('wal_checkpoint(TRUNCATE)');
    // A record whose patient id SQLite's page moves left in the file twice: once in its index cell, once in another page's unused space.
    const file = readFileSync(databasePath(dataDir)).toString('latin1');
    const copies = (patientId: string) => file.split(patientId).length - 1;
    const ids = engine.db.prepare('SELECT id, patient_id AS patientId FROM records').all() as { id: number; patientId: string }[];
    const copied = ids.filter((r) => copies(r.patientId) > 3);
    const target = copied[0];
    if (!target) throw new Error('no page move left a stale copy: the workload no longer reproduces it');
    const record = await value<RecordDetail>(engine, 'records:get', { id: target.id });
    await value<RecordRemoved>(engine, 'records:remove', { id: target.id, contentHash: record.contentHash, reason: 'erasure request' });
    expect(databaseFilesHold(dataDir, target.patientId)).toBe(false);
  });

  it("says so when another program's open read keeps the write-ahead log from being emptied, and audits the removal all the same", async () => {
    const { engine, dataDir, id } = await sharedRecord('00030');
    const record = await value<RecordDetail>(engine, 'records:get', { id });
    // A command line beside the app, in the middle of a read.
    const reader = new Database(databasePath(dataDir), { readonly: true });
    reader.prepare('BEGIN').run();
    reader.prepare('SELECT count(*) FROM records').get();
    const busyTimeout = engine.db.pragma('busy_timeout', { simple: true }) as number;
    engine.db.pragma('busy_timeout = 50');
    try {
      const removed = await value<RecordRemoved>(engine, 'records:remove', { id, contentHash: record.contentHash, reason: 'erasure request' });
      expect(removed.remainsIn.at(-1)).toMatch(/^the database's files \(einthoven\.sqlite and its write-ahead log, einthoven\.sqlite-wal\) until the app is closed: another program reading the database/);
      expect(engine.audit.recent(1)[0]).toMatchObject({ action: 'record.removed', subject: `record:${id}` });
    } finally {
      reader.prepare('COMMIT').run();
      reader.close();
      engine.db.pragma(`busy_timeout = ${busyTimeout}`); // the engine is shared
    }
  });

  it('needs the admin role: a trainer is refused and nothing is removed', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-remove-'));
    const policy = path.join(dataDir, 'policy.json');
    writeFileSync(policy, JSON.stringify({ trainers: [currentOsAccount()] }));
    const engine = engineIn(dataDir, policy);
    // Stored directly: an import would start a decode worker (over a second of CPU) for a refusal that comes before any record is read.
    const [decoded] = decodeFiles([ptbxl('00001_hr.hea'), ptbxl('00001_hr.dat')]);
    if (!decoded?.ok) throw new Error('00001 did not decode');
    engine.records.insert(decoded.record, recordContentHash(decoded.record), 'upload/00001_hr.hea');
    const record = await value<RecordDetail>(engine, 'records:get', { id: 1 });
    const refused = await engine.handle('records:remove', { id: 1, contentHash: record.contentHash, reason: 'erasure request' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN', message: expect.stringMatching(/removing a record needs the admin role/) } });
    expect(await value<{ total: number }>(engine, 'records:list', { limit: 10, offset: 0 })).toMatchObject({ total: 1 });
    expect(engine.audit.recent(1)[0]).toMatchObject({ action: 'access.refused', details: { channel: 'records:remove' } });
  });

  it('a prediction still running when its record is removed is neither stored nor shown, and says why', async () => {
    const { engine, id } = await sharedRecord('00008');
    const record = await value<RecordDetail>(engine, 'records:get', { id });
    // Not awaited: the model runs while the removal below is handled.
    const predicting = engine.handle('models:predict', { modelId: starterModelId(), recordId: id });
    await value<RecordRemoved>(engine, 'records:remove', { id, contentHash: record.contentHash, reason: 'filed under the wrong patient' });
    expect(await predicting).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND', message: expect.stringMatching(new RegExp(`record ${id} was removed while the model ran: the prediction was neither stored nor shown`)) } });
    expect(engine.db.prepare('SELECT COUNT(*) AS n FROM predictions').get()).toEqual({ n: 0 });
    expect(engine.audit.recent(5).map((e) => e.action)).not.toContain('record.predicted');
  });

  it('a fiducial correction still being measured when its record is removed is not stored, and says why', async () => {
    const { engine, id } = await sharedRecord('00001');
    const record = await value<RecordDetail>(engine, 'records:get', { id });
    const program = await value<RecordMeasurements>(engine, 'records:measure', { id });
    const beat = program.medianBeat;
    const qrsOnset = beat?.fiducials.qrsOnset;
    if (!beat || qrsOnset === null || qrsOnset === undefined) throw new Error('00001 has no QRS onset');
    // 150 ms before the QRS: a P onset the correction can apply.
    const pOnset = ((qrsOnset - beat.pre) * 1000) / program.fs - 150;
    const correcting = engine.handle('records:correct-fiducials', { id, boundaries: { pOnset }, reader: 'Dr. A' });
    await value<RecordRemoved>(engine, 'records:remove', { id, contentHash: record.contentHash, reason: 'filed under the wrong patient' });
    expect(await correcting).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND', message: `record ${id} was removed while the correction was measured: it was not stored` } });
    expect(engine.db.prepare('SELECT COUNT(*) AS n FROM fiducial_corrections').get()).toEqual({ n: 0 });
  });
});
