import type { RecordRemoved } from '../contract/viewer-schemas';
import type { AuditLog } from '../db/audit';
import type { Db } from '../db/database';
import type { RecordStore } from '../db/records';
import { EinthovenError } from '../errors';
import type { MeasurementCache } from './record-measurements';

export interface RemovalSources {
  readonly db: Db;
  readonly records: RecordStore;
  readonly audit: AuditLog;
  readonly measurements: MeasurementCache;
}

/** What the database cannot reach: said with every removal, so whoever removes a record knows what else to clear. */
const beyondTheDatabase = [
  // A restore of such a backup brings the record back; a backup made after the removal carries its trail, from which the restore can remove it again.
  'backups of the data folder made before now (restoring one brings the record back: make a backup now, from which a restore removes it again with --reapply-removals-from)',
  "files exported from it (the data folder's exports/, datasets from signed readings)",
  "the audit trail's earlier entries, which keep its id, content hash and file names and what readers entered about it (reading statements, PE score items), never its samples",
];

/** Said when another program's open read kept the rewritten pages from reaching the database file. */
const filesStillHold =
  "the database's files (einthoven.sqlite and its write-ahead log, einthoven.sqlite-wal) until the app is closed: another program reading the database (a command line beside the app, say) kept the rewritten pages from being written into the database and the log from being emptied now";

/** Said when the database could not be rewritten after the removal (`why`: SQLite's reason in words). */
function unusedSpaceHolds(why: string): string {
  return `copies of its fields and samples that may remain in the unused space of the database (einthoven.sqlite), which could not be rewritten now (${why}): the next removal rewrites it, or IT with the app closed (sqlite3 einthoven.sqlite VACUUM)`;
}

/**
 * Removes one record and everything stored with it, for a tracing filed under the wrong patient
 * or an erasure request. The request names the record's content hash, so a stale screen cannot
 * remove a record other than the one it shows. The database is then rewritten from its remaining
 * rows and a checkpoint empties the write-ahead log, so the samples and patient fields do not
 * linger in the database files. The audit entry says what went and why, without patient data.
 */
export function removeRecord({ db, records, audit, measurements }: RemovalSources, request: { id: number; contentHash: string; reason: string }): RecordRemoved {
  const record = records.get(request.id);
  if (!record) throw new EinthovenError('E_NOT_FOUND', `record ${request.id} does not exist`);
  if (record.contentHash !== request.contentHash) {
    throw new EinthovenError('E_CONFLICT', `record ${request.id} is not the tracing the request names (content hash ${request.contentHash.slice(0, 12)}…, stored ${record.contentHash.slice(0, 12)}…); open it again before removing it`);
  }
  // The removal and its audit entry commit together: a record never goes without a word in the trail.
  const removed = db
    .transaction(() => {
      const went = records.remove(record.id);
      if (went) audit.append('user', 'record.removed', `record:${record.id}`, { contentHash: record.contentHash, format: record.format, importedAt: record.importedAt, reason: request.reason, removed: went });
      return went;
    })
    .immediate();
  if (!removed) throw new EinthovenError('E_NOT_FOUND', `record ${request.id} does not exist`);
  measurements.forget(record.id);
  // Removed and audited whatever follows: a rewrite that fails is said, not thrown.
  const notRewritten = rewriteFailure(db);
  const remainsIn = [...beyondTheDatabase, ...(notRewritten === undefined ? [] : [unusedSpaceHolds(notRewritten)]), ...(logEmptied(db) ? [] : [filesStillHold])];
  return { id: record.id, contentHash: record.contentHash, removed, remainsIn };
}

/**
 * Rewrites every page of the database from the rows that remain (VACUUM); undefined when done,
 * otherwise why not. secure_delete (on for every writable connection: core/db/database.ts) zeroes
 * the cells and pages a delete frees, but not the old copy SQLite leaves in a page's unused space
 * when it moves cells to another page (a split or rebalance; btree.c's rebuildPage does not clear
 * the gap): a record's patient fields, written before later imports split their page, stayed in
 * an interior page after its removal. The cost grows with the database (docs/benchmarks.md).
 */
function rewriteFailure(db: Db): string | undefined {
  try {
    db.exec('VACUUM');
    return undefined;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    // Another process writing (an import in a second ecg) past the busy timeout; a full disk (the rewrite needs room for a second copy).
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return 'another program held its write lock';
    if (code === 'SQLITE_FULL') return 'the disk has no room for the rewritten copy';
    if (typeof code === 'string' && code.startsWith('SQLITE_')) return `SQLite: ${(error as Error).message}`;
    throw error;
  }
}

/**
 * Until a checkpoint, the rewritten pages are in the write-ahead log and the database file keeps
 * its old pages; the log keeps them until it is truncated. Another connection's open read (a CLI beside the app, the audit verifier) keeps it
 * from being emptied after the busy timeout: then it is said, not assumed.
 */
function logEmptied(db: Db): boolean {
  const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
  return result === undefined || (result.busy === 0 && result.log <= 0);
}
