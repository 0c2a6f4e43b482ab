import { existsSync, lstatSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { chmod, mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { databasePath } from '../engine/data-dir';
import { verificationProblems } from '../db/audit-rows-text';
import { EinthovenError, toErrorInfo } from '../errors';
import { fsyncDir, ioError, temporaryName, writeError } from './atomic';
import { auditThroughFile, manifestName, ManifestSchema, tryAudit, unfinishedBackup, type BackupManifest } from './backup';
import { copyEntry, filesUnder, fsyncFolders, inspectDatabase, sha256, type FileEntry } from './backup-files';
import { fileModeIn, makePrivateFolder, privateFileMode } from './private-files';
import { isInside, realOfNearestExisting } from './real-path';
import { staleRestores } from './stale-restores';

// Checking a backup folder against its manifest, and restoring one into a new data folder.

/** A manifest lists each file in a line or two of JSON; one this large lists no backup. */
const maxManifestBytes = 64 * 1024 * 1024;

export interface BackupCheck {
  readonly ok: boolean;
  /** Each thing that does not match the manifest, or fails SQLite's or the audit trail's own check. */
  readonly problems: readonly string[];
  readonly manifest: BackupManifest | null;
}

function readManifest(dir: string): BackupManifest {
  const file = path.join(dir, manifestName);
  if (!existsSync(file)) throw new EinthovenError('E_NOT_FOUND', `no ${manifestName} in ${dir}: not an Einthoven backup, or one that did not finish`);
  // Kind and size before a byte is read: a backup comes from media anyone may have handed in, and a
  // manifest that was a device or a pipe (size 0 to stat) was read without end.
  const info = lstatSync(file);
  if (!info.isFile()) throw new EinthovenError('E_FORMAT', `${file} is not an Einthoven backup manifest: not a regular file (a link, folder, device, pipe or socket); nothing was read from it`);
  if (info.size > maxManifestBytes) throw new EinthovenError('E_FORMAT', `${file} is not an Einthoven backup manifest: ${info.size} bytes, over the ${maxManifestBytes}-byte limit`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new EinthovenError('E_FORMAT', `${file} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) throw new EinthovenError('E_FORMAT', `${file} is not an Einthoven backup manifest: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'manifest'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** Whether a manifest's path names a file inside the backup (a hostile manifest could name one outside). */
function staysInside(relative: string): boolean {
  return !path.isAbsolute(relative) && !relative.split('/').some((part) => part === '..' || part === '');
}

/** A file of the backup against its manifest entry: missing, another size, another hash. */
async function fileProblem(dir: string, entry: FileEntry): Promise<string | null> {
  if (!staysInside(entry.path)) return `${entry.path}: not a path inside the backup`;
  const file = path.join(dir, ...entry.path.split('/'));
  if (!existsSync(file)) return `${entry.path}: missing`;
  // A backup writes regular files only; a link could make the check hash, and a restore copy, a file
  // outside the backup, and a device or a pipe listed at 0 bytes was hashed without end.
  const info = lstatSync(file);
  if (!info.isFile()) return `${entry.path}: not a regular file (a link, folder, device, pipe or socket)`;
  // The same through a folder on its path that is a link out of the backup (exports/ → elsewhere).
  if (!realpathSync(file).startsWith(realpathSync(dir) + path.sep)) return `${entry.path}: reached through a link out of the backup`;
  const bytes = info.size;
  if (bytes !== entry.bytes) return `${entry.path}: ${bytes} bytes, the manifest says ${entry.bytes}`;
  return (await sha256(file)) === entry.sha256 ? null : `${entry.path}: its SHA-256 is not the manifest's (changed since the backup)`;
}

/** Checks a backup folder: every file against the manifest, the database by SQLite and its audit trail by its hash chain. Reads only. */
export async function checkBackup(dir: string): Promise<BackupCheck> {
  // A backup stopped before its manifest: a failed check that says what the folder is (and a restore
  // refuses it so), not 'no manifest … not an Einthoven backup, or one that did not finish'.
  const unfinished = unfinishedBackup(dir);
  if (unfinished) return { ok: false, problems: [unfinished], manifest: null };
  const manifest = readManifest(dir);
  const problems: string[] = [];
  for (const entry of [manifest.database, ...manifest.files]) {
    const problem = await fileProblem(dir, entry);
    if (problem) problems.push(problem);
  }
  const listed = new Set([manifest.database.path, manifestName, ...manifest.files.map((f) => f.path)]);
  for (const extra of filesUnder(dir, dir).filter((f) => !listed.has(f))) problems.push(`${extra}: not in the manifest`);
  if (staysInside(manifest.database.path) && existsSync(path.join(dir, manifest.database.path))) problems.push(...databaseProblems(dir, manifest));
  return { ok: problems.length === 0, problems, manifest };
}

/**
 * What SQLite and the audit trail say of the backup's database against its manifest. A file that
 * cannot be opened (truncated, emptied, not SQLite) is one more problem in the report: thrown, it
 * hid the size and SHA-256 mismatches already found, as E_INTERNAL in SQLite's words.
 */
function databaseProblems(dir: string, manifest: BackupManifest): string[] {
  const file = path.join(dir, manifest.database.path);
  let inspected: ReturnType<typeof inspectDatabase>;
  try {
    inspected = inspectDatabase(file);
  } catch (error) {
    return [`${manifest.database.path}: the database cannot be opened: ${toErrorInfo(error, file).message}`];
  }
  const problems: string[] = [];
  if (inspected.integrity !== 'ok') problems.push(`${manifest.database.path}: SQLite integrity check: ${inspected.integrity}`);
  // The same whole verification as ecg audit --verify: the chain, and the backed-up rows against their entries.
  problems.push(...verificationProblems(inspected.audit));
  if (inspected.audit.head !== manifest.database.audit.head) problems.push(`audit trail: head ${inspected.audit.head ?? 'none'}, the manifest says ${manifest.database.audit.head ?? 'none'}`);
  if (inspected.records !== manifest.database.records) problems.push(`records: ${inspected.records}, the manifest says ${manifest.database.records}`);
  return problems;
}

/**
 * A data folder restored inside the backup it comes from made the backup fail every later check
 * (its files listed as not in the manifest), and put the clinic's live database inside the copy
 * kept to survive its loss. Judged on the text and on the real paths, as a backup inside the data
 * folder is (writeBackup): a link to the backup's folder passes the text alone.
 */
function refuseRestoreInsideBackup(dir: string, dataDir: string): void {
  if (isInside(path.resolve(dir), path.resolve(dataDir)) || isInside(realOfNearestExisting(dir), realOfNearestExisting(dataDir))) {
    throw new EinthovenError('E_VALIDATION', `${dataDir} is inside the backup ${dir} it would restore: the backup would no longer match its manifest; restore into a folder outside it`);
  }
}

/**
 * Removes the staging folders (`.<data>.restoring-<pid>-<hex>`, beside `dataDir`) of earlier restores
 * into it whose process is gone, and returns their paths. A restore stopped by kill -9 or a power cut
 * cleans up nothing and leaves its partial copy, the database first (patient data), under a hidden
 * name nothing else reuses; the next restore into the same folder is where it is found. One whose
 * process still runs is another restore at work, and is left alone.
 */
async function removeStaleRestores(dataDir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const stale of staleRestores(dataDir)) {
    // Not removable: stopped before anything is copied, rather than restoring beside a copy of patient data said nowhere.
    await rm(stale, { recursive: true, force: true }).catch((error: unknown) => {
      throw new EinthovenError('E_IO', `nothing was restored into ${dataDir}: ${ioError(stale, error, 'remove').message} (the partial copy, patient data, an earlier restore into it left when it was stopped): remove it by hand`, { cause: error });
    });
    removed.push(stale);
  }
  return removed;
}

/**
 * Restores a checked backup into `dataDir`, which must hold no database: a restore never writes
 * over what is stored (move the current data folder aside first). Files are copied to a folder
 * beside the target and renamed into place, so an interrupted restore leaves no half data folder.
 */
export async function restoreBackup(dir: string, dataDir: string, actor: string): Promise<{ manifest: BackupManifest; notAudited: string | null; staleRestoresRemoved: string[] }> {
  refuseRestoreInsideBackup(dir, dataDir);
  const check = await checkBackup(dir);
  if (!check.ok || !check.manifest) throw new EinthovenError('E_CONFLICT', `the backup in ${dir} fails its check, nothing was restored: ${check.problems.join('; ')}`);
  if (existsSync(databasePath(dataDir))) throw new EinthovenError('E_CONFLICT', `${dataDir} already holds a database: a restore never writes over stored records; move that folder aside or restore into a new one`);
  if (existsSync(dataDir) && (await readdir(dataDir)).length > 0) throw new EinthovenError('E_CONFLICT', `${dataDir} is not empty: restore into a new or empty folder`);
  // An empty folder IT made (a shared one, its group writing) keeps its mode; a new one is owner-only.
  const folderMode = existsSync(dataDir) ? statSync(dataDir).mode & 0o7777 : undefined;
  const fileMode = existsSync(dataDir) ? fileModeIn(dataDir) : privateFileMode;
  const staleRestoresRemoved = await removeStaleRestores(dataDir);
  const staging = temporaryName(dataDir, 'restoring');
  await rm(staging, { recursive: true, force: true });
  makePrivateFolder(staging);
  try {
    for (const entry of [check.manifest.database, ...check.manifest.files]) await copyEntry(dir, staging, entry.path, fileMode);
    // Every file is flushed as it is copied (copyEntry); the folders' entries too before the rename
    // makes them the data folder, as writeFileAtomic does for one file: after a power cut the
    // restored folder is whole, or still the staging folder.
    fsyncFolders(staging);
  } catch (error) {
    // A disk that filled mid-copy left the staging folder (a partial copy of the database: patient
    // data) beside the data folder under a hidden name that no later restore reuses or removes.
    await rm(staging, { recursive: true, force: true });
    const typed = writeError(error, staging);
    throw new EinthovenError(typed.code, `nothing was restored into ${dataDir}, its partial copy removed: ${typed.message}`, { cause: error });
  }
  if (existsSync(dataDir)) await rm(dataDir, { recursive: true });
  await mkdir(path.dirname(dataDir), { recursive: true });
  await rename(staging, dataDir);
  if (folderMode !== undefined) await chmod(dataDir, folderMode);
  fsyncDir(path.dirname(dataDir));
  // The restored trail goes on from the backup's head and says where it came from; what was done after the backup is not in it.
  const notAudited = tryAudit(auditThroughFile(databasePath(dataDir), actor), 'data.restored', { from: dir, backupCreatedAt: check.manifest.createdAt, source: check.manifest.source, auditHead: { id: check.manifest.database.audit.lastId, hash: check.manifest.database.audit.head }, ...(staleRestoresRemoved.length > 0 ? { staleRestoresRemoved } : {}) });
  return { manifest: check.manifest, notAudited, staleRestoresRemoved };
}
