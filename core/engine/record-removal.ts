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

/** Said when another program's open read kept the write-ahead log from being emptied. */
const logStillHolds = "the database's write-ahead log (einthoven.sqlite-wal) until the app is closed: another program reading the database (a command line beside the app, say) kept it from being emptied now";

/**
 * Removes one record and everything stored with it, for a tracing filed under the wrong patient
 * or an erasure request. The request names the record's content hash, so a stale screen cannot
 * remove a record other than the one it shows. SQLite's secure_delete overwrites the freed pages
 * and a checkpoint empties the write-ahead log, so the samples and patient fields do not linger
 * in the database files. The audit entry says what went and why, without patient data.
 */
export function removeRecord({ db, records, audit, measurements }: RemovalSources, request: { id: number; contentHash: string; reason: string }): RecordRemoved {
  const record = records.get(request.id);
  if (!record) throw new EinthovenError('E_NOT_FOUND', `record ${request.id} does not exist`);
  if (record.contentHash !== request.contentHash) {
    throw new EinthovenError('E_CONFLICT', `record ${request.id} is not the tracing the request names (content hash ${request.contentHash.slice(0, 12)}…, stored ${record.contentHash.slice(0, 12)}…); open it again before removing it`);
  }
  const before = db.pragma('secure_delete', { simple: true }) as number;
  db.pragma('secure_delete = ON');
  let removed;
  try {
    // The removal and its audit entry commit together: a record never goes without a word in the trail.
    removed = db
      .transaction(() => {
        const went = records.remove(record.id);
        if (went) audit.append('user', 'record.removed', `record:${record.id}`, { contentHash: record.contentHash, format: record.format, importedAt: record.importedAt, reason: request.reason, removed: went });
        return went;
      })
      .immediate();
  } finally {
    db.pragma(`secure_delete = ${before === 1 ? 'ON' : 'OFF'}`);
  }
  if (!removed) throw new EinthovenError('E_NOT_FOUND', `record ${request.id} does not exist`);
  measurements.forget(record.id);
  const remainsIn = logEmptied(db) ? beyondTheDatabase : [...beyondTheDatabase, logStillHolds];
  return { id: record.id, contentHash: record.contentHash, removed, remainsIn };
}

/**
 * The write-ahead log holds page images from before the delete until it is checkpointed and
 * truncated. Another connection's open read (a CLI beside the app, the audit verifier) keeps it
 * from being emptied after the busy timeout: then it is said, not assumed.
 */
function logEmptied(db: Db): boolean {
  const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
  return result === undefined || (result.busy === 0 && result.log <= 0);
}
