import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
});
