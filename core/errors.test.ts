// Node's file-system errors, raised for real on temporary files, as toErrorInfo reports them.
import Database from 'better-sqlite3';
import { chmodSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EinthovenError, toErrorInfo } from './errors';

const dir = mkdtempSync(path.join(os.tmpdir(), 'errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = path.join(dir, 'a-file');
writeFileSync(file, 'x');

/** What `run` throws, as toErrorInfo turns it into an ErrorInfo. */
function infoOf(run: () => unknown): ReturnType<typeof toErrorInfo> {
  try {
    run();
  } catch (error) {
    return toErrorInfo(error);
  }
  throw new Error('expected the call to throw');
}

describe('toErrorInfo of a file-system error', () => {
  it('names the missing path (ENOENT)', () => {
    const missing = path.join(dir, 'nope.csv');
    expect(infoOf(() => readFileSync(missing))).toEqual({ code: 'E_NOT_FOUND', message: `no such file or folder: ${missing}` });
  });

  it('says a folder was given for a file (EISDIR, which Node raises without a path)', () => {
    expect(infoOf(() => readFileSync(dir))).toEqual({ code: 'E_VALIDATION', message: 'a folder was given where a file is expected' });
    expect(infoOf(() => openSync(dir, 'w'))).toEqual({ code: 'E_VALIDATION', message: `${dir} is a folder where a file is expected` });
  });

  it('says a file was given for a folder (ENOTDIR, and EEXIST from mkdir)', () => {
    expect(infoOf(() => readdirSync(file))).toEqual({ code: 'E_VALIDATION', message: `a file stands where a folder is expected in ${file}` });
    expect(infoOf(() => mkdirSync(path.join(file, 'sub'), { recursive: true }))).toEqual({ code: 'E_VALIDATION', message: `a file stands where a folder is expected in ${path.join(file, 'sub')}` });
    expect(infoOf(() => mkdirSync(file, { recursive: true }))).toEqual({ code: 'E_VALIDATION', message: `${file} is a file where a folder is expected` });
  });

  it('says a name is taken (EEXIST from open)', () => {
    expect(infoOf(() => openSync(file, 'wx'))).toEqual({ code: 'E_VALIDATION', message: `${file} already exists` });
  });

  // root reads everything: the permission check cannot fail there.
  it.skipIf(process.getuid?.() === 0 || process.platform === 'win32')('says permission is missing (EACCES)', () => {
    const locked = path.join(dir, 'locked');
    writeFileSync(locked, 'x');
    chmodSync(locked, 0o000);
    expect(infoOf(() => readFileSync(locked))).toEqual({ code: 'E_IO', message: `no permission to read or write ${locked}` });
  });

  it('leaves typed errors and other errors as they were', () => {
    expect(toErrorInfo(new EinthovenError('E_FORMAT', 'x.scp: bad'))).toEqual({ code: 'E_FORMAT', message: 'x.scp: bad' });
    expect(toErrorInfo(new RangeError('offset out of range'))).toEqual({ code: 'E_INTERNAL', message: 'offset out of range' });
    // A code Node uses for something other than a bad path stays internal.
    expect(toErrorInfo(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', path: '/tmp/socket' }))).toEqual({ code: 'E_INTERNAL', message: 'connect ECONNREFUSED' });
  });
});

describe('toErrorInfo of a SQLite error', () => {
  const db = (name: string, options?: Database.Options) => new Database(path.join(dir, name), options);

  it('says a file that is not SQLite, or is truncated, must be restored from a backup, naming the file', () => {
    writeFileSync(path.join(dir, 'text.sqlite'), 'not a database, a text file\n'.repeat(200));
    const notADb = path.join(dir, 'text.sqlite');
    expect(infoOf(() => db('text.sqlite').pragma('user_version'))).toEqual({ code: 'E_IO', message: expect.stringMatching(/^the Einthoven database is not a database .*restore a backup \(ecg backup --restore\)$/) });
    try {
      db('text.sqlite').pragma('user_version');
    } catch (error) {
      expect(toErrorInfo(error, notADb).message).toMatch(new RegExp(`^${notADb} is not a database`));
    }
    const big = db('big.sqlite');
    big.exec('CREATE TABLE t (x BLOB); INSERT INTO t SELECT randomblob(4000) FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) SELECT i FROM n)');
    big.close();
    truncateSync(path.join(dir, 'big.sqlite'), 50_000);
    expect(infoOf(() => db('big.sqlite').prepare('SELECT count(*), sum(length(x)) FROM t').get())).toMatchObject({ code: 'E_IO', message: expect.stringMatching(/is damaged .*truncated or corrupted; restore a backup/) });
  });

  it('says another process holds the database, to retry (SQLITE_BUSY after the wait)', () => {
    const holder = db('busy.sqlite');
    holder.exec('CREATE TABLE t (x INTEGER); BEGIN IMMEDIATE; INSERT INTO t VALUES (1)');
    try {
      expect(infoOf(() => db('busy.sqlite', { timeout: 0 }).exec('BEGIN IMMEDIATE'))).toEqual({ code: 'E_CONFLICT', message: expect.stringMatching(/is in use: another Einthoven .*, a backup, or another program with the file open .*; retry when it has finished$/) });
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });

  it('says the folder is read-only, the disk is full, or the file cannot be opened', () => {
    db('ro.sqlite').exec('CREATE TABLE t (x INTEGER)');
    expect(infoOf(() => db('ro.sqlite', { readonly: true }).exec('INSERT INTO t VALUES (1)'))).toEqual({ code: 'E_IO', message: expect.stringMatching(/cannot be written: its folder is read-only/) });
    const full = new Database(':memory:');
    full.exec('CREATE TABLE t (x BLOB)');
    full.pragma(`max_page_count = ${full.pragma('page_count', { simple: true }) as number}`);
    expect(infoOf(() => full.prepare('INSERT INTO t VALUES (randomblob(100000))').run())).toEqual({ code: 'E_IO', message: expect.stringMatching(/cannot grow: the disk is full/) });
    expect(infoOf(() => new Database(dir))).toEqual({ code: 'E_IO', message: expect.stringMatching(/cannot be opened \(SQLITE_CANTOPEN\)/) });
  });

  it('leaves other SQLite errors (our own SQL) as internal errors', () => {
    expect(infoOf(() => new Database(':memory:').prepare('SELECT * FROM nowhere'))).toEqual({ code: 'E_INTERNAL', message: 'no such table: nowhere' });
  });
});

