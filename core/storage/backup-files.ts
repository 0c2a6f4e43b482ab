import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { chmod, copyFile, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { AuditLog } from '../db/audit';
import type { AuditVerification } from '../db/audit-chain';
import { openDatabase } from '../db/database';
import { EinthovenError } from '../errors';
import { fsyncDir, syncFile } from './atomic';
import { makePrivateFolder, privateFolderMode } from './private-files';

/** The files a backup lists, the database first: relative path with forward slashes, size, SHA-256. */
export interface FileEntry {
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

export async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every file under `dir`, as paths relative to `root` with forward slashes (the manifest is read on any OS). */
export function filesUnder(root: string, dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(root, full);
    return entry.isFile() ? [path.relative(root, full).split(path.sep).join('/')] : [];
  });
}

/** What SQLite and the audit trail say of a database file: integrity, records, the chain and its head. */
export function inspectDatabase(file: string): { integrity: string; schemaVersion: number; records: number; audit: AuditVerification } {
  const { db } = openDatabase(file, undefined, { readonly: true });
  try {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
    const schemaVersion = db.pragma('user_version', { simple: true }) as number;
    const records = (db.prepare('SELECT count(*) AS n FROM records').get() as { n: number }).n;
    return { integrity, schemaVersion, records, audit: new AuditLog(db).verify() };
  } finally {
    db.close();
  }
}

export async function emptyFolder(dir: string, what: string): Promise<void> {
  if (existsSync(dir) && (!statSync(dir).isDirectory() || (await readdir(dir)).length > 0)) {
    throw new EinthovenError('E_CONFLICT', `${what} ${dir} is not an empty folder: nothing is written over existing files; choose a new folder`);
  }
  makePrivateFolder(dir);
}

/**
 * Copies one file of a backup or restore, its folders owner-only and the file set to `mode` (copyFile
 * gives it the source's). The copy is flushed to the disk before it is hashed: a restore renames its
 * folder into place as the data folder once every file is copied, and an unflushed file could come
 * back from a power cut short or empty under a name that says it is there (fsyncFolders flushes the
 * names).
 */
export async function copyEntry(fromRoot: string, toRoot: string, relative: string, mode: number): Promise<FileEntry> {
  const target = path.join(toRoot, ...relative.split('/'));
  await mkdir(path.dirname(target), { recursive: true, mode: privateFolderMode });
  // copyFile keeps the source's mode: an archive's 0444 export made the copy unwritable, and flushing it (opened r+) failed.
  await copyFile(path.join(fromRoot, ...relative.split('/')), target);
  await chmod(target, mode);
  await syncFile(target);
  // The hash is of the copy as written: what the manifest promises is what lies in the backup.
  return { path: relative, bytes: statSync(target).size, sha256: await sha256(target) };
}

/** Flushes `root` and every folder under it (the names of the files and folders copied into them), the deepest first. */
export function fsyncFolders(root: string): void {
  for (const entry of readdirSync(root, { withFileTypes: true })) if (entry.isDirectory()) fsyncFolders(path.join(root, entry.name));
  fsyncDir(root);
}
