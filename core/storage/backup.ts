import { closeSync, existsSync, openSync, readdirSync, statSync } from 'node:fs';
import { readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { BackupSummary } from '../contract/backup-schemas';
import { AuditLog } from '../db/audit';
import { notWritableMessage, openDatabase } from '../db/database';
import { databasePath, refuseFileForFolder } from '../engine/data-dir';
import { verificationProblems } from '../db/audit-rows-text';
import { EinthovenError, toErrorInfo } from '../errors';
import { fsyncDir, ioError, syncFile, temporaryName, writeError, writeFileAtomic } from './atomic';
import { copyEntry, emptyFolder, filesUnder, fsyncFolders, inspectDatabase, sha256, type FileEntry } from './backup-files';
import { makeFilePrivate, privateFileMode } from './private-files';
import { isInside, realOfNearestExisting } from './real-path';

/**
 * Backing up a data folder while the app may be running (checking and restoring one:
 * backup-check.ts).
 *
 * The database is copied with SQLite's `VACUUM INTO`: one read transaction, so the copy is a
 * consistent snapshot (committed work only, the WAL's included) and the app's writers are never
 * blocked; copying the file itself while the app writes could catch half a transaction, or miss
 * the `-wal` holding the latest ones. The model packages and the exports are copied beside it, and
 * a manifest names every file with its SHA-256, the audit trail's head and the record count; the
 * manifest is written last, so a folder without one is an unfinished backup. The installation's
 * signing key is left out: a backup is copied to places a private key must not go, and the key has
 * the hospital's own procedure (docs/security.md). Training checkpoints are left out too: they only
 * resume an interrupted job. So is the shell's log (logs/): it is IT's record of the engine's
 * starts and stops on this workstation, not data to restore (a restored folder starts its own), and
 * it may quote file names from the engine's errors; named here, so no one takes the backup for it.
 */
export const manifestName = 'backup-manifest.json';
export const databaseName = 'einthoven.sqlite';
/** Folders of the data folder a backup carries. */
const carriedFolders = ['models', 'exports'] as const;
const leftOut = [
  "keys/ (the installation's signing key: back it up apart, under the hospital's key procedure)",
  'checkpoints/ (state to resume an interrupted training job)',
  "logs/ (the app's log of engine starts, stops and errors for IT, einthoven.log: not needed to restore; it stays in the data folder, under the site's own log retention)",
] as const;

export const FileEntrySchema = z.object({ path: z.string().min(1), bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) });
export const ManifestSchema = z
  .object({
    format: z.literal('einthoven-backup'),
    version: z.literal(1),
    createdAt: z.string(),
    source: z.string(),
    database: FileEntrySchema.extend({
      schemaVersion: z.number().int(),
      records: z.number().int().nonnegative(),
      audit: z.object({ entries: z.number().int().nonnegative(), lastId: z.number().int().nullable(), head: z.string().nullable() }),
    }),
    files: z.array(FileEntrySchema),
    leftOut: z.array(z.string()),
  })
  .strict();
export type BackupManifest = z.infer<typeof ManifestSchema>;


/**
 * What a folder left by a backup that never finished is, or null for any other folder: a copy of
 * the database (einthoven.sqlite, or VACUUM INTO's `.einthoven.sqlite.partial-…`) and no manifest,
 * which writeBackup writes last. A backup killed, crashed or cut by a power failure cleans up
 * nothing (writeBackup removes what it wrote only when it can still run), so the folder holds every
 * record, unaudited; said as such, it is not taken for a folder of someone's own files.
 */
export function unfinishedBackup(dir: string): string | null {
  if (!existsSync(dir) || !statSync(dir).isDirectory() || existsSync(path.join(dir, manifestName))) return null;
  const copies = readdirSync(dir).filter((name) => name === databaseName || name.startsWith(`.${databaseName}.partial-`));
  if (copies.length === 0) return null;
  return `${dir} is an unfinished backup: it holds a copy of the database (${copies.join(', ')}: every patient record) but no ${manifestName}, which a backup writes last, so the backup was stopped before it finished (killed, a crash or a power cut) and cannot be checked or restored; once no backup is running into it, remove the folder (it holds patient data) and back up again`;
}

/**
 * Backs up the data folder `dataDir` into the new or empty folder `dest` and checks the copy
 * before writing its manifest. The database may be in use by the app meanwhile. Audits nothing:
 * `createBackup` does, or the engine, which runs this on a thread of its own (backup-thread.ts).
 */
export async function writeBackup(dataDir: string, dest: string): Promise<BackupManifest> {
  refuseFileForFolder(dataDir);
  const source = databasePath(dataDir);
  if (!existsSync(source)) throw new EinthovenError('E_NOT_FOUND', `no Einthoven database at ${source}`);
  // On the text and on the real paths: a link to the data folder's exports/ passed the text alone, and
  // the backup went into the folder it copies, to be lost with it and copied whole by the next backup.
  if (isInside(path.resolve(dataDir), path.resolve(dest)) || isInside(realOfNearestExisting(dataDir), realOfNearestExisting(dest))) {
    throw new EinthovenError('E_VALIDATION', `${dest} is inside the data folder it would back up: a backup there is lost with it (and would copy itself); choose a folder elsewhere, ideally another disk`);
  }
  // Refused as any folder with files is (emptyFolder), but in words IT can act on: it is patient data to remove, not someone's files.
  const unfinished = unfinishedBackup(dest);
  if (unfinished) throw new EinthovenError('E_CONFLICT', `${unfinished}; nothing is written over it`);
  const destExisted = existsSync(dest);
  await emptyFolder(dest, 'the backup folder');
  try {
    return await fillBackup(dataDir, dest, source);
  } catch (error) {
    // A full disk or quota while the models or exports were copied left the database's copy (every
    // record, unaudited) in the backup folder without a manifest: a copy of patient data is never
    // left behind by a backup that failed (auditBackup removes one it cannot record, likewise).
    throw await discardedBackup(dest, destExisted, error);
  }
}

/** Copies the database, the models and the exports into the empty folder `dest`, checks them, and writes the manifest last. */
async function fillBackup(dataDir: string, dest: string, source: string): Promise<BackupManifest> {
  const copy = path.join(dest, databaseName);
  const partial = temporaryName(copy, 'partial');
  const { db } = openDatabase(source, undefined, { readonly: true });
  try {
    // VACUUM INTO fills an empty file it is given: created owner-only, the copy is never readable to others.
    closeSync(openSync(partial, 'wx', privateFileMode));
    db.prepare('VACUUM INTO ?').run(partial);
  } catch (error) {
    // A full or failing disk: no half copy left behind under a name that could be taken for one.
    await rm(partial, { force: true });
    throw ioError(partial, error);
  } finally {
    db.close();
  }
  // VACUUM INTO does not promise its output is on the disk when it returns: flushed before it is
  // renamed, hashed and named in the manifest, or a power cut could leave a manifest naming a file
  // whose bytes never reached the disk (a failure here is discarded and named as any other).
  await syncFile(partial);
  await rename(partial, copy);
  const inspected = inspectDatabase(copy);
  if (inspected.integrity !== 'ok') throw new EinthovenError('E_IO', `the database copy in ${dest} fails SQLite's integrity check (${inspected.integrity}); the backup is not usable`);
  if (!inspected.audit.ok) throw new EinthovenError('E_CONFLICT', `the database being backed up fails its audit check (${verificationProblems(inspected.audit).join('; ')}); run ecg audit --verify (for an investigation, copy the whole data folder with the app closed)`);
  const files: FileEntry[] = [];
  for (const folder of carriedFolders) for (const relative of filesUnder(dataDir, path.join(dataDir, folder))) files.push(await copyEntry(dataDir, dest, relative, privateFileMode));
  const manifest: BackupManifest = {
    format: 'einthoven-backup',
    version: 1,
    createdAt: new Date().toISOString(),
    source: dataDir,
    database: {
      path: databaseName,
      bytes: statSync(copy).size,
      sha256: await sha256(copy),
      schemaVersion: inspected.schemaVersion,
      records: inspected.records,
      audit: { entries: inspected.audit.entries, lastId: inspected.audit.lastId, head: inspected.audit.head },
    },
    files,
    leftOut: [...leftOut],
  };
  // The manifest says the backup is whole: the names of the copy, the models/ and exports/ folders
  // and the files in them reach the disk first (their bytes already did, copyEntry and syncFile).
  fsyncFolders(dest);
  await writeFileAtomic(path.join(dest, manifestName), `${JSON.stringify(manifest, null, 2)}\n`);
  makeFilePrivate(path.join(dest, manifestName), privateFileMode);
  fsyncDir(dest);
  return manifest;
}

/** What the audit entry of a backup says: where it went, what it holds, the trail's head it ends at. */
export function backupAuditDetails(dest: string, manifest: BackupManifest): Record<string, unknown> {
  const { database } = manifest;
  return { to: dest, createdAt: manifest.createdAt, databaseSha256: database.sha256, records: database.records, auditHead: { id: database.audit.lastId, hash: database.audit.head }, files: manifest.files.length };
}

/** `writeBackup`, then the backup audited through `audit` (the CLI's way): see auditBackup. */
export async function createBackup(dataDir: string, dest: string, audit: AuditAppend): Promise<{ manifest: BackupManifest; notAudited: string | null }> {
  const destExisted = existsSync(dest);
  const manifest = await writeBackup(dataDir, dest);
  const notAudited = await auditBackup(dest, destExisted, databasePath(dataDir), () => audit('data.backup', backupAuditDetails(dest, manifest)));
  return { manifest, notAudited };
}

/**
 * Audits a backup just written to `dest`. A full copy of patient data must not exist without its
 * trail entry: when the entry cannot be written (another process held the write lock past the busy
 * timeout, a full disk), the backup is removed and the error thrown. The one exception is a data
 * folder on read-only media (an archive): its trail can record nothing, the media can be copied
 * by anyone who can read them, and the backup is what moves them to writable storage; it is kept,
 * and why it is not audited returned, naming `databaseFile` (the trail's), for the caller to say
 * (the CLI exits 1). docs/security.md.
 */
export async function auditBackup(dest: string, destExisted: boolean, databaseFile: string, append: () => void): Promise<string | null> {
  try {
    append();
    return null;
  } catch (error) {
    // Named as the engine's refusals name it: the database file, and why it cannot be written.
    if (readOnlyDatabase(error)) return notWritableMessage(databaseFile);
    const info = toErrorInfo(error, databaseFile);
    await discardBackup(dest, destExisted);
    throw new EinthovenError(info.code, `the backup in ${dest} was removed: it could not be recorded in the data folder's audit trail (${info.message}), and a copy of patient data is never left unaudited; retry the backup`, { cause: error });
  }
}

function sqliteError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_');
}

function readOnlyDatabase(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_READONLY');
}

/**
 * Removes what a failed writeBackup wrote, and says so in the error: a file-system error in words
 * naming the file it was writing (copyFile's destination, not its source), typed E_IO, rather than
 * E_INTERNAL in libuv's; an Einthoven error keeps its code.
 */
async function discardedBackup(dest: string, destExisted: boolean, error: unknown): Promise<EinthovenError> {
  // SQLite's errors (checking the copy) in its typed words; a file-system error naming the file written.
  const typed = toErrorInfo(sqliteError(error) ? error : writeError(error, dest));
  let what = 'was removed';
  try {
    await discardBackup(dest, destExisted);
  } catch (removal) {
    what = `could not be removed (${toErrorInfo(removal).message}): remove it by hand, it holds patient data`;
  }
  return new EinthovenError(typed.code, `the backup in ${dest} failed and ${what}: ${typed.message}`, { cause: error });
}

/** Removes what writeBackup wrote: the folder it made, or the contents of the empty one it was given. */
async function discardBackup(dest: string, destExisted: boolean): Promise<void> {
  if (!destExisted) return rm(dest, { recursive: true, force: true });
  for (const name of await readdir(dest)) await rm(path.join(dest, name), { recursive: true, force: true });
}

/** Appends an entry to an audit trail: the engine's own log in the app, a connection of its own from the CLI. */
export type AuditAppend = (action: 'data.backup' | 'data.restored', details: Record<string, unknown>) => void;

/**
 * Appends through a connection of its own to the database at `file` (the CLI's way, the app maybe
 * running beside it). A data folder on read-only media is opened read-only, and the append fails
 * there as SQLite's SQLITE_READONLY, which auditBackup tells from the other failures.
 */
export function auditThroughFile(file: string, actor: string): AuditAppend {
  return (action, details) => {
    const { db } = openDatabase(file);
    try {
      new AuditLog(db).append(actor, action, null, details);
    } finally {
      db.close();
    }
  };
}

/**
 * Audits a restore: null when done, else why not. The restored folder is new and this process's
 * own, so this fails only on a broken disk; the restore is complete and checked either way, so
 * that is said, not thrown.
 */
export function tryAudit(audit: AuditAppend, action: 'data.restored', details: Record<string, unknown>): string | null {
  try {
    audit(action, details);
    return null;
  } catch (error) {
    return toErrorInfo(error).message;
  }
}

/** What the app shows of a backup it made. */
export function backupSummary(to: string, manifest: BackupManifest, notAudited: string | null): BackupSummary {
  return {
    to,
    createdAt: manifest.createdAt,
    records: manifest.database.records,
    files: manifest.files.length,
    bytes: manifest.database.bytes + manifest.files.reduce((sum, f) => sum + f.bytes, 0),
    auditHead: { lastId: manifest.database.audit.lastId, head: manifest.database.audit.head },
    notAudited,
    leftOut: manifest.leftOut,
  };
}
