// The database file as hospital IT finds it: emptied, truncated, not SQLite, changed by another
// app version, locked by another process, and readable by whom. Real files, real SQLite.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { databasePath, existingDatabase } from '../engine/data-dir';
import { Engine } from '../engine/engine';
import { recordContentHash } from '../engine/record-hash';
import { asMillivolts, type EcgRecord } from '../formats/record';
import { createSigningKey, signingKeyPath } from '../train/package/keys';
import { AuditLog } from './audit';
import { openDatabase } from './database';
import { tightenDataFolder } from '../storage/tighten-modes';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const posix = process.platform !== 'win32';

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'einthoven-dbfile-'));
}

/** A closed database with a few audit entries, its WAL folded in (one file, as a copy or a backup has it). */
function populated(): string {
  const file = path.join(tempDir(), 'einthoven.sqlite');
  const { db } = openDatabase(file);
  const audit = new AuditLog(db);
  for (let i = 0; i < 200; i++) audit.append('user', 'record.viewed', `record:${i}`, { padding: 'x'.repeat(200) });
  db.close();
  return file;
}

const modeOf = (file: string) => statSync(file).mode & 0o777;

/** An engine on `dataDir` holding one record with a patient's name and birth date (stored as an import stores it). */
function engineWithRecord(dataDir: string): Engine {
  const engine = new Engine({ dataDir, shell: 'test', policyFile: path.join(dataDir, 'no-policy.json') });
  const record: EcgRecord = {
    fs: 500,
    nSamples: 4,
    leads: [{ name: 'I', derived: false, samples: asMillivolts(Float32Array.from([0.1, -0.2, 0.3, 0])) }],
    missingLeads: [],
    patient: { id: 'P-1', name: 'Modecheck Patient', birthDate: '1950-01-02' },
    statements: [],
    source: { format: 'muse-xml' },
    warnings: [],
  };
  const hash = recordContentHash(record);
  const id = engine.records.insert(record, hash, 'upload/a.xml');
  engine.audit.append('system', 'record.imported', `record:${id}`, { files: ['upload/a.xml'], format: 'muse-xml', contentHash: hash, identityHmac: engine.records.identityHmac(id) });
  return engine;
}

describe('a database file that was lost, damaged or replaced', () => {
  it('refuses a 0-byte database instead of migrating it into a new, empty one: engine, CLI check and read-only open alike', () => {
    const dataDir = tempDir();
    const file = databasePath(dataDir);
    writeFileSync(file, '');
    const refusal = /einthoven\.sqlite is empty \(0 bytes\): the database was lost or truncated; restore a backup \(ecg backup --restore\)/;
    expect(() => existingDatabase(dataDir)).toThrow(refusal);
    expect(() => openDatabase(file)).toThrow(refusal);
    expect(() => openDatabase(file, undefined, { readonly: true })).toThrow(refusal);
    expect(() => new Engine({ dataDir, shell: 'test' })).toThrow(expect.objectContaining({ code: 'E_IO', message: expect.stringMatching(refusal) }));
    expect(statSync(file).size).toBe(0); // nothing was written into it
  });

  it('refuses a folder in the place of the database or its write-ahead log, naming it, and leaves its mode as it was', () => {
    for (const name of ['einthoven.sqlite', 'einthoven.sqlite-wal']) {
      const dataDir = tempDir();
      const folder = path.join(dataDir, name);
      mkdirSync(folder);
      chmodSync(folder, 0o755);
      const refusal = expect.objectContaining({ code: 'E_IO', message: expect.stringContaining(`${folder} is not a regular file (a folder, device, pipe or socket) where the database belongs`) });
      expect(() => openDatabase(databasePath(dataDir))).toThrow(refusal);
      expect(() => new Engine({ dataDir, shell: 'test' })).toThrow(refusal);
      if (posix) {
        // What the app tightens as it opens the folder: not the folder in the database's place.
        const tightening = tightenDataFolder(dataDir);
        expect(tightening.failed).toEqual([{ path: folder, error: expect.stringContaining('not a regular file') }]);
        expect(statSync(folder).mode & 0o777).toBe(0o755);
      }
    }
  });

  it('still creates the database of a new install, whole (never seen at 0 bytes) and with no temporary file left', () => {
    const dataDir = path.join(tempDir(), 'new-install');
    const { db, previousVersion } = openDatabase(databasePath(dataDir));
    expect(previousVersion).toBe(0);
    db.close();
    expect(readdirSync(dataDir).filter((name) => !name.startsWith('einthoven.sqlite'))).toEqual([]);
    expect(openDatabase(databasePath(dataDir)).previousVersion).toBeGreaterThan(0);
  });

  it('names the file and says to restore a backup for a truncated file and one that is not SQLite', () => {
    const truncated = populated();
    truncateSync(truncated, Math.floor(statSync(truncated).size / 2));
    const notSqlite = path.join(tempDir(), 'einthoven.sqlite');
    writeFileSync(notSqlite, 'these are not the bytes of a SQLite database, but of a text file\n'.repeat(100));
    for (const [file, what] of [
      [truncated, 'is damaged'],
      [notSqlite, 'is not a database'],
    ] as const) {
      const opened = () => {
        const { db } = openDatabase(file);
        try {
          db.pragma('integrity_check');
        } finally {
          db.close();
        }
      };
      expect(opened).toThrow(expect.objectContaining({ code: 'E_IO', message: expect.stringContaining(`${file} ${what}`) }));
      expect(opened).toThrow(/restore a backup \(ecg backup --restore\)/);
    }
  });
});

describe('a database changed by another version of the app', () => {
  it('refuses applied migrations this app does not know, in a gap below its newest, naming them', () => {
    const file = populated();
    const { db } = openDatabase(file);
    const known = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
    const newest = Math.max(...known);
    const gap = Array.from({ length: newest }, (_, k) => k + 1).find((v) => !known.has(v));
    expect(gap).toBeDefined(); // the project's numbering has one (no migration 8)
    db.prepare("INSERT INTO schema_migrations VALUES (?, 'a-newer-app-s-migration', datetime())").run(gap);
    db.close();
    const refusal = new RegExp(`holds migration ${gap} \\(a-newer-app-s-migration\\) that this app does not know`);
    expect(() => openDatabase(file)).toThrow(refusal);
    expect(() => openDatabase(file, undefined, { readonly: true })).toThrow(refusal);
  });
});

/** Another process holding a write transaction on `file` for `ms`, as the app or a second ecg does (its exit wrapped: a returned promise would be awaited). */
async function holdWriteLock(file: string, ms: number): Promise<{ exited: Promise<number | null> }> {
  const script = `const db = require('better-sqlite3')(${JSON.stringify(file)}); db.exec('BEGIN IMMEDIATE'); console.log('held'); setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${ms});`;
  const child = spawn(process.execPath, ['-e', script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('held') && resolve());
    child.on('exit', (code) => reject(new Error(`the writer exited (${code}) before holding its lock`)));
  });
  return { exited };
}

describe('another process writing', () => {
  it('a writer waits for another process that holds the write lock briefly, instead of failing at once', async () => {
    const file = populated();
    const { exited } = await holdWriteLock(file, 1500);
    const started = Date.now();
    const { db } = openDatabase(file);
    new AuditLog(db).append('user', 'record.viewed', 'record:1');
    expect(Date.now() - started).toBeGreaterThan(1000);
    db.close();
    expect(await exited).toBe(0);
  }, 20_000);
});

describe.runIf(posix)('permissions of patient data (POSIX)', () => {
  it('a new data folder is owner-only (0700), the database and its WAL and index 0600, whatever the umask', () => {
    const dataDir = path.join(tempDir(), 'data');
    const previous = process.umask(0o022);
    try {
      const { db } = openDatabase(databasePath(dataDir));
      new AuditLog(db).append('user', 'record.viewed', 'record:1');
      expect(modeOf(dataDir)).toBe(0o700);
      for (const suffix of ['', '-wal', '-shm']) expect([suffix, modeOf(`${databasePath(dataDir)}${suffix}`)]).toEqual([suffix, 0o600]);
      db.close();
    } finally {
      process.umask(previous);
    }
  });

  it("a folder IT shares with the readers' group (group-writable) gives the database to that group too, never to others", () => {
    const shared = path.join(tempDir(), 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o2770);
    openDatabase(databasePath(shared)).db.close();
    expect(modeOf(shared)).toBe(0o770); // IT's folder keeps its mode
    expect(modeOf(databasePath(shared))).toBe(0o660);
  });

  it('exports/ (an identified export, the audit anchor) and keys/ (the signing key) are owner-only too, whatever the umask', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const previous = process.umask(0o022);
    try {
      const engine = engineWithRecord(dataDir);
      try {
        const exported = await engine.handle('records:export', { id: 1, format: 'wfdb', deidentify: false });
        if (!exported.ok) throw new Error(exported.error.message);
        const anchor = await engine.handle('audit:export-anchor', {});
        if (!anchor.ok) throw new Error(anchor.error.message);
        const exports = path.join(dataDir, 'exports');
        // Identified: the name and birth date are in the header, which is why its mode matters.
        expect(readFileSync(path.join(exports, 'record-1.hea'), 'utf8')).toMatch(/Modecheck Patient[\s\S]*1950-01-02/);
        expect(modeOf(exports)).toBe(0o700);
        for (const file of ['record-1.hea', 'record-1.dat', path.basename((anchor.value as { file: string }).file)]) expect([file, modeOf(path.join(exports, file))]).toEqual([file, 0o600]);
      } finally {
        await engine.close();
      }
      await createSigningKey(dataDir, 'Cardiology');
      expect(modeOf(path.join(dataDir, 'keys'))).toBe(0o700);
      expect(modeOf(signingKeyPath(dataDir))).toBe(0o600);
    } finally {
      process.umask(previous);
    }
  });

  it("in a folder IT shares with the readers' group, exports/ and its files go to that group too, the signing key stays its owner's", async () => {
    const shared = path.join(tempDir(), 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o2770);
    const previous = process.umask(0o022);
    try {
      const engine = engineWithRecord(shared);
      try {
        const exported = await engine.handle('records:export', { id: 1, format: 'csv', deidentify: false });
        if (!exported.ok) throw new Error(exported.error.message);
      } finally {
        await engine.close();
      }
      expect(modeOf(path.join(shared, 'exports'))).toBe(0o770);
      expect(modeOf(path.join(shared, 'exports', 'record-1.csv'))).toBe(0o660);
      await createSigningKey(shared, 'Cardiology');
      expect(modeOf(path.join(shared, 'keys'))).toBe(0o770);
      expect(modeOf(signingKeyPath(shared))).toBe(0o600);
    } finally {
      process.umask(previous);
    }
  });

  it('an existing database keeps the mode it has (the app does not change what IT set)', () => {
    const file = populated();
    chmodSync(file, 0o640);
    openDatabase(file).db.close();
    expect(modeOf(file)).toBe(0o640);
  });
});
