import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Overread } from '../../contract/overread-schemas';
import type { TracingNote } from '../../contract/note-schemas';
import type { RecordMeasurements } from '../../contract/viewer-schemas';
import { openDatabase } from '../../db/database';
import { migrations } from '../../db/migrations';
import { Engine } from '../../engine/engine';
import { fixturePath } from '../../test/shared-data';
import { runCli } from '../run';
import { importCommand } from './import';
import { recordCommand } from './record';
import { capture } from '../../test/cli-io';

// ecg record on a real data folder: the bundled PTB-XL 00102 (CC BY 4.0; 10 s, 12 leads, 500 Hz),
// imported with ecg import, then read, corrected and annotated through the engine's channels.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const sample = (name: string) => path.join(repoRoot, 'resources', 'samples', 'ptbxl', name);

async function record(args: string[]): Promise<{ code: number; out: string[] }> {
  const io = capture();
  return { code: await recordCommand.run(args, io), out: io.out };
}

async function value<T>(engine: Engine, channel: string, request: object): Promise<T> {
  const result = await engine.handle(channel, request);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.value as T;
}

/** ms from the median beat's R of the program's T end. */
function tEndMs(m: RecordMeasurements): number {
  const beat = m.medianBeat;
  const index = beat?.fiducials.tEnd;
  if (!beat || index === null || index === undefined) throw new Error('no T end');
  return Math.round(((index - beat.pre) * 1000) / m.fs);
}

/** Two readings, three corrections (a boundary, a boundary with a removed beat, back to the program's), two notes (one taken back). */
async function historyOn(dataDir: string): Promise<{ tEnd: number }> {
  expect(await importCommand.run([sample('00102_hr.hea'), sample('00102_hr.dat'), '--json', '--data-dir', dataDir], capture())).toBe(0);
  const engine = new Engine({ dataDir, shell: 'test' });
  try {
    const first = await value<Overread>(engine, 'overreads:confirm', { recordId: 1, codes: ['SR'], reader: 'Dr. A' });
    await value(engine, 'overreads:confirm', { recordId: 1, codes: ['1AVB'], freeText: ['see\tnote'], reader: 'Dr. B', supersedes: first.id });
    const program = await value<RecordMeasurements>(engine, 'records:measure', { id: 1 });
    const tEnd = tEndMs(program) + 20;
    const one = await value<RecordMeasurements>(engine, 'records:correct-fiducials', { id: 1, boundaries: { tEnd }, reader: 'Dr. A', note: 'T ends later in V2' });
    const two = await value<RecordMeasurements>(engine, 'records:correct-fiducials', {
      id: 1, boundaries: { pAbsent: true }, beats: { removed: [program.beats[3]] }, reader: 'Dr. B', supersedes: one.correction?.id,
    });
    await value(engine, 'records:correct-fiducials', { id: 1, boundaries: {}, reader: 'Dr. C', supersedes: two.correction?.id });
    const kept = await value<TracingNote>(engine, 'notes:add', { recordId: 1, atS: 1.5, text: 'artefact', author: 'Dr. A' });
    const taken = await value<TracingNote>(engine, 'notes:add', { recordId: 1, atS: 7.25, lead: 'V2', text: 'ST elevation here?', author: 'Dr. A' });
    await value(engine, 'notes:retract', { recordId: 1, noteId: taken.id, author: 'Dr. B' });
    expect([kept.id, taken.id]).toEqual([1, 2]);
    return { tEnd };
  } finally {
    await engine.close();
  }
}

describe('ecg record', () => {
  it("prints one record's readings, corrections (current, superseded, taken back) and notes (retracted ones too), as text and JSON", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'record-cli-'));
    const { tEnd } = await historyOn(dataDir);

    const json = await record(['1', '--json', '--data-dir', dataDir]);
    expect(json.code).toBe(0);
    expect(json.out).toHaveLength(1);
    const h = JSON.parse(json.out[0] ?? '') as Record<string, unknown>;
    expect(Object.keys(h)).toEqual(['record', 'reading', 'corrections', 'notes']);
    expect(h.record).toEqual({ id: 1, sourcePath: expect.stringMatching(/00102_hr\.hea$/), format: 'wfdb', fs: 500, nSamples: 5000, durationS: 10, leads: ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'], patientId: null });
    expect(h.reading).toEqual({ current: { id: 2, reader: 'Dr. B', confirmedAt: expect.any(String), statements: [{ code: '1AVB', text: 'first degree AV block' }, { code: null, text: 'see\tnote' }], note: '' }, earlier: 1 });
    expect(h.corrections).toEqual([
      { id: 3, status: 'current', reader: 'Dr. C', correctedAt: expect.any(String), supersedes: 2, backToProgram: true, boundaries: {}, beatsAdded: 0, beatsRemoved: 0, note: '' },
      { id: 2, status: 'superseded', reader: 'Dr. B', correctedAt: expect.any(String), supersedes: 1, backToProgram: false, boundaries: { pAbsent: true }, beatsAdded: 0, beatsRemoved: 1, note: '' },
      { id: 1, status: 'superseded', reader: 'Dr. A', correctedAt: expect.any(String), supersedes: null, backToProgram: false, boundaries: { tEnd }, beatsAdded: 0, beatsRemoved: 0, note: 'T ends later in V2' },
    ]);
    expect(h.notes).toEqual([
      { id: 2, recordId: 1, atS: 7.25, lead: 'V2', text: 'ST elevation here?', author: 'Dr. A', createdAt: expect.any(String), retracted: { by: 'Dr. B', at: expect.any(String) } },
      { id: 1, recordId: 1, atS: 1.5, lead: null, text: 'artefact', author: 'Dr. A', createdAt: expect.any(String), retracted: null },
    ]);

    const text = await record(['1', '--data-dir', dataDir]);
    expect(text.code).toBe(0);
    const at = '\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z';
    const lines = [
      /^record 1\t\S*00102_hr\.hea\twfdb\t500 Hz\t12 leads\t10\.0 s\tno patient id$/,
      new RegExp(`^reading 2\\tconfirmed by Dr\\. B\\t${at}\\t"first degree AV block", "see\\\\tnote"\\t1 earlier reading$`),
      /^fiducial corrections\t3, newest first$/,
      new RegExp(`^  correction 3\\tcurrent\\tDr\\. C\\t${at}\\tback to the program's beats and boundaries$`),
      new RegExp(`^  correction 2\\tsuperseded\\tDr\\. B\\t${at}\\tP absent; beats 0 added, 1 removed$`),
      new RegExp(`^  correction 1\\tsuperseded\\tDr\\. A\\t${at}\\tT end \\+${tEnd} ms from R; beats 0 added, 0 removed\\tnote "T ends later in V2"$`),
      /^tracing notes\t2, newest first$/,
      new RegExp(`^  note 2\\t7\\.25 s\\tV2\\t"ST elevation here\\?"\\tDr\\. A\\t${at}\\tretracted by Dr\\. B at ${at}$`),
      new RegExp(`^  note 1\\t1\\.50 s\\tall leads\\t"artefact"\\tDr\\. A\\t${at}\\tin force$`),
    ];
    expect(text.out).toHaveLength(lines.length);
    lines.forEach((pattern, i) => expect(text.out[i]).toMatch(pattern));
  });

  it("says so for a record nobody has read, corrected or annotated, and names the file's patient id", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'record-cli-'));
    // A synthetic MUSE XML whose header names patient SYNTH-1.
    expect(await importCommand.run([fixturePath('formats', 'muse', 'synthetic-latin1.xml'), '--data-dir', dataDir], capture())).toBe(0);
    expect((await record(['1', '--data-dir', dataDir])).out).toEqual([
      expect.stringMatching(/^record 1\t\S*synthetic-latin1\.xml\tmuse\S*\t500 Hz\t12 leads\t1\.0 s\tpatient SYNTH-1$/),
      'reading\tunconfirmed (no reading)',
      'fiducial corrections\t0',
      'tracing notes\t0',
    ]);
    expect(JSON.parse((await record(['1', '--json', '--data-dir', dataDir])).out[0] ?? '')).toMatchObject({ record: { patientId: 'SYNTH-1' }, reading: { current: null, earlier: 0 }, corrections: [], notes: [] });
  });

  // A reader's name is what they typed; a statement's and a note's text too, and JSON leaves C1 and the bidirectional overrides raw.
  it("writes the reader's name, the statements and a note with no control or bidirectional character", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'record-cli-'));
    expect(await importCommand.run([sample('00102_hr.hea'), sample('00102_hr.dat'), '--data-dir', dataDir], capture())).toBe(0);
    const engine = new Engine({ dataDir, shell: 'test' });
    try {
      await value(engine, 'overreads:confirm', { recordId: 1, codes: ['SR'], freeText: ['ok\u202e\u009b31m'], reader: 'Dr.\u202e A\u001b[31m', note: 'n\u2067b' });
    } finally {
      await engine.close();
    }
    const text = await record(['1', '--data-dir', dataDir]);
    expect(text.out[1]).toMatch(/^reading 1\tconfirmed by Dr\.\\u202e A\\u001b\[31m\t.*, "ok\\u202e\\u009b31m"\t0 earlier readings\tnote "n\\u2067b"$/);
    // Tabs apart, which separate the columns.
    // eslint-disable-next-line no-control-regex -- the control characters are what must not be printed
    expect(text.out.filter((line) => /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(line))).toEqual([]);
  });

  it('refuses an unknown id (E_NOT_FOUND, exit 1), a bad or missing id (E_VALIDATION, exit 2) and a missing database, creating nothing', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'record-cli-'));
    expect(await importCommand.run([sample('00102_hr.hea'), sample('00102_hr.dat'), '--data-dir', dataDir], capture())).toBe(0);
    await expect(record(['2', '--data-dir', dataDir])).rejects.toMatchObject({ code: 'E_NOT_FOUND', message: 'record 2 does not exist' });
    for (const [args, message] of [
      [['1.5'], /a record id is a whole number from 1, got '1\.5'/],
      [['0'], /got '0'/],
      [['--', '-3'], /got '-3'/],
      [['abc'], /got 'abc'/],
      [[], /which record\?/],
      [['1', '2'], /unexpected argument '2'/],
    ] as const) {
      await expect(record(['--data-dir', dataDir, ...args]), args.join(' ')).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(message) });
    }
    const absent = path.join(dataDir, 'absent');
    await expect(record(['1', '--data-dir', absent])).rejects.toThrow(/no Einthoven database at .*absent/);
    expect(existsSync(absent)).toBe(false);

    // A database from before corrections and notes existed, never opened by this program: read-only, it stays as it is.
    const older = mkdtempSync(path.join(os.tmpdir(), 'record-cli-old-'));
    openDatabase(path.join(older, 'einthoven.sqlite'), migrations.filter((m) => m.version < 11)).db.close();
    await expect(record(['1', '--data-dir', older])).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(/has schema version 10, older than this program's \d+: open it once with the app/) });

    // Through the CLI's runner: the one-line typed error and its exit code.
    const missing = capture();
    expect(await runCli(['record', '2', '--data-dir', dataDir], missing)).toBe(1);
    expect(missing.err).toEqual(['ecg record: E_NOT_FOUND: record 2 does not exist']);
    const bad = capture();
    expect(await runCli(['record', 'x1', '--data-dir', dataDir], bad)).toBe(2);
    expect(bad.err).toEqual(["ecg record: E_VALIDATION: a record id is a whole number from 1, got 'x1'"]);
  });
});
