import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { BackupSummary } from '../contract/backup-schemas';
import { AuditLog } from '../db/audit';
import type { AuditVerification } from '../db/audit-chain';
import { openDatabase } from '../db/database';
import { databasePath } from '../engine/data-dir';
import { EinthovenError } from '../errors';
import { fsyncDir, ioError, temporaryName, writeFileAtomic } from './atomic';

/**
 * Backing up a data folder while the app may be running, checking a backup, and restoring one.
 *
 * The database is copied with SQLite's `VACUUM INTO`: one read transaction, so the copy is a
 * consistent snapshot (committed work only, the WAL's included) and the app's writers are never
 * blocked; copying the file itself while the app writes could catch half a transaction, or miss
 * the `-wal` holding the latest ones. The model packages and the exports are copied beside it, and
 * a manifest names every file with its SHA-256, the audit trail's head and the record count; the
 * manifest is written last, so a folder without one is an unfinished backup. The installation's
 * signing key is left out: a backup is copied to places a private key must not go, and the key has
 * the hospital's own procedure (docs/security.md). Training checkpoints are left out too: they only
 * resume an interrupted job.
 */
export const manifestName = 'backup-manifest.json';
const databaseName = 'einthoven.sqlite';
/** Folders of the data folder a backup carries. */
const carriedFolders = ['models', 'exports'] as const;
const leftOut = [
  "keys/ (the installation's signing key: back it up apart, under the hospital's key procedure)",
  'checkpoints/ (state to resume an interrupted training job)',
] as const;

const FileEntrySchema = z.object({ path: z.string().min(1), bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) });
const ManifestSchema = z
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

export interface BackupCheck {
  readonly ok: boolean;
  /** Each thing that does not match the manifest, or fails SQLite's or the audit trail's own check. */
  readonly problems: readonly string[];
  readonly manifest: BackupManifest | null;
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every file under `dir`, as paths relative to `root` with forward slashes (the manifest is read on any OS). */
function filesUnder(root: string, dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(root, full);
    return entry.isFile() ? [path.relative(root, full).split(path.sep).join('/')] : [];
  });
}

/** What SQLite and the audit trail say of a database file: integrity, records, the chain and its head. */
function inspectDatabase(file: string): { integrity: string; schemaVersion: number; records: number; audit: AuditVerification } {
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

async function emptyFolder(dir: string, what: string): Promise<void> {
  if (existsSync(dir) && (!statSync(dir).isDirectory() || (await readdir(dir)).length > 0)) {
    throw new EinthovenError('E_CONFLICT', `${what} ${dir} is not an empty folder: nothing is written over existing files; choose a new folder`);
  }
  await mkdir(dir, { recursive: true });
}

async function copyEntry(fromRoot: string, toRoot: string, relative: string): Promise<z.infer<typeof FileEntrySchema>> {
  const target = path.join(toRoot, ...relative.split('/'));
  await mkdir(path.dirname(target), { recursive: true });
  await copyFile(path.join(fromRoot, ...relative.split('/')), target);
  // The hash is of the copy as written: what the manifest promises is what lies in the backup.
  return { path: relative, bytes: statSync(target).size, sha256: await sha256(target) };
}

/**
 * Backs up the data folder `dataDir` into the new or empty folder `dest` and checks the copy
 * before writing its manifest. The database may be in use by the app meanwhile. Audits nothing:
 * `createBackup` does, or the engine, which runs this on a thread of its own (backup-thread.ts).
 */
export async function writeBackup(dataDir: string, dest: string): Promise<BackupManifest> {
  const source = databasePath(dataDir);
  if (!existsSync(source)) throw new EinthovenError('E_NOT_FOUND', `no Einthoven database at ${source}`);
  const inside = path.relative(path.resolve(dataDir), path.resolve(dest));
  if (inside === '' || (!inside.startsWith('..') && !path.isAbsolute(inside))) {
    throw new EinthovenError('E_VALIDATION', `${dest} is inside the data folder it would back up: a backup there is lost with it (and would copy itself); choose a folder elsewhere, ideally another disk`);
  }
  await emptyFolder(dest, 'the backup folder');
  const copy = path.join(dest, databaseName);
  const partial = temporaryName(copy, 'partial');
  const { db } = openDatabase(source, undefined, { readonly: true });
  try {
    db.prepare('VACUUM INTO ?').run(partial);
  } catch (error) {
    // A full or failing disk: no half copy left behind under a name that could be taken for one.
    await rm(partial, { force: true });
    throw ioError(partial, error);
  } finally {
    db.close();
  }
  await rename(partial, copy);
  const inspected = inspectDatabase(copy);
  if (inspected.integrity !== 'ok') throw new EinthovenError('E_IO', `the database copy in ${dest} fails SQLite's integrity check (${inspected.integrity}); the backup is not usable`);
  if (!inspected.audit.ok) throw new EinthovenError('E_CONFLICT', `the audit trail being backed up fails its check at entry ${inspected.audit.problem?.id}: ${inspected.audit.problem?.reason}; run ecg audit --verify (for an investigation, copy the whole data folder with the app closed)`);
  const files: z.infer<typeof FileEntrySchema>[] = [];
  for (const folder of carriedFolders) for (const relative of filesUnder(dataDir, path.join(dataDir, folder))) files.push(await copyEntry(dataDir, dest, relative));
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
  await writeFileAtomic(path.join(dest, manifestName), `${JSON.stringify(manifest, null, 2)}\n`);
  fsyncDir(dest);
  return manifest;
}

/** What the audit entry of a backup says: where it went, what it holds, the trail's head it ends at. */
export function backupAuditDetails(dest: string, manifest: BackupManifest): Record<string, unknown> {
  const { database } = manifest;
  return { to: dest, createdAt: manifest.createdAt, databaseSha256: database.sha256, records: database.records, auditHead: { id: database.audit.lastId, hash: database.audit.head }, files: manifest.files.length };
}

/** `writeBackup`, then the backup audited through `audit` (the CLI's way). */
export async function createBackup(dataDir: string, dest: string, audit: AuditAppend): Promise<{ manifest: BackupManifest; notAudited: string | null }> {
  const manifest = await writeBackup(dataDir, dest);
  return { manifest, notAudited: tryAudit(audit, 'data.backup', backupAuditDetails(dest, manifest)) };
}

/** Appends an entry to an audit trail: the engine's own log in the app, a connection of its own from the CLI. */
export type AuditAppend = (action: 'data.backup' | 'data.restored', details: Record<string, unknown>) => void;

/** Appends through a connection of its own to the database at `file` (the CLI's way, the app maybe running beside it). */
export function auditThroughFile(file: string, actor: string): AuditAppend {
  return (action, details) => {
    const { db, readonly } = openDatabase(file);
    try {
      if (readonly) throw new Error('the data folder is read-only');
      new AuditLog(db).append(actor, action, null, details);
    } finally {
      db.close();
    }
  };
}

/**
 * Audits what was done: null when done, else why not (a data folder on read-only media; a write
 * lock held past SQLite's busy timeout). The backup or restore it reports is complete and checked
 * either way, so that is said, not thrown.
 */
function tryAudit(audit: AuditAppend, action: 'data.backup' | 'data.restored', details: Record<string, unknown>): string | null {
  try {
    audit(action, details);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
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

function readManifest(dir: string): BackupManifest {
  const file = path.join(dir, manifestName);
  if (!existsSync(file)) throw new EinthovenError('E_NOT_FOUND', `no ${manifestName} in ${dir}: not an Einthoven backup, or one that did not finish`);
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

/** A file of the backup against its manifest entry: missing, another size, another hash. */
async function fileProblem(dir: string, entry: z.infer<typeof FileEntrySchema>): Promise<string | null> {
  if (entry.path.split('/').some((part) => part === '..' || part === '') || path.isAbsolute(entry.path)) return `${entry.path}: not a path inside the backup`;
  const file = path.join(dir, ...entry.path.split('/'));
  if (!existsSync(file)) return `${entry.path}: missing`;
  const bytes = statSync(file).size;
  if (bytes !== entry.bytes) return `${entry.path}: ${bytes} bytes, the manifest says ${entry.bytes}`;
  return (await sha256(file)) === entry.sha256 ? null : `${entry.path}: its SHA-256 is not the manifest's (changed since the backup)`;
}

/** Checks a backup folder: every file against the manifest, the database by SQLite and its audit trail by its hash chain. Reads only. */
export async function checkBackup(dir: string): Promise<BackupCheck> {
  const manifest = readManifest(dir);
  const problems: string[] = [];
  for (const entry of [manifest.database, ...manifest.files]) {
    const problem = await fileProblem(dir, entry);
    if (problem) problems.push(problem);
  }
  const listed = new Set([manifest.database.path, manifestName, ...manifest.files.map((f) => f.path)]);
  for (const extra of filesUnder(dir, dir).filter((f) => !listed.has(f))) problems.push(`${extra}: not in the manifest`);
  if (existsSync(path.join(dir, manifest.database.path))) {
    const inspected = inspectDatabase(path.join(dir, manifest.database.path));
    if (inspected.integrity !== 'ok') problems.push(`${manifest.database.path}: SQLite integrity check: ${inspected.integrity}`);
    if (!inspected.audit.ok) problems.push(`audit trail: fails at entry ${inspected.audit.problem?.id}: ${inspected.audit.problem?.reason}`);
    if (inspected.audit.head !== manifest.database.audit.head) problems.push(`audit trail: head ${inspected.audit.head ?? 'none'}, the manifest says ${manifest.database.audit.head ?? 'none'}`);
    if (inspected.records !== manifest.database.records) problems.push(`records: ${inspected.records}, the manifest says ${manifest.database.records}`);
  }
  return { ok: problems.length === 0, problems, manifest };
}

/**
 * Restores a checked backup into `dataDir`, which must hold no database: a restore never writes
 * over what is stored (move the current data folder aside first). Files are copied to a folder
 * beside the target and renamed into place, so an interrupted restore leaves no half data folder.
 */
export async function restoreBackup(dir: string, dataDir: string, actor: string): Promise<{ manifest: BackupManifest; notAudited: string | null }> {
  const check = await checkBackup(dir);
  if (!check.ok || !check.manifest) throw new EinthovenError('E_CONFLICT', `the backup in ${dir} fails its check, nothing was restored: ${check.problems.join('; ')}`);
  if (existsSync(databasePath(dataDir))) throw new EinthovenError('E_CONFLICT', `${dataDir} already holds a database: a restore never writes over stored records; move that folder aside or restore into a new one`);
  if (existsSync(dataDir) && (await readdir(dataDir)).length > 0) throw new EinthovenError('E_CONFLICT', `${dataDir} is not empty: restore into a new or empty folder`);
  const staging = temporaryName(dataDir, 'restoring');
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  for (const entry of [check.manifest.database, ...check.manifest.files]) await copyEntry(dir, staging, entry.path);
  if (existsSync(dataDir)) await rm(dataDir, { recursive: true });
  await mkdir(path.dirname(dataDir), { recursive: true });
  await rename(staging, dataDir);
  fsyncDir(path.dirname(dataDir));
  // The restored trail goes on from the backup's head and says where it came from; what was done after the backup is not in it.
  const notAudited = tryAudit(auditThroughFile(databasePath(dataDir), actor), 'data.restored', { from: dir, backupCreatedAt: check.manifest.createdAt, source: check.manifest.source, auditHead: { id: check.manifest.database.audit.lastId, hash: check.manifest.database.audit.head } });
  return { manifest: check.manifest, notAudited };
}
