import Database from 'better-sqlite3';
import { accessSync, chmodSync, constants, copyFileSync, existsSync, linkSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { databaseError, EinthovenError } from '../errors';
import { refuseEmptyDatabase } from './database-file';
import { temporaryName } from '../storage/atomic';
import { makeFilePrivate, makePrivateFolder } from '../storage/private-files';
import { appliedMigrations } from './applied-migrations';
import { migrations } from './migrations/index';
import type { Migration } from './migrations/types';
import { wordFor } from '../contract/counted';
import { makeWalReplayFolder, removeStaleWalReplayFolders } from './wal-replay-folders';

export type Db = Database.Database;

export interface OpenedDatabase {
  db: Db;
  /** user_version before migrations ran; 0 means the file was created now. */
  previousVersion: number;
  /** Opened read-only (archival media, or asked for): reading and verifying work, writing does not. */
  readonly: boolean;
}

export interface OpenOptions {
  /** Never write: no migrations, no journal-mode change, no file created. */
  readonly readonly?: boolean;
}

/**
 * Why the database cannot be written where it lies, in words naming the file or folder; undefined
 * when it can (folder and file writable for this account, not on a read-only mount).
 */
export function notWritableBecause(file: string): string | undefined {
  const folder = path.dirname(file);
  for (const [target, what] of [
    [folder, `its folder ${folder}`],
    [file, `the file`],
  ] as const) {
    if (target === file && !existsSync(file)) continue;
    try {
      accessSync(target, constants.W_OK);
    } catch (error) {
      // EROFS: a read-only mount (archive, DVD) whatever the modes say; else this account lacks the permission.
      return (error as NodeJS.ErrnoException).code === 'EROFS' ? `${what} is on a read-only file system` : `${what} is not writable for this account`;
    }
  }
  return undefined;
}

/**
 * The refusal of a write to `file`, opened read-only: the file, why (notWritableBecause's words)
 * and what still works. One wording for the engine's refusals and the backup's "not audited".
 */
export function notWritableMessage(file: string, because: string = notWritableBecause(file) ?? 'it was opened read-only'): string {
  return `${file} cannot be written: ${because}; reading works (ecg list, ecg record, ecg audit), changes do not`;
}

/**
 * Opens (creating if needed) the database file, sets pragmas and applies pending migrations.
 * A database on read-only media (or opened with readonly) is opened read-only: it can be read
 * and its audit trail verified, never migrated or switched to WAL. SQLite's errors (not a
 * database, damaged, locked, read-only, disk full) come out as typed errors naming the file.
 */
export function openDatabase(file: string, list: readonly Migration[] = migrations, options: OpenOptions = {}): OpenedDatabase {
  try {
    if (file === ':memory:') return openWritable(file, list);
    // Here, where every opener (the app's engine, each CLI command, backups) passes: a replay's copy
    // left by a stopped process is removed at the next start, not only at the next read-only open.
    removeStaleWalReplayFolders();
    refuseEmptyDatabase(file);
    if (options.readonly || (existsSync(file) && notWritableBecause(file) !== undefined)) return openReadOnly(file, list);
    if (!existsSync(file)) createDatabaseFile(file);
    return openWritable(file, list);
  } catch (error) {
    throw databaseError(file, error);
  }
}

function openWritable(file: string, list: readonly Migration[]): OpenedDatabase {
  const db = new Database(file);
  try {
    // Set first, so that a second process opening the same file waits instead of failing.
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    switchToWal(db);
    db.pragma('foreign_keys = ON');
    // Zeroes what every delete frees (cells, pages put on the free list), in the log and the file:
    // off, a page's unused space kept the old bytes of whatever had been there (patient fields
    // included) until the page was reused. Not enough on its own for a removal: record-removal.ts.
    db.pragma('secure_delete = ON');
    const previousVersion = applyMigrations(db, list, file);
    return { db, previousVersion, readonly: false };
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Creates a new database file whole: made under a temporary name (owner-only, in WAL mode, so
 * its header is written) and linked into place, so no process ever sees it at 0 bytes (which
 * refuseEmptyDatabase takes for a lost database). Where two processes create it at once, the
 * second link fails and that process opens the first one's file.
 */
function createDatabaseFile(file: string): void {
  makePrivateFolder(path.dirname(file));
  const temporary = temporaryName(file, 'new');
  try {
    const db = new Database(temporary);
    try {
      makeFilePrivate(temporary); // before the first write; SQLite gives its -wal and -shm the same mode
      db.pragma('journal_mode = WAL');
    } finally {
      db.close();
    }
    linkInPlace(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
}

/** Puts `temporary` at `file` unless a file is already there; a copy where the file system has no hard links (FAT). */
function linkInPlace(temporary: string, file: string): void {
  try {
    linkSync(temporary, file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error;
    try {
      copyFileSync(temporary, file, constants.COPYFILE_EXCL);
    } catch (copyError) {
      if ((copyError as NodeJS.ErrnoException).code !== 'EEXIST') throw copyError;
    }
  }
}

/** How long a process waits for another one's lock before giving up. */
const busyTimeoutMs = 10_000;

/**
 * Switches a new file to WAL. Two processes opening one new data folder at the same moment
 * (two imports started together) both read it under a shared lock and both ask for the
 * exclusive lock the switch needs; SQLite answers one of them SQLITE_BUSY at once, without
 * the busy handler, because waiting could deadlock (its lock is released with the failed
 * statement). That one tries again, within the busy timeout, and by then finds the file in WAL
 * (a synchronised two-process race failed 22 times in 40 before this).
 */
function switchToWal(db: Db): void {
  const deadline = Date.now() + busyTimeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw error;
      sleepSync(Math.min(100, 5 * 2 ** attempt));
    }
  }
}

/** Blocks this thread for `ms` (as SQLite's own busy handler does): opening is synchronous. */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Largest database copied into memory when read-only media leave SQLite no other way to read it. */
const maxInMemoryBytes = 1024 * 1024 * 1024;

function openReadOnly(file: string, list: readonly Migration[]): OpenedDatabase {
  if (!existsSync(file)) throw new EinthovenError('E_NOT_FOUND', `no Einthoven database at ${file}`);
  let db: Db;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    db.prepare('SELECT count(*) FROM sqlite_master').get(); // fails here, not later, if the file cannot be read
  } catch (error) {
    // Only SQLite's want of a -shm file on read-only media is helped by a copy; a damaged file is not.
    if (notADatabase(error)) throw error;
    db = openInMemoryCopy(file, error);
  }
  const version = userVersion(db);
  try {
    checkNotNewer(version, list, file);
    checkKnownMigrations(db, list, file);
  } catch (error) {
    db.close();
    throw error;
  }
  return { db, previousVersion: version, readonly: true };
}

function notADatabase(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT'));
}

/**
 * A WAL-mode database on read-only media (a DVD, a read-only mount) cannot be opened in place:
 * SQLite needs to create its -shm index beside it. Reading a copy in memory, switched to the
 * rollback journal in the copy's header (bytes 18–19), works for verifying and reading.
 */
function openInMemoryCopy(file: string, cause: unknown): Db {
  try {
    const bytes = existsSync(`${file}-wal`) ? withWalReplayed(file) : readWhole(file, statSync(file).size);
    if (bytes.length >= 20 && bytes[18] === 2) bytes.fill(1, 18, 20);
    return new Database(bytes, { readonly: true });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new EinthovenError('E_IO', `cannot open ${file} read-only (${cause instanceof Error ? cause.message : String(cause)}; ${why})`, { cause: error });
  }
}

function readWhole(file: string, size: number): Buffer {
  if (size > maxInMemoryBytes) throw new Error('too large to read into memory; copy the data folder to writable storage');
  return readFileSync(file);
}

/**
 * The database's bytes with the transactions still in its -wal: the main file alone (what was
 * read before) left out every transaction not yet checkpointed, where the folder was copied to a
 * disc while the app ran or after a crash, and they were silently missing from what was listed,
 * verified and backed up. Only SQLite knows which frames of a -wal are committed and valid, so
 * both files are copied into a private temporary folder, opened there (SQLite replays the -wal,
 * making its -shm beside it) and serialised; the folder is removed at once, or, where this process
 * is stopped first, by the next open (wal-replay-folders.ts).
 */
function withWalReplayed(file: string): Buffer {
  readWhole(file, statSync(file).size + statSync(`${file}-wal`).size); // refused before anything is copied
  const folder = makeWalReplayFolder(); // 0700: only this account reads the copy
  try {
    const copy = path.join(folder, 'einthoven.sqlite');
    copyStable(file, copy);
    const db = new Database(copy, { fileMustExist: true });
    try {
      return db.serialize();
    } finally {
      db.close();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * Copies `file` and its -wal to `copy`, writable for this account only; again where either
 * changed while being copied (a process still writing the original), as two files copied apart
 * can disagree, and refused after a few tries.
 */
function copyStable(file: string, copy: string): void {
  const stamp = () => [file, `${file}-wal`].map((f) => (existsSync(f) ? `${statSync(f).size}:${statSync(f).mtimeMs}` : '-')).join(' ');
  for (let attempt = 0; attempt < 3; attempt++) {
    const before = stamp();
    for (const [from, to] of [
      [file, copy],
      [`${file}-wal`, `${copy}-wal`],
    ]) {
      rmSync(to, { force: true });
      if (existsSync(from)) copyFileSync(from, to);
      if (existsSync(to)) chmodSync(to, 0o600); // the copy keeps the disc's 0444, and SQLite must write to replay the -wal
    }
    if (stamp() === before) return;
  }
  throw new Error(`${file} or its -wal kept changing while being copied; a process is still writing it`);
}

function userVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function checkNotNewer(version: number, list: readonly Migration[], file: string): void {
  const latest = list.at(-1)?.version ?? 0;
  if (version <= latest) return;
  throw new EinthovenError('E_IO', `database ${file} has schema version ${version}, newer than this app (${latest}); refusing to open it`);
}

/**
 * Refuses a database holding migrations this app does not know: another app version applied them
 * (numbers go to parallel branches, so one may fill a gap below this app's newest, where the
 * user_version check above cannot see it), and this app would read and write tables it does not
 * know the rules of.
 */
function checkKnownMigrations(db: Db, list: readonly Migration[], file: string): void {
  if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() === undefined) return;
  const known = new Set(list.map((m) => m.version));
  const unknown = (db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as { version: number; name: string }[]).filter((m) => !known.has(m.version));
  if (unknown.length === 0) return;
  const named = unknown.map((m) => `${m.version} (${m.name})`).join(', ');
  throw new EinthovenError('E_IO', `database ${file} holds ${wordFor(unknown.length, 'migration')} ${named} that this app does not know: another version of Einthoven changed it; open it with that version (or a newer one), refusing to open it here`);
}

/**
 * Refuses to migrate a database whose record of applied migrations leaves out one that its schema
 * (or its trail) shows ran: someone edited `schema_migrations`, and running that migration again
 * over what is there failed on SQLite's "trigger records_no_update already exists", naming no
 * cause, or could run twice what must run once. Verify reports the same contradiction
 * (applied-migrations.ts); only the app's own migrations have a known footprint to compare.
 */
function refuseEditedMigrationRecord(db: Db, list: readonly Migration[], file: string): void {
  if (list !== migrations) return;
  const [first, ...more] = appliedMigrations(db).contradictions;
  if (!first) return;
  const others = more.length > 0 ? ` (and ${more.length} more)` : '';
  throw new EinthovenError(
    'E_IO',
    `database ${file}: ${first.what}${others}. Refusing to run it again over what is there: check the trail with ecg audit --verify --data-dir <its folder>, and restore the folder from a backup if it was tampered with`,
  );
}

/**
 * Applies pending migrations under an EXCLUSIVE lock, reading the state inside it: two
 * processes opening a new data folder at once do not both create the tables; the second waits
 * (busy_timeout) and then finds them. Applied migrations are recorded by number in
 * schema_migrations, so one whose number is lower than the newest applied (numbers are
 * assigned to parallel branches and may land out of order) still runs; a database that
 * predates the table counts every version up to its user_version as applied. user_version
 * stays the highest applied number, and each migration commits with its record.
 */
function applyMigrations(db: Db, list: readonly Migration[], file: string): number {
  const before = userVersion(db);
  checkNotNewer(before, list, file);
  checkKnownMigrations(db, list, file);
  const pending = () => {
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
    const applied = hasTable ? new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version)) : undefined;
    const version = userVersion(db);
    return list.filter((m) => (applied ? !applied.has(m.version) : m.version > version));
  };
  if (pending().length === 0 && before > 0) return before;
  if (before > 0) refuseEditedMigrationRecord(db, list, file);
  return db
    .transaction(() => {
      const version = userVersion(db);
      // Again under the lock: another app version may have migrated the file since the checks
      // above (two versions opening one data folder at once), and this one must not run on it.
      checkNotNewer(version, list, file);
      checkKnownMigrations(db, list, file);
      const todo = pending();
      db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT');
      const record = db.prepare('INSERT OR IGNORE INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
      const now = new Date().toISOString();
      // A database from before the table: everything up to its user_version was applied.
      for (const m of list) if (m.version <= version && !todo.includes(m)) record.run(m.version, m.name, now);
      for (const migration of todo) {
        db.exec(migration.sql);
        record.run(migration.version, migration.name, now);
      }
      const highest = Math.max(version, ...todo.map((m) => Math.trunc(m.version)));
      // PRAGMA takes no bound parameters; the version is an integer from our own code.
      db.pragma(`user_version = ${highest}`);
      // What the file held when this process got the lock (another process may have migrated it meanwhile).
      return version;
    })
    .exclusive();
}
