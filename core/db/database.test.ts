import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AuditLog } from './audit';
import { openDatabase } from './database';
import { migrations } from './migrations/index';
import type { Migration } from './migrations/types';

function tempDbFile(): string {
  return path.join(mkdtempSync(path.join(os.tmpdir(), 'einthoven-db-')), 'test.sqlite');
}

describe('database', () => {
  it('creates the schema, tracks it in user_version and uses WAL', () => {
    const { db, previousVersion } = openDatabase(tempDbFile());
    expect(previousVersion).toBe(0);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.at(-1)?.version);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('zeroes what a delete frees, on a new database and on one opened again', () => {
    const file = tempDbFile();
    const created = openDatabase(file);
    expect(created.db.pragma('secure_delete', { simple: true })).toBe(1);
    created.db.exec("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('Leftovername' || hex(randomblob(4)))");
    created.db.close();
    const { db } = openDatabase(file);
    expect(db.pragma('secure_delete', { simple: true })).toBe(1);
    db.exec('DELETE FROM t');
    db.pragma('wal_checkpoint(TRUNCATE)');
    expect(readFileSync(file).includes('Leftovername')).toBe(false);
    db.close();
  });

  it('does not re-run migrations on reopen', () => {
    const file = tempDbFile();
    openDatabase(file).db.close();
    const { db, previousVersion } = openDatabase(file);
    expect(previousVersion).toBe(migrations.at(-1)?.version);
    db.close();
  });

  it('refuses a database written by a newer app instead of corrupting it', () => {
    const file = tempDbFile();
    const { db } = openDatabase(file);
    db.pragma('user_version = 999');
    db.close();
    expect(() => openDatabase(file)).toThrow(/newer than this app/);
  });

  it("refuses to run a migration again over its own objects when the record of applied migrations was edited, naming the contradiction", () => {
    const file = tempDbFile();
    openDatabase(file).db.close();
    // Someone with write access deletes migration 17's row (the clinical rows' guards) from the record.
    const raw = new Database(file);
    raw.prepare('DELETE FROM schema_migrations WHERE version = 17').run();
    raw.close();
    // It failed on SQLite's "trigger records_no_update already exists", which names no cause.
    expect(() => openDatabase(file)).toThrow(
      expect.objectContaining({ code: 'E_IO', message: expect.stringMatching(/^database .*test\.sqlite: migration 17 \(.+\) is not recorded as applied, yet .*the record of applied migrations was edited.*Refusing to run it again .*ecg audit --verify/) }),
    );
  });

  it('migrates a database made by every earlier version without taking it for one whose record of migrations was edited', () => {
    for (let n = 1; n < migrations.length; n++) {
      const file = tempDbFile();
      openDatabase(file, migrations.slice(0, n)).db.close();
      const { db, previousVersion } = openDatabase(file);
      expect(previousVersion).toBe(migrations[n - 1]?.version);
      expect(db.pragma('user_version', { simple: true })).toBe(migrations.at(-1)?.version);
      db.close();
    }
  });

  it('has STRICT tables that refuse wrongly typed values', () => {
    const { db } = openDatabase(tempDbFile());
    expect(() =>
      db.prepare("INSERT INTO app_state (key, value) VALUES ('k', x'00ff')").run(),
    ).toThrow(/cannot store BLOB value in TEXT column/);
    db.close();
  });

  it('keeps the audit log append-only: UPDATE and DELETE are refused', () => {
    const { db } = openDatabase(tempDbFile());
    const audit = new AuditLog(db);
    audit.append('user', 'record.imported', 'record:1', { files: ['a.hea'] });
    expect(() => db.prepare("UPDATE audit_log SET actor = 'mallory'").run()).toThrow(/append-only: UPDATE refused/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only: DELETE refused/);
    expect(audit.recent()).toMatchObject([{ actor: 'user', action: 'record.imported', details: { files: ['a.hea'] } }]);
    db.close();
  });
});

describe('migrations that land out of order', () => {
  it('applies a migration whose number is below the newest applied one (parallel branches), once', () => {
    const file = tempDbFile();
    const first: Migration[] = [
      { version: 1, name: 'one', sql: 'CREATE TABLE a (x INTEGER) STRICT;' },
      { version: 7, name: 'seven', sql: 'CREATE TABLE c (x INTEGER) STRICT;' },
    ];
    openDatabase(file, first).db.close();
    const later: Migration[] = [first[0]!, { version: 5, name: 'five', sql: 'CREATE TABLE b (x INTEGER) STRICT;' }, first[1]!];
    const { db } = openDatabase(file, later);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('a', 'b', 'c') ORDER BY name").all()).toEqual([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    expect(db.pragma('user_version', { simple: true })).toBe(7);
    expect((db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map((r) => r.version)).toEqual([1, 5, 7]);
    db.close();
    openDatabase(file, later).db.close(); // nothing runs twice
  });

  it('refuses a database another app version migrated past this one while this one waited for the lock (two versions opening one folder at once)', async () => {
    const file = tempDbFile();
    const one: Migration = { version: 1, name: 'one', sql: 'CREATE TABLE a (x INTEGER) STRICT;' };
    const two: Migration = { version: 2, name: 'two', sql: 'CREATE TABLE b (x INTEGER) STRICT;' };
    openDatabase(file, [one]).db.close();
    // The newer version, a real process: it holds the write lock while it applies 2 and its own 3,
    // and commits once this process has read the file (version 1) and is waiting for that lock.
    const newer = `
      const Database = require('better-sqlite3');
      const db = new Database(process.argv[1]);
      db.exec('BEGIN EXCLUSIVE');
      db.exec('CREATE TABLE b (x INTEGER) STRICT; CREATE TABLE c (x INTEGER) STRICT;');
      const now = new Date().toISOString();
      db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (2, 'two', ?), (3, 'three', ?)").run(now, now);
      db.pragma('user_version = 3');
      process.stdout.write('locked\\n');
      setTimeout(() => { db.exec('COMMIT'); db.close(); }, 1500);
    `;
    const child = spawn(process.execPath, ['--input-type=commonjs', '-e', newer, file], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && resolve());
      child.on('error', reject);
      child.on('close', () => reject(new Error('the newer version exited before taking the lock')));
    });
    // This version knows 1 and 2: it read version 1 and had 2 to apply; under the lock the file is at 3.
    expect(() => openDatabase(file, [one, two])).toThrow(expect.objectContaining({ code: 'E_IO', message: expect.stringMatching(/has schema version 3, newer than this app \(2\); refusing to open it$/) }));
    expect(await exited).toBe(0);
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(3);
    raw.close();
  }, 30_000);

  it('two processes opening one new data folder at the same moment both open it (WAL switch retried, not failed)', async () => {
    // Both read the new file and both ask for the lock the WAL switch needs: SQLite refused one
    // at once, busy timeout or not (22 of 40 synchronised races failed with SQLITE_BUSY).
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-open-race-'));
    const files = Array.from({ length: 12 }, (_, k) => path.join(dir, `race-${k}`, 'einthoven.sqlite'));
    const start = Date.now() + 2500; // after both children have loaded
    const child = () =>
      new Promise<string[]>((resolve, reject) => {
        const script = fileURLToPath(new URL('../test/open-database-at.ts', import.meta.url));
        const p = spawn(process.execPath, ['--import', 'tsx', script, String(start), '60', ...files], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        p.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        p.on('error', reject);
        p.on('close', () => resolve(out.trim().split('\n')));
      });
    const [a, b] = await Promise.all([child(), child()]);
    expect([...(a ?? []), ...(b ?? [])]).toEqual(Array(2 * files.length).fill('ok'));
    for (const file of files) {
      const { db } = openDatabase(file);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      db.close();
    }
  }, 30_000);
});
