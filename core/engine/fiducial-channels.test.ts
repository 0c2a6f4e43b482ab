import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { JobFinished } from '../contract/channels';
import type { RecordMeasurements } from '../contract/viewer-schemas';
import { Engine } from './engine';

// records:correct-fiducials on the real engine and SQLite, with the bundled PTB-XL records (CC BY 4.0):
// 00102 (first-degree AV block), where the program measures a PR of ~252 ms, and sinus rhythms.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sample = (name: string) => ({ name: `upload/${name}`, bytes: new Uint8Array(readFileSync(path.join(repoRoot, 'resources', 'samples', 'ptbxl', name))) });

const engines: Engine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
});

function open(dataDir: string): Engine {
  const engine = new Engine({ dataDir, shell: 'test' });
  engines.push(engine);
  return engine;
}

async function imported(engine: Engine, record: string): Promise<void> {
  const started = await engine.handle('records:import', { files: [sample(`${record}_hr.hea`), sample(`${record}_hr.dat`)] });
  if (!started.ok) throw new Error(started.error.message);
  const { jobId } = started.value as { jobId: string };
  await new Promise<void>((resolve) => {
    const off = engine.onEvent((event, payload) => {
      if (event === 'jobs:finished' && (payload as JobFinished).jobId === jobId) {
        off();
        resolve();
      }
    });
  });
}

async function engineWith00102(): Promise<{ engine: Engine; dataDir: string }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-boundaries-'));
  const engine = open(dataDir);
  await imported(engine, '00102');
  return { engine, dataDir };
}

/**
 * One engine for the tests that need no restart, each test on a record of its own, so that no
 * test sees another's corrections: every engine measures in a decode worker of its own, loaded
 * through tsx (over a second of CPU each), and four tests started one each.
 */
let shared: Promise<Engine> | undefined;
afterAll(async () => {
  await (await shared)?.close();
});
async function sharedRecord(record: '00102' | '00001' | '00008' | '00030'): Promise<{ engine: Engine; id: number }> {
  shared ??= (async () => {
    const engine = new Engine({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'einthoven-boundaries-')), shell: 'test' });
    for (const name of ['00102', '00001', '00008', '00030']) await imported(engine, name);
    return engine;
  })();
  const engine = await shared;
  const id = engine.db.prepare('SELECT id FROM records WHERE source_path = ?').pluck().get(`upload/${record}_hr.hea`);
  if (typeof id !== 'number') throw new Error(`${record} was not imported`);
  return { engine, id };
}

async function value<T>(engine: Engine, channel: string, request: object): Promise<T> {
  const result = await engine.handle(channel, request);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.value as T;
}

/** ms from the median beat's R of one of its boundaries. */
function msFromR(m: RecordMeasurements, name: 'pOnset' | 'qrsOnset' | 'tEnd'): number {
  const beat = m.medianBeat;
  const index = beat?.fiducials[name];
  if (!beat || index === null || index === undefined) throw new Error(`no ${name}`);
  return ((index - beat.pre) * 1000) / m.fs;
}

const codes = (m: RecordMeasurements) => m.statements.map((s) => s.code);

describe('records:correct-fiducials', () => {
  it("stores the reader's P onset, measures from it, audits what changed and keeps it across a restart", async () => {
    const { engine, dataDir } = await engineWith00102();
    const program = await value<RecordMeasurements>(engine, 'records:measure', { id: 1 });
    expect(program.correction).toBeNull();
    expect(program.prMs as number).toBeGreaterThan(230);
    expect(codes(program)).toContain('1AVB');

    const pOnset = msFromR(program, 'qrsOnset') - 180;
    const corrected = await value<RecordMeasurements>(engine, 'records:correct-fiducials', { id: 1, boundaries: { pOnset }, reader: ' Dr. A. Reader ', note: 'P starts later in II' });
    expect(corrected.prMs as number).toBeCloseTo(180, 0);
    expect(codes(corrected)).not.toContain('1AVB');
    expect(corrected.correction).toMatchObject({ applied: true, reader: 'Dr. A. Reader', note: 'P starts later in II', supersedes: null, boundaries: { pOnset } });
    expect(corrected.correction?.program.prMs).toBeCloseTo(program.prMs as number, 6);
    expect(corrected.correction?.program.heartRateBpm).toBe(program.heartRateBpm);
    // Every figure a boundary can move carries the program's, as the screen showed it before: QTc under each formula, the axes.
    expect(corrected.correction?.program.qtcMs).toEqual(Object.fromEntries(program.qtc.map((q) => [q.formula, q.ms])));
    expect(corrected.correction?.program.axisDeg).toEqual(program.axisDeg);
    expect(corrected.axisDeg.p).not.toBe(program.axisDeg.p);
    expect(corrected.correction?.automaticFiducials).toEqual(program.medianBeat?.fiducials);
    expect(corrected.correction?.beats).toEqual({ added: [], removed: [] });
    expect(corrected.medianBeat?.fiducials.pOnset).not.toBe(program.medianBeat?.fiducials.pOnset);
    expect(await value(engine, 'records:measure', { id: 1 })).toEqual(corrected);

    const [entry] = engine.audit.recent(1);
    expect(entry).toMatchObject({ actor: 'Dr. A. Reader', action: 'measurements.fiducials.corrected', subject: 'record:1' });
    expect(entry?.details).toMatchObject({
      correction: corrected.correction?.id,
      boundaries: { pOnset },
      beats: { added: [], removed: [] },
      program: { prMs: Math.round(program.prMs as number), qrsMs: Math.round(program.qrsMs as number), beats: program.beats.length },
      reader: { prMs: 180 },
      statements: { added: [], removed: ['1AVB'] },
    });

    await engine.close();
    engines.splice(0);
    const reopened = open(dataDir);
    expect(await value(reopened, 'records:measure', { id: 1 })).toEqual(corrected);
  });

  it('refuses a stale edit (E_CONFLICT), takes a superseding one, and takes the correction back to the program', async () => {
    const { engine, id } = await sharedRecord('00102');
    const program = await value<RecordMeasurements>(engine, 'records:measure', { id });
    const first = await value<RecordMeasurements>(engine, 'records:correct-fiducials', { id, boundaries: { tEnd: msFromR(program, 'tEnd') + 20 }, reader: 'Dr. A' });
    const firstId = first.correction?.id as number;
    expect(await engine.handle('records:correct-fiducials', { id, boundaries: { tEnd: msFromR(program, 'tEnd') + 30 }, reader: 'Dr. B' })).toMatchObject({
      ok: false,
      error: { code: 'E_CONFLICT', message: expect.stringMatching(/corrected by Dr\. A .*reopen the record/) },
    });
    const second = await value<RecordMeasurements>(engine, 'records:correct-fiducials', { id, boundaries: { tEnd: msFromR(program, 'tEnd') + 30 }, reader: 'Dr. B', supersedes: firstId });
    expect((second.qtMs as number) - (program.qtMs as number)).toBeCloseTo(30, 0);
    expect(second.correction?.supersedes).toBe(firstId);

    const back = await value<RecordMeasurements>(engine, 'records:correct-fiducials', { id, boundaries: {}, reader: 'Dr. B', supersedes: second.correction?.id });
    expect(back.correction).toMatchObject({ applied: false, boundaries: {} });
    expect(back.correction?.notApplied).toBeUndefined();
    expect([back.prMs, back.qrsMs, back.qtMs, codes(back)]).toEqual([program.prMs, program.qrsMs, program.qtMs, codes(program)]);
    expect(engine.audit.recent(1)[0]).toMatchObject({ action: 'measurements.fiducials.reverted', actor: 'Dr. B' });
    expect(await engine.handle('records:correct-fiducials', { id, boundaries: {}, reader: 'Dr. B', supersedes: back.correction?.id })).toMatchObject({
      ok: false,
      error: { code: 'E_VALIDATION', message: expect.stringMatching(/already has the program's beats and boundaries/) },
    });
    // Every version stays on file, newest first.
    expect(engine.fiducials.corrections.listForRecord(id).map((c) => c.reader)).toEqual(['Dr. B', 'Dr. B', 'Dr. A']);
  });

  it('refuses boundaries the median beat cannot take, and bad requests, storing nothing', async () => {
    const { engine, id } = await sharedRecord('00001');
    const program = await value<RecordMeasurements>(engine, 'records:measure', { id });
    const qrsOn = msFromR(program, 'qrsOnset');
    const auditBefore = engine.audit.recent(1)[0]?.id;
    for (const [request, code, message] of [
      [{ id, boundaries: { qrsOffset: qrsOn - 4 }, reader: 'Dr. A' }, 'E_VALIDATION', /not applied: QRS onset must come before QRS offset/],
      [{ id, boundaries: { tEnd: 2900 }, reader: 'Dr. A' }, 'E_VALIDATION', /not applied: T end at 2900 ms from R lies outside the median beat/],
      [{ id, boundaries: {}, beats: { removed: [Math.round(((program.beats[0] as number) + (program.beats[1] as number)) / 2)] }, reader: 'Dr. A' }, 'E_VALIDATION', /1 beat edit names no beat/],
      [{ id, boundaries: {}, beats: { added: [-3] }, reader: 'Dr. A' }, 'E_VALIDATION', /added/],
      [{ id, boundaries: { tEnd: 9000 }, reader: 'Dr. A' }, 'E_VALIDATION', /tEnd/],
      [{ id, boundaries: { pOnset: -150, wobble: 1 }, reader: 'Dr. A' }, 'E_VALIDATION', /wobble|unrecognized/i],
      [{ id, boundaries: { pOnset: -150 }, reader: '  ' }, 'E_VALIDATION', /reader must be named/],
      [{ id, boundaries: {}, reader: 'Dr. A' }, 'E_VALIDATION', /no correction to take back/],
      [{ id, boundaries: { pOnset: -150 }, reader: 'Dr. A', supersedes: 7 }, 'E_VALIDATION', /no correction 7/],
      [{ id: 9, boundaries: { pOnset: -150 }, reader: 'Dr. A' }, 'E_NOT_FOUND', /record 9/],
    ] as const) {
      expect(await engine.handle('records:correct-fiducials', request), JSON.stringify(request)).toMatchObject({ ok: false, error: { code, message: expect.stringMatching(message) } });
    }
    expect(engine.fiducials.corrections.listForRecord(id)).toEqual([]);
    expect(engine.audit.recent(1)[0]?.id).toBe(auditBefore);
    expect(await value(engine, 'records:measure', { id })).toEqual(program);
  });

  it("removes a beat the reader rejects: rate, RR and the program's figures beside them, audited", async () => {
    const { engine, id } = await sharedRecord('00030');
    const program = await value<RecordMeasurements>(engine, 'records:measure', { id });
    const rejected = program.beats[3] as number;
    const corrected = await value<RecordMeasurements>(engine, 'records:correct-fiducials', { id, boundaries: {}, beats: { removed: [rejected] }, reader: 'Dr. A' });
    expect(corrected.beats).toHaveLength(program.beats.length - 1);
    expect(corrected.beats).not.toContain(rejected);
    expect(corrected.heartRateBpm as number).toBeLessThan(program.heartRateBpm as number);
    expect(corrected.correction).toMatchObject({ applied: true, beats: { added: [], removed: [rejected] }, beatEdits: { added: 0, removed: 1, unmatched: 0 }, program: { heartRateBpm: program.heartRateBpm, prMs: program.prMs } });
    expect(engine.audit.recent(1)[0]?.details).toMatchObject({ beats: { removed: [rejected] }, program: { beats: program.beats.length }, reader: { beats: program.beats.length - 1 } });
    // The beat comes back with the correction taken back.
    const back = await value<RecordMeasurements>(engine, 'records:correct-fiducials', { id, boundaries: {}, reader: 'Dr. A', supersedes: corrected.correction?.id });
    expect(back.beats).toEqual(program.beats);
  });

  it('the table refuses UPDATE: a stored correction cannot be rewritten', async () => {
    const { engine, id } = await sharedRecord('00008');
    await value(engine, 'records:correct-fiducials', { id, boundaries: { pAbsent: true }, reader: 'Dr. A' });
    expect(() => engine.db.prepare(`UPDATE fiducial_corrections SET reader = 'someone else' WHERE record_id = ?`).run(id)).toThrow(/immutable/);
  });
});
