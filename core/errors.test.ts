// Node's file-system errors, raised for real on temporary files, as toErrorInfo reports them.
import { chmodSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
