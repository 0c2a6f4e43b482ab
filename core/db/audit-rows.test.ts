import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { JobFinished } from '../contract/channels';
import type { RecordDetail } from '../contract/schemas';
import type { RecordMeasurements } from '../contract/viewer-schemas';
import { databasePath } from '../engine/data-dir';
import { Engine } from '../engine/engine';
import { AuditLog } from './audit';
import { entryHash, type AuditVerification, type ChainedRow } from './audit-chain';
import { describeFinding, rowsSummary } from './audit-rows-text';
import { openDatabase } from './database';
import { migrations } from './migrations/index';

// `AuditLog.verify` comparing the stored rows with the trail, on a data folder made by the real engine
// (bundled PTB-XL 00001/00008 CC BY 4.0, the synthetic MUSE fixture, the bundled starter model), each
// tamper done on a copy with another SQLite connection, as the auditor's scripts did.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ptbxl = (name: string) => ({ name: `upload/${name}`, bytes: new Uint8Array(readFileSync(path.join(repoRoot, 'resources', 'samples', 'ptbxl', name))) });
const muse = { name: 'upload/muse.xml', bytes: new Uint8Array(readFileSync(path.join(repoRoot, 'core', 'test', 'fixtures', 'formats', 'muse', 'synthetic-latin1.xml'))) };
const starterModelId = (JSON.parse(readFileSync(path.join(repoRoot, 'resources', 'models', 'starter', 'manifest.json'), 'utf8')) as { id: string }).id;

let populated: string;

async function value<T>(engine: Engine, channel: string, request: object): Promise<T> {
  const result = await engine.handle(channel, request);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.value as T;
}

async function imported(engine: Engine, files: { name: string; bytes: Uint8Array }[]): Promise<void> {
  const { jobId } = await value<{ jobId: string }>(engine, 'records:import', { files });
  await new Promise<void>((resolve) => {
    const off = engine.onEvent((event, payload) => event === 'jobs:finished' && (payload as JobFinished).jobId === jobId && (off(), resolve()));
  });
}

/** ms from the median beat's R where the program put the T wave's end. */
function tEndMs(m: RecordMeasurements): number {
  const beat = m.medianBeat;
  const index = beat?.fiducials.tEnd;
  if (!beat || index === null || index === undefined) throw new Error('no T end on the median beat');
  return ((index - beat.pre) * 1000) / m.fs;
}

/**
 * Records 1–3 imported; record 1 predicted, signed and amended, with a note and a retracted one,
 * its T end corrected and taken back, and PE scores entered; record 2 signed; record 3 signed, then removed.
 */
beforeAll(async () => {
  populated = mkdtempSync(path.join(os.tmpdir(), 'einthoven-rows-'));
  const engine = new Engine({ dataDir: populated, shell: 'test', resourcesDir: path.join(repoRoot, 'resources'), policyFile: path.join(populated, 'no-policy.json') });
  try {
    await imported(engine, [ptbxl('00001_hr.hea'), ptbxl('00001_hr.dat')]);
    await imported(engine, [muse]);
    await imported(engine, [ptbxl('00008_hr.hea'), ptbxl('00008_hr.dat')]);
    await value(engine, 'models:predict', { modelId: starterModelId, recordId: 1 });
    const reading = await value<{ id: number }>(engine, 'overreads:confirm', { recordId: 1, codes: ['SR'], freeText: ['borderline'], note: 'first look', reader: 'Dr. A', predictionId: 1, agreement: 'partly' });
    await value(engine, 'overreads:confirm', { recordId: 1, codes: ['IMI'], note: 'on review', reader: 'Dr. B', supersedes: reading.id });
    await value(engine, 'overreads:confirm', { recordId: 2, codes: ['NORM'], reader: 'Dr. A' });
    await value(engine, 'notes:add', { recordId: 1, atS: 1.5, lead: 'V2', text: 'ST elevation here?', author: 'Dr. A' });
    const retracted = await value<{ id: number }>(engine, 'notes:add', { recordId: 1, atS: 2, text: 'artefact', author: 'Dr. A' });
    await value(engine, 'notes:retract', { recordId: 1, noteId: retracted.id, author: 'Dr. B' });
    const program = await value<RecordMeasurements>(engine, 'records:measure', { id: 1 });
    const corrected = await value<RecordMeasurements>(engine, 'records:correct-fiducials', { id: 1, boundaries: { tEnd: tEndMs(program) + 20 }, reader: 'Dr. A', note: 'T ends later in V3' });
    await value(engine, 'records:correct-fiducials', { id: 1, boundaries: {}, reader: 'Dr. B', supersedes: corrected.correction?.id });
    await value(engine, 'pe:assess', { recordId: 1, items: { ageYears: 70, heartRateBpm: 110, dvtSigns: true }, heartRateSource: 'entered', assessor: 'Dr. E', note: 'ED triage' });
    await value(engine, 'overreads:confirm', { recordId: 3, codes: ['NORM'], reader: 'Dr. A' });
    const third = await value<RecordDetail>(engine, 'records:get', { id: 3 });
    await value(engine, 'records:remove', { id: 3, contentHash: third.contentHash, reason: 'filed under the wrong patient' });
  } finally {
    await engine.close();
  }
}, 120_000);

/** A copy of the populated folder (or of `source`) with `tamper` run on it through a connection of its own, then verified read-only. */
function verifiedAfter(tamper: (db: Database.Database) => void, source = populated): AuditVerification {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-rows-tampered-'));
  cpSync(source, dir, { recursive: true });
  const raw = new Database(databasePath(dir));
  try {
    tamper(raw);
  } finally {
    raw.close();
  }
  const { db } = openDatabase(databasePath(dir), undefined, { readonly: true });
  try {
    return new AuditLog(db).verify();
  } finally {
    db.close();
  }
}

const findings = (v: AuditVerification): string[] => (v.rows?.findings ?? []).map(describeFinding);

/** Drops the guard, as anyone editing the file with another SQLite tool must. */
const unguarded = (db: Database.Database, trigger: string, sql: string) => db.exec(`DROP TRIGGER ${trigger}; ${sql}`);

describe('audit --verify compares the stored rows with the trail', () => {
  it('verifies clean after import, predict, sign, amend, note, retract and remove, and says what it compared', () => {
    const v = verifiedAfter(() => undefined);
    expect(findings(v)).toEqual([]);
    expect(v).toMatchObject({ ok: true, problem: null, rows: { records: 2, removed: 1, readings: 3, predictions: 1, notes: 3, corrections: 2, peAssessments: 1, guardsPending: false } });
    expect(rowsSummary(v.rows!)).toMatch(/^2 records, 3 readings, 1 prediction, 3 notes, 2 fiducial corrections, 1 PE assessment match their entries, 1 removed record audited; \d+ guard triggers in place$/);
  });

  it("refuses in-place edits of records and signals, and deletes of a record's readings, predictions and notes while it is on file", () => {
    verifiedAfter((db) => {
      expect(() => db.prepare("UPDATE records SET patient_id = 'OTHER1' WHERE id = 2").run()).toThrow(/records are immutable/);
      expect(() => db.prepare('UPDATE record_signals SET data = zeroblob(8) WHERE record_id = 1').run()).toThrow(/record signals are immutable/);
      expect(() => db.prepare('DELETE FROM record_signals WHERE record_id = 1').run()).toThrow(/go only with their record/);
      expect(() => db.prepare('DELETE FROM overreads WHERE id = 2').run()).toThrow(/readings go only with their record/);
      expect(() => db.prepare('DELETE FROM predictions WHERE id = 1').run()).toThrow(/predictions go only with their record/);
      expect(() => db.prepare('DELETE FROM tracing_notes WHERE id = 1').run()).toThrow(/tracing notes go only with their record/);
      expect(() => db.prepare("UPDATE fiducial_corrections SET note = 'x' WHERE id = 1").run()).toThrow(/fiducial corrections are immutable/);
      expect(() => db.prepare('DELETE FROM pe_assessments WHERE id = 1').run()).toThrow(/PE assessments go only with their record/);
    });
  });

  it.each([
    ['a signed reading’s statements', (db: Database.Database) => unguarded(db, 'overreads_no_update', `UPDATE overreads SET statements = '[{"code":"NORM","text":"normal ECG"}]' WHERE id = 2`), /^overreads 2 \(record 1\): statements \["NORM"\] on file, entry \d+ recorded \["IMI"\]$/],
    ['a signed reading’s note', (db: Database.Database) => unguarded(db, 'overreads_no_update', "UPDATE overreads SET note = 'edited' WHERE id = 1"), /^overreads 1 \(record 1\): note, statements or time differ from what entry \d+ recorded/],
    ['a signed reading’s reader', (db: Database.Database) => unguarded(db, 'overreads_no_update', "UPDATE overreads SET reader = 'Dr Mallory' WHERE id = 1"), /^overreads 1 \(record 1\): reader "Dr Mallory" on file, entry \d+ recorded "Dr. A"$/],
    ['a deleted reading', (db: Database.Database) => unguarded(db, 'overreads_no_delete', 'DELETE FROM overreads WHERE id = 3'), /^overreads 3 \(record 2\): entry \d+ \(record.confirmed\) recorded overreads 3, which is no longer on file while record 2 is: deleted$/],
    ['prediction probabilities', (db: Database.Database) => unguarded(db, 'predictions_no_update', "UPDATE predictions SET probabilities = replace(probabilities, '0.', '0.9') WHERE id = 1"), /^predictions 1 \(record 1\): probabilities, decisions, thresholds or quality differ/],
    ['a deleted prediction', (db: Database.Database) => db.exec('PRAGMA foreign_keys = OFF; DROP TRIGGER predictions_no_delete; DELETE FROM predictions WHERE id = 1'), /^predictions 1 \(record 1\): entry \d+ \(record.predicted\) recorded predictions 1, which is no longer on file/],
    ['a tracing note’s text', (db: Database.Database) => unguarded(db, 'tracing_notes_no_update', "UPDATE tracing_notes SET text = 'edited note' WHERE id = 1"), /^tracing_notes 1 \(record 1\): text, time or lead differ/],
    ['a record’s patient id and name', (db: Database.Database) => unguarded(db, 'records_no_update', "UPDATE records SET patient_id = 'OTHER1', patient_name = 'Someone Else' WHERE id = 2"), /^records record 2: patient identity or import fields differ from what entry \d+ recorded/],
    ['a fiducial correction’s note', (db: Database.Database) => unguarded(db, 'fiducial_corrections_no_update', "UPDATE fiducial_corrections SET note = 'edited' WHERE id = 1"), /^fiducial_corrections 1 \(record 1\): note, boundaries, beat edits or time differ from what entry \d+ recorded/],
    ['a fiducial correction’s boundaries', (db: Database.Database) => unguarded(db, 'fiducial_corrections_no_update', `UPDATE fiducial_corrections SET boundaries = '{"tEnd":400}' WHERE id = 1`), /^fiducial_corrections 1 \(record 1\): boundaries \{"tEnd":400\} on file, entry \d+ recorded \{"tEnd":[\d.]+\}$/],
    ['a fiducial correction’s reader', (db: Database.Database) => unguarded(db, 'fiducial_corrections_no_update', "UPDATE fiducial_corrections SET reader = 'Dr Mallory' WHERE id = 2"), /^fiducial_corrections 2 \(record 1\): reader "Dr Mallory" on file, entry \d+ recorded "Dr. B"$/],
    ['a deleted fiducial correction', (db: Database.Database) => unguarded(db, 'fiducial_corrections_no_delete', 'DELETE FROM fiducial_corrections WHERE id = 2'), /^fiducial_corrections 2 \(record 1\): entry \d+ \(measurements.fiducials.reverted\) recorded fiducial_corrections 2, which is no longer on file while record 1 is: deleted$/],
    ['PE score items', (db: Database.Database) => unguarded(db, 'pe_assessments_no_update', `UPDATE pe_assessments SET items = '{"ageYears":40,"heartRateBpm":110,"dvtSigns":true}' WHERE id = 1`), /^pe_assessments 1 \(record 1\): items \{"ageYears":40,"heartRateBpm":110,"dvtSigns":true\} on file, entry \d+ recorded \{"ageYears":70,/],
    ['PE scores', (db: Database.Database) => unguarded(db, 'pe_assessments_no_update', "UPDATE pe_assessments SET scores = '[]' WHERE id = 1"), /^pe_assessments 1 \(record 1\): scores \{\} on file, entry \d+ recorded \{"wells":/],
    ['a PE entry’s note', (db: Database.Database) => unguarded(db, 'pe_assessments_no_update', "UPDATE pe_assessments SET note = 'edited' WHERE id = 1"), /^pe_assessments 1 \(record 1\): note, items, scores or time differ from what entry \d+ recorded/],
    ['a PE entry’s heart-rate source', (db: Database.Database) => unguarded(db, 'pe_assessments_no_update', "UPDATE pe_assessments SET heart_rate_source = 'ecg' WHERE id = 1"), /^pe_assessments 1 \(record 1\): heart-rate source "ecg" on file, entry \d+ recorded "entered"$/],
    ['a deleted PE entry', (db: Database.Database) => unguarded(db, 'pe_assessments_no_delete', 'DELETE FROM pe_assessments WHERE id = 1'), /^pe_assessments 1 \(record 1\): entry \d+ \(pe.scores.entered\) recorded pe_assessments 1, which is no longer on file while record 1 is: deleted$/],
    ['a record’s samples', (db: Database.Database) => unguarded(db, 'record_signals_no_update', 'UPDATE record_signals SET data = zeroblob(length(data)) WHERE record_id = 1'), /^record_signals record 1: signal: the samples hash to \w{12}, not to the record's content hash/],
  ])('finds %s changed in the database file, naming the row and what differs', (_, tamper, expected) => {
    const v = verifiedAfter(tamper);
    expect(v.ok).toBe(false);
    expect(v.problem).toBeNull();
    expect(findings(v)).toContainEqual(expect.stringMatching(expected));
    // The dropped trigger is a finding of its own, even where the row's edit could not be seen.
    expect(findings(v)).toContainEqual(expect.stringMatching(/: trigger \w+ is missing/));
  });

  it('finds a fiducial correction and a PE entry added without an entry (no trigger stands in the way of an INSERT)', () => {
    const v = verifiedAfter((db) =>
      db.exec(`INSERT INTO fiducial_corrections (record_id, boundaries, beats, reader, note, supersedes, corrected_at) VALUES (2, '{"tEnd":420}', '{"added":[],"removed":[]}', 'Dr. X', '', NULL, '2026-12-07T10:00:00.000Z');
        INSERT INTO pe_assessments (record_id, items, scores, assessor, note, supersedes, entered_at) VALUES (2, '{"ageYears":80}', '[]', 'Dr. X', '', NULL, '2026-12-07T10:00:00.000Z')`),
    );
    expect(v.ok).toBe(false);
    expect(findings(v)).toEqual([
      'fiducial_corrections 3 (record 2): no measurements.fiducials.corrected or measurements.fiducials.reverted entry in the trail',
      'pe_assessments 2 (record 2): no pe.scores.entered or pe.scores.corrected entry in the trail',
    ]);
  });

  it('finds a guard put back without its RAISE (same name, no effect)', () => {
    const v = verifiedAfter((db) => db.exec('DROP TRIGGER records_no_update; CREATE TRIGGER records_no_update BEFORE UPDATE ON records BEGIN SELECT 1; END'));
    expect(findings(v)).toEqual(['records: trigger records_no_update is not the one its migration created (its text was replaced)']);
  });

  it('finds every record, reading, prediction and note without an entry when the trail is emptied', () => {
    const v = verifiedAfter((db) => db.exec('DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log'));
    expect(v).toMatchObject({ ok: false, entries: 0 });
    expect(findings(v)).toEqual(
      expect.arrayContaining([
        'records record 1: no record.imported entry in the trail',
        'records record 2: no record.imported entry in the trail',
        'overreads 1 (record 1): no record.confirmed or record.amended entry in the trail',
        'predictions 1 (record 1): no record.predicted entry in the trail',
        'tracing_notes 1 (record 1): no record.note.added or record.note.retracted entry in the trail',
        'audit_log: trigger audit_log_no_delete is missing: rows of audit_log could be changed without a trace in the trail',
      ]),
    );
  });

  it('finds a record deleted without a record.removed entry', () => {
    const v = verifiedAfter((db) => db.exec('DELETE FROM records WHERE id = 2'));
    expect(findings(v)).toEqual([expect.stringMatching(/^records record 2: entry \d+ recorded its import, but it is not on file and no record.removed entry says it was removed$/)]);
  });

  it('names entry 1 when its hash is removed, not the entry after it', () => {
    const v = verifiedAfter((db) => db.exec('DROP TRIGGER audit_log_no_update; UPDATE audit_log SET hash = NULL, prev_hash = NULL WHERE id = 1'));
    expect(v.problem).toEqual({ id: 1, reason: expect.stringMatching(/^has no hash, but entry 2 after it links to \w{12}: its hash was removed \(the entry was altered\)$/) });
  });
});

/**
 * The populated folder as a version before migration 17 left it: created by migrations 1–16 only
 * (no guards of 17, none of its schema objects), holding the same rows, and a trail of the same
 * entries without the digests that version did not write, chained as it chained them.
 */
function asSchema16(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-rows-schema16-'));
  openDatabase(databasePath(dir), migrations.filter((m) => m.version <= 16)).db.close();
  const db = new Database(databasePath(dir));
  try {
    db.prepare('ATTACH ? AS src').run(databasePath(populated));
    const tables = db.prepare("SELECT name FROM src.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('schema_migrations', 'audit_log')").pluck().all() as string[];
    const entries = db.prepare('SELECT * FROM src.audit_log ORDER BY id').all() as ChainedRow[];
    const insert = db.prepare('INSERT INTO audit_log (id, at, actor, action, subject, details, prev_hash, hash, os_account, reader) VALUES (@id, @at, @actor, @action, @subject, @details, @prev_hash, @hash, @os_account, @reader)');
    db.transaction(() => {
      // The columns schema 16 has: later migrations' columns (pe_assessments.heart_rate_source) are left behind.
      for (const table of tables) {
        const columns = (db.prepare(`SELECT name FROM pragma_table_info('${table}')`).pluck().all() as string[]).map((c) => `"${c}"`).join(', ');
        db.exec(`INSERT INTO main."${table}" (${columns}) SELECT ${columns} FROM src."${table}"`);
      }
      let previous: string | null = null;
      for (const entry of entries) {
        const { storedSha256: _digest, identityHmac: _hmac, heartRateSource: _source, ...details } = JSON.parse(entry.details) as Record<string, unknown>;
        const row = { ...entry, details: JSON.stringify(details), prev_hash: previous };
        previous = entryHash(row);
        insert.run({ ...row, hash: previous });
      }
    })();
  } finally {
    db.close();
  }
  return dir;
}

describe('audit --verify does not take the record of applied migrations on trust', () => {
  const lowered = 'DELETE FROM schema_migrations WHERE version = 17; PRAGMA user_version = 16';
  const unrecorded = /^schema_migrations: migration 17 \(clinical-rows-guarded\) is not recorded as applied, yet /;

  it('finds schema_migrations lowered below 17 to pass a dropped guard off as a database not yet upgraded, and reports the guard', () => {
    const v = verifiedAfter((db) => db.exec(`DROP TRIGGER records_no_update; ${lowered}`));
    expect(v.ok).toBe(false);
    expect(v.rows?.guardsPending).toBe(false);
    expect(findings(v)).toEqual([
      expect.stringMatching(/^schema_migrations: migration 17 \(clinical-rows-guarded\) is not recorded as applied, yet 10 of its 11 schema objects are in the database \(index audit_log_action_subject, trigger \w+, trigger \w+ and 7 more\); entry 1 of the trail holds a row digest, which only a version that applied it writes: the record of applied migrations was edited \(its guards are checked as applied\)$/),
      'records: trigger records_no_update is missing: rows of records could be changed without a trace in the trail',
    ]);
  });

  it('finds it from the trail alone when every object of migration 17 was dropped too, and reports each guard missing', () => {
    const v = verifiedAfter((db) => {
      // Exactly migration 17's triggers and index: the guards older migrations created stay.
      const sql = migrations.find((m) => m.version === 17)?.sql ?? '';
      for (const [, type, name] of sql.matchAll(/CREATE (TRIGGER|INDEX) (?:IF NOT EXISTS )?(\w+)/g)) db.exec(`DROP ${type ?? ''} ${name ?? ''}`);
      db.exec(lowered);
    });
    expect(findings(v)).toContainEqual(expect.stringMatching(new RegExp(`${unrecorded.source}entry 1 of the trail holds a row digest, which only a version that applied it writes: the record`)));
    expect(findings(v).filter((f) => / is missing: /.test(f))).toHaveLength(10);
    expect(findings(v)).toHaveLength(11);
  });

  it('names user_version when it still says 17', () => {
    // As a version whose newest migration was 17 left user_version; a later one moves it on.
    const v = verifiedAfter((db) => db.exec('DELETE FROM schema_migrations WHERE version = 17; PRAGMA user_version = 17'));
    expect(findings(v)).toEqual([expect.stringMatching(/; user_version says 17; entry 1 of the trail/)]);
  });

  it('takes a database that a version before migration 17 left for what it is: no guards of 17 expected, no contradiction', () => {
    const v = verifiedAfter(() => undefined, asSchema16());
    expect(findings(v)).toEqual([]);
    expect(v).toMatchObject({ ok: true, problem: null, rows: { guardsPending: true, unrecorded: [] } });
  });
});

describe('a database that predates the clinical rows\' guards (schema 16, opened read-only by verify)', () => {
  const summary16 = (guards: number) =>
    `0 records, 3 readings, 1 prediction, 3 notes, 2 fiducial corrections, 1 PE assessment match their entries, 1 removed record audited; ` +
    `2 records agree with their entries only in samples, content hash, format and source file (their patient identity and import fields: no digest in the entries, no guard); ` +
    `${guards} guard triggers in place; not yet guarded, as this database predates migration 17 (the app adds the guards when it next opens the folder): ` +
    'UPDATE of records, record_signals and record_device_measurements; DELETE of record_signals, record_device_measurements, overreads, predictions, tracing_notes, fiducial_corrections and pe_assessments';

  it('names each guard not yet there, and does not say records match where neither a digest nor a guard covers their patient fields', () => {
    const v = verifiedAfter(() => undefined, asSchema16());
    expect(v.rows).toMatchObject({ records: 0, partly: { records: 2 }, readings: 3, predictions: 1, notes: 3, corrections: 2, peAssessments: 1, guardsPending: true });
    expect(rowsSummary(v.rows!)).toBe(summary16(v.rows!.guards));
  });

  it('is right to: a patient name changed there is found by nothing, and the summary still says so', () => {
    const v = verifiedAfter((db) => db.exec("UPDATE records SET patient_name = 'Someone Else' WHERE id = 2"), asSchema16());
    expect(v).toMatchObject({ ok: true, rows: { findings: [], partly: { records: 2 } } });
    expect(rowsSummary(v.rows!)).toBe(summary16(v.rows!.guards));
  });

  it('says one row that agrees only in part, and one guard trigger, in the singular, where it said "1 record agree with their entries" and "1 guard triggers"', () => {
    const rows = verifiedAfter(() => undefined, asSchema16()).rows!;
    const summary = rowsSummary({ ...rows, partly: { records: 1 }, guards: 1 });
    expect(summary).toContain('; 1 record agrees with its entries only in samples, content hash, format and source file (its patient identity and import fields: no digest in the entries, no guard); ');
    expect(summary).toContain('; 1 guard trigger in place; ');
  });

  it('counts the rows whose entries hold digests as matching, guards or not', () => {
    expect(verifiedAfter(() => undefined).rows).toMatchObject({ records: 2, partly: {}, pendingGuards: [] });
  });
});

