import { randomBytes } from 'node:crypto';
import { closeSync, constants, fsyncSync, openSync, readdirSync } from 'node:fs';
import { copyFile, mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { EinthovenError } from '../errors';

/**
 * Crash-safe file writing: data goes to a temporary name in the same folder, is flushed to the
 * disk (fsync), and only then renamed over the target, and the folder itself is flushed so the
 * rename survives a power cut. A kill -9 or a crash at any point leaves either the old file or
 * the complete new one, never a mix or a torn file.
 */

/** A temporary name beside `target`, unique per process and call. */
export function temporaryName(target: string, tag = 'tmp'): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${tag}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Flushes a folder's entries (new names, renames) to disk; a no-op where folders cannot be opened (Windows). */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, constants.O_RDONLY);
    fsyncSync(fd);
  } catch {
    // Windows cannot fsync a directory; NTFS journals renames itself.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * What IT can act on, for the write errors a data folder, a backup or a restore meets: a full
 * disk, a used-up quota (network home folders), a file-size limit (ulimit -f, FAT's 4 GB).
 */
const writeFailureInWords: ReadonlyMap<string, string> = new Map([
  ['ENOSPC', 'the disk is full'],
  ['EDQUOT', "the account's disk quota is used up"],
  ['EFBIG', "the file would pass the largest file this process may write (the file system's or the account's file-size limit)"],
  ['EACCES', 'the folder is read-only or not writable'],
  ['EPERM', 'the folder is read-only or not writable'],
  ['EROFS', 'the folder is read-only or not writable'],
]);

/** Turns an fs error into the project's E_IO naming the file (disk full said in words). */
export function ioError(file: string, error: unknown, doing = 'write'): EinthovenError {
  if (error instanceof EinthovenError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const why = (code === undefined ? undefined : writeFailureInWords.get(code)) ?? (error instanceof Error ? error.message : String(error));
  return new EinthovenError('E_IO', `cannot ${doing} ${file}: ${why}`, { cause: error });
}

/**
 * ioError naming the file that was being written: a failed copyFile names its source as `path`
 * and its destination, where the disk filled, as `dest`; `fallback` where Node names neither.
 */
export function writeError(error: unknown, fallback: string): EinthovenError {
  const { dest, path: file } = (error ?? {}) as { dest?: unknown; path?: unknown };
  return ioError(typeof dest === 'string' ? dest : typeof file === 'string' ? file : fallback, error);
}

/** Writes `data` to a temporary file and fsyncs it (the caller renames it into place); `mode` set before the first byte. */
async function writeSynced(file: string, data: Uint8Array | string, mode?: number): Promise<void> {
  const handle = await open(file, 'w', mode);
  try {
    // open's mode passes through the umask, which only removes bits; set it exactly all the same.
    if (mode !== undefined) await handle.chmod(mode);
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Replaces `file` with `data` atomically and durably; with `mode`, the file has that mode from its first byte (core/storage/private-files.ts). */
export async function writeFileAtomic(file: string, data: Uint8Array | string, mode?: number): Promise<void> {
  const temporary = temporaryName(file);
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeSynced(temporary, data, mode);
    await rename(temporary, file);
    fsyncDir(path.dirname(file));
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw ioError(file, error);
  }
}

/** Copies a file durably (the copy is fsynced before the caller relies on it). */
export async function copyFileSynced(from: string, to: string): Promise<void> {
  await copyFile(from, to);
  await syncFile(to);
}

/** Flushes a file another writer wrote (copyFile, SQLite's VACUUM INTO) from the page cache to the disk. */
export async function syncFile(file: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Builds a folder under a temporary name and swaps it in for `dir` only once it is complete.
 * The old folder is first renamed aside (`.<name>.old-…`) and removed after the swap; if the
 * process dies between the two renames, `recoverFolder` puts the old one back.
 */
export async function replaceFolderAtomic(dir: string, build: (temporaryDir: string) => Promise<void>): Promise<void> {
  const parent = path.dirname(dir);
  const staging = temporaryName(dir, 'new');
  await mkdir(parent, { recursive: true });
  try {
    await mkdir(staging);
    await build(staging);
    fsyncDir(staging);
  } catch (error) {
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
    throw ioError(dir, error);
  }
  const aside = temporaryName(dir, 'old');
  let hadOld = true;
  try {
    await rename(dir, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(dir, error, 'replace');
    hadOld = false;
  }
  await rename(staging, dir);
  fsyncDir(parent);
  if (hadOld) await rm(aside, { recursive: true, force: true });
}

/**
 * Undoes a swap that a crash interrupted: when `dir` is missing but an old copy was set aside,
 * the old copy comes back; leftover staging folders are removed. Returns whether anything was done.
 */
export async function recoverFolder(dir: string): Promise<boolean> {
  const parent = path.dirname(dir);
  const base = path.basename(dir);
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return false;
  }
  // Another process may be saving right now: only leftovers of dead processes are touched.
  const old = names.filter((n) => n.startsWith(`.${base}.old-`) && !ownerAlive(n));
  const staging = names.filter((n) => n.startsWith(`.${base}.new-`) && !ownerAlive(n));
  if (old.length === 0 && staging.length === 0) return false;
  let exists = names.includes(base);
  for (const name of old) {
    if (!exists) {
      await rename(path.join(parent, name), dir).catch(() => undefined);
      exists = true;
    } else await rm(path.join(parent, name), { recursive: true, force: true }).catch(() => undefined);
  }
  for (const name of staging) await rm(path.join(parent, name), { recursive: true, force: true }).catch(() => undefined);
  return true;
}

/** Whether the process that made a temporary name (`….<tag>-<pid>-<hex>`) still runs (one of another account's counts as running). */
export function ownerAlive(name: string): boolean {
  const pid = Number(/-(\d+)-[0-9a-f]+$/.exec(name)?.[1]);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
