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
const remainsIn = [
  'backups of the data folder made before now',
  "files exported from it (the data folder's exports/, datasets from signed readings)",
  'the audit trail, which keeps its id, content hash and file names and what was done to it, never its samples',
];

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
    removed = records.remove(record.id);
  } finally {
    db.pragma(`secure_delete = ${before === 1 ? 'ON' : 'OFF'}`);
  }
  if (!removed) throw new EinthovenError('E_NOT_FOUND', `record ${request.id} does not exist`);
  // The log still holds the pages as they were before the delete until it is checkpointed.
  db.pragma('wal_checkpoint(TRUNCATE)');
  measurements.forget(record.id);
  audit.append('user', 'record.removed', `record:${record.id}`, { contentHash: record.contentHash, format: record.format, importedAt: record.importedAt, reason: request.reason, removed });
  return { id: record.id, contentHash: record.contentHash, removed, remainsIn };
}
