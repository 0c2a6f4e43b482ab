import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { JobFinished } from '../contract/channels';
import type { RecordDetail } from '../contract/schemas';
import type { FilteredSignals, RecordMeasurements } from '../contract/viewer-schemas';
import { measurementJson } from '../cli/commands/measure';
import { decodeFiles } from '../formats/index';
import { loadFilesForDecoding } from '../formats/load';
import { analyseEcg } from '../signal/measure';
import { applyDisplayFilter } from './display-filter';
import { Engine } from './engine';

/** The viewer's channels on the real engine with a real SQLite database in a temporary folder. */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const samplePath = (name: string) => path.join(repoRoot, 'resources', 'samples', 'ptbxl', name);
const upload = (name: string) => ({ name: `upload/${name}`, bytes: new Uint8Array(readFileSync(samplePath(name))) });

const engines: Engine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
});

async function engineWith(files: { name: string; bytes: Uint8Array }[], csv?: object, owner: Engine[] = engines): Promise<Engine> {
  const engine = new Engine({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'einthoven-viewer-')), shell: 'test' });
  owner.push(engine);
  const started = await engine.handle('records:import', csv ? { files, csv } : { files });
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
  return engine;
}

/**
 * One engine per file for the tests that only read its record, or add an audit entry they check at
 * once: each engine's import and its decode worker (loaded through tsx) cost seconds of CPU, and
 * four tests imported 00001 into engines of their own, two the MUSE file.
 */
const sharedEngines: Engine[] = [];
const shared = new Map<string, Promise<Engine>>();
afterAll(async () => {
  await Promise.all(sharedEngines.splice(0).map((e) => e.close()));
});
function sharedEngineWith(files: { name: string; bytes: Uint8Array }[]): Promise<Engine> {
  const key = files.map((f) => f.name).join('+');
  const engine = shared.get(key) ?? engineWith(files, undefined, sharedEngines);
  shared.set(key, engine);
  return engine;
}

async function value<T>(engine: Engine, channel: string, request: object): Promise<T> {
  const result = await engine.handle(channel, request);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.value as T;
}

describe('records:measure', () => {
  it('gives the same figures as `ecg measure` on the same file, with QTc under every formula', async () => {
    const engine = await sharedEngineWith([upload('00001_hr.hea'), upload('00001_hr.dat')]);
    const m = await value<RecordMeasurements>(engine, 'records:measure', { id: 1 });
    const [decoded] = decodeFiles(loadFilesForDecoding([samplePath('00001_hr.hea')]));
    if (!decoded?.ok) throw new Error('sample did not decode');
    const cli = measurementJson('00001_hr.hea', decoded.record, analyseEcg(decoded.record.leads, decoded.record.fs)) as {
      heartRateBpm: number;
      rrMs: { mean: number; sd: number };
      qtcMs: Record<string, number>;
      beats: number[];
      verdict: string;
    } & Record<string, unknown>;
    expect(m.heartRateBpm).toBeCloseTo(cli.heartRateBpm, 1);
    expect(m.heartRateBpm).toBeGreaterThan(40);
    expect(m.heartRateBpm).toBeLessThan(150);
    expect(m.rrMs.mean).toBeCloseTo(cli.rrMs.mean, 0);
    for (const key of ['prMs', 'qrsMs', 'qtMs'] as const) expect(Math.round(m[key] ?? Number.NaN)).toBe(cli[key]);
    expect(m.qtc.map((q) => q.formula)).toEqual(['bazett', 'fridericia', 'framingham', 'hodges']);
    for (const q of m.qtc) expect(Math.round(q.ms ?? Number.NaN)).toBe(cli.qtcMs[q.formula]);
    expect(m.qtc[0]?.text).toMatch(/^Bazett: QT \/ √RR/);
    expect(m.beats).toEqual(cli.beats);
    expect(m.quality.verdict).toBe(cli.verdict);
    expect(m.quality.leads.map((l) => l.lead)).toEqual(['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6']);
    // The median beat the intervals came from: its boundaries give back exactly the intervals shown.
    const beat = m.medianBeat;
    if (!beat) throw new Error('no median beat');
    expect(beat.leads).toEqual(m.quality.leads.map((l) => l.lead));
    expect(beat.samples.every((s) => s.length === beat.samples[0]?.length && s.every(Number.isFinite))).toBe(true);
    expect(beat.beatsUsed).toBeGreaterThanOrEqual(3);
    const f = beat.fiducials;
    const ms = (a: number | null, b: number | null) => ((b ?? Number.NaN) - (a ?? Number.NaN)) * (1000 / m.fs);
    expect(ms(f.pOnset, f.qrsOnset)).toBeCloseTo(m.prMs ?? Number.NaN, 6);
    expect(ms(f.qrsOnset, f.qrsOffset)).toBeCloseTo(m.qrsMs ?? Number.NaN, 6);
    expect(ms(f.qrsOnset, f.tEnd)).toBeCloseTo(m.qtMs ?? Number.NaN, 6);
    expect(f.qrsOnset).toBeLessThan(beat.pre);
    expect(f.qrsOffset).toBeGreaterThan(beat.pre);
  });

  it('flags leads with issues in words and grades the record', async () => {
    // 00008_hr: baseline wander on II, III and aVF (see `ecg measure`).
    const engine = await engineWith([upload('00008_hr.hea'), upload('00008_hr.dat')]);
    const m = await value<RecordMeasurements>(engine, 'records:measure', { id: 1 });
    expect(m.quality.verdict).toBe('degraded');
    const flagged = m.quality.leads.filter((l) => !l.ok);
    expect(flagged.map((l) => l.lead)).toEqual(expect.arrayContaining(['II', 'III', 'aVF']));
    expect(flagged[0]?.descriptions).toContain('baseline wander');
  });

  it('returns nulls with their reasons for a tracing without beats, and E_NOT_FOUND for an unknown record', async () => {
    const flat = Buffer.from('0.01,0.01,0.01\n'.repeat(1500));
    const engine = await engineWith([{ name: 'flat.csv', bytes: new Uint8Array(flat) }], { fs: 500, units: 'mV', leads: ['I', 'II', 'III'] });
    const m = await value<RecordMeasurements>(engine, 'records:measure', { id: 1 });
    expect(m.heartRateBpm).toBeNull();
    expect(m.reasons.heartRateBpm).toMatch(/beats/);
    expect(m.prMs).toBeNull();
    expect(m.reasons.prMs).toBeTruthy();
    expect(m.medianBeat).toBeNull();
    expect(m.qtc.every((q) => q.ms === null)).toBe(true);
    expect(m.quality.verdict).toBe('unusable');
    expect(m.quality.leads.find((l) => l.lead === 'V1')?.issues).toEqual(['missing']);
    expect(await engine.handle('records:measure', { id: 99 })).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });
  });
});

describe('records:filter', () => {
  it('returns the filtered leads and what was applied, and leaves the stored record untouched', async () => {
    const engine = await sharedEngineWith([upload('00001_hr.hea'), upload('00001_hr.dat')]);
    const stored = await value<RecordDetail>(engine, 'records:get', { id: 1 });
    const filter = { highpassHz: 0.05, lowpassHz: 40, notchHz: 50 } as const;
    const filtered = await value<FilteredSignals>(engine, 'records:filter', { id: 1, filter });
    expect(filtered).toMatchObject({ recordId: 1, fs: 500, applied: filter, notes: [] });
    expect(filtered.signals).toEqual(applyDisplayFilter(stored.signals, 500, filter).signals);
    expect(filtered.signals[1]).not.toEqual(stored.signals[1]);
    const again = await value<RecordDetail>(engine, 'records:get', { id: 1 });
    expect(again.signals).toEqual(stored.signals);
  });

  it('accepts only the filters a cardiograph offers', async () => {
    const engine = await sharedEngineWith([upload('00001_hr.hea'), upload('00001_hr.dat')]);
    const bad = await engine.handle('records:filter', { id: 1, filter: { highpassHz: 1, lowpassHz: null, notchHz: null } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
    const missing = await engine.handle('records:filter', { id: 1, filter: { highpassHz: null, lowpassHz: null } });
    expect(missing).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
  });
});

describe('records:printed', () => {
  it('audits a print with the settings it was printed at; refuses an unknown record or a malformed report', async () => {
    const engine = await sharedEngineWith([upload('00001_hr.hea'), upload('00001_hr.dat')]);
    const settings = { layout: '6x2', speedMmS: 50, gainMmMv: 20, filter: '0.5–40 Hz, notch 50 Hz' };
    expect(await value(engine, 'records:printed', { id: 1, ...settings })).toEqual({ audited: true });
    expect(engine.audit.recent(1)[0]).toMatchObject({ actor: 'user', action: 'record.printed', subject: 'record:1', details: settings });
    expect(await engine.handle('records:printed', { id: 2, ...settings })).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });
    expect(await engine.handle('records:printed', { id: 1, ...settings, layout: 'x'.repeat(21) })).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
    expect(engine.audit.verify()).toMatchObject({ ok: true });
  });
});

describe('records:export', () => {
  const muse = path.join(repoRoot, 'core', 'test', 'fixtures', 'formats', 'muse', 'synthetic-latin1.xml');

  it('writes a de-identified WFDB copy that reads back with the same signals and none of the identifiers, audited', async () => {
    const engine = await sharedEngineWith([{ name: 'upload/muse.xml', bytes: new Uint8Array(readFileSync(muse)) }]);
    const stored = await value<RecordDetail>(engine, 'records:get', { id: 1 });
    expect(stored.patient).toMatchObject({ id: 'SYNTH-1', name: 'Zoé Bézier', sex: 'F', ageYears: 70 });
    const { files } = await value<{ files: string[] }>(engine, 'records:export', { id: 1, format: 'wfdb', deidentify: true });
    expect(files.map((f) => path.basename(f))).toEqual(['record-1-deidentified.hea', 'record-1-deidentified.dat']);
    const header = readFileSync(files[0] as string, 'utf8');
    for (const identifier of ['SYNTH-1', 'Bézier', 'Zo', '2024', 'muse']) expect(header).not.toContain(identifier);
    const [back] = decodeFiles(loadFilesForDecoding(files));
    if (!back?.ok) throw new Error('the export did not read back');
    expect(back.record.patient).toEqual({ sex: 'F', ageYears: 70 });
    expect(back.record.startTime).toBeUndefined();
    expect(back.record.statements).toEqual([]);
    for (const name of ['I', 'II', 'V1', 'V6']) {
      const before = stored.signals[stored.leads.findIndex((l) => l.name === name)] as Float32Array;
      const after = back.record.leads.find((l) => l.name === name)?.samples as Float32Array;
      // WFDB stores 16-bit integers: the writer picks a gain fine enough for the stored µV steps.
      before.forEach((v, i) => expect(Math.abs((after[i] as number) - v)).toBeLessThan(0.0011));
    }
    expect(engine.audit.recent(1)[0]).toMatchObject({ action: 'record.exported', subject: 'record:1', details: { format: 'wfdb', deidentified: true } });
  });

  it('keeps the clinical context when not de-identifying, and refuses an unknown record', async () => {
    const engine = await sharedEngineWith([{ name: 'upload/muse.xml', bytes: new Uint8Array(readFileSync(muse)) }]);
    const { files } = await value<{ files: string[] }>(engine, 'records:export', { id: 1, format: 'wfdb', deidentify: false });
    const [back] = decodeFiles(loadFilesForDecoding(files));
    if (!back?.ok) throw new Error('the export did not read back');
    expect(back.record.startTime).toBe('2024-01-02T08:15:00');
    expect(back.record.statements).toEqual(['Sinus rhythm', 'Septal infarct, age undetermined & old']);
    const csv = await value<{ files: string[] }>(engine, 'records:export', { id: 1, format: 'csv', deidentify: false });
    expect(readFileSync(csv.files[0] as string, 'utf8').split('\n')[0]).toBe('time (s),I (mV),II (mV),III (mV),aVR (mV),aVL (mV),aVF (mV),V1 (mV),V2 (mV),V3 (mV),V4 (mV),V5 (mV),V6 (mV)');
    expect(await engine.handle('records:export', { id: 9, format: 'csv', deidentify: true })).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });
    expect(await engine.handle('records:export', { id: 1, format: 'edf', deidentify: true })).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
  });
});

describe('display calibration', () => {
  it('keeps the screen scale in the database across engine restarts, within plausible bounds, audited', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-display-'));
    const first = new Engine({ dataDir, shell: 'test' });
    engines.push(first);
    expect(await value(first, 'display:get', {})).toEqual({ screenScale: 1 });
    expect(await value(first, 'display:calibrate', { screenScale: 1.25 })).toEqual({ screenScale: 1.25 });
    expect(await first.handle('display:calibrate', { screenScale: 3 })).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
    expect(first.audit.recent(1)[0]).toMatchObject({ action: 'display.calibrated', details: { screenScale: 1.25 } });
    await first.close();
    engines.splice(engines.indexOf(first), 1);
    const again = new Engine({ dataDir, shell: 'test' });
    engines.push(again);
    expect(await value(again, 'display:get', {})).toEqual({ screenScale: 1.25 });
  });
});
