import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { EinthovenError } from '../errors';
import { migrations } from './migrations/index';
import type { Migration } from './migrations/types';

export type Db = Database.Database;

export interface OpenedDatabase {
  db: Db;
  /** user_version before migrations ran; 0 means the file was created now. */
  previousVersion: number;
}

/** Opens (creating if needed) the database file, sets pragmas and applies pending migrations. */
export function openDatabase(file: string, list: readonly Migration[] = migrations): OpenedDatabase {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const previousVersion = userVersion(db);
  const latest = list.at(-1)?.version ?? 0;
  if (previousVersion > latest) {
    db.close();
    throw new EinthovenError(
      'E_IO',
      `database ${file} has schema version ${previousVersion}, newer than this app (${latest}); refusing to open it`,
    );
  }
  applyMigrations(db, list, previousVersion);
  return { db, previousVersion };
}

function userVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Each migration runs in its own transaction together with its user_version bump. */
function applyMigrations(db: Db, list: readonly Migration[], from: number): void {
  for (const migration of list) {
    if (migration.version <= from) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      // PRAGMA takes no bound parameters; the version is an integer from our own code.
      db.pragma(`user_version = ${Math.trunc(migration.version)}`);
    })();
  }
}
