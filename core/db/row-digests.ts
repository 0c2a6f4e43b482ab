import { createHash, createHmac } from 'node:crypto';
import type { Db } from './database';

/**
 * What an audit entry holds of the row it recorded, beyond the ids and codes it names in clear:
 * a SHA-256 over the row's columns as stored. Written with the entry (in the same transaction
 * as the row) and recomputed by `ecg audit --verify`, so an edited note, probability or reader
 * is found even where the entry does not spell the value out. Entries written before these
 * digests existed have none; for them only what they name in clear is compared.
 */
export const digestedColumns = {
  overreads: ['record_id', 'statements', 'note', 'reader', 'prediction_id', 'agreement', 'supersedes', 'confirmed_at'],
  predictions: [
    'record_id', 'model_id', 'model_weights_sha256', 'classes', 'op_method', 'op_target', 'op_temperature', 'op_thresholds', 'op_calibration_note',
    'probabilities', 'decisions', 'abstained', 'abstain_reason', 'quality_verdict', 'quality_reasons', 'out_of_scope', 'engine_version', 'actor', 'created_at',
  ],
  tracing_notes: ['record_id', 'at_s', 'lead', 'text', 'author', 'retracts', 'created_at'],
  fiducial_corrections: ['record_id', 'boundaries', 'beats', 'reader', 'note', 'supersedes', 'corrected_at'],
  pe_assessments: ['record_id', 'items', 'scores', 'assessor', 'note', 'supersedes', 'entered_at'],
} as const;

export type DigestedTable = keyof typeof digestedColumns;

/** A row as SQLite returns it: every digested column is TEXT, INTEGER, REAL or NULL. */
export type StoredRow = Readonly<Record<string, unknown>>;

export function rowDigest(table: DigestedTable, row: StoredRow): string {
  const values = digestedColumns[table].map((column) => row[column] ?? null);
  return createHash('sha256').update(JSON.stringify(values)).digest('hex');
}

/** The digest of a row just written, read back as stored (so the writer and the verifier hash the same text). */
export function storedRowDigest(db: Db, table: DigestedTable, id: number): string {
  // Table and column names come from digestedColumns above, never from input.
  const row = db.prepare(`SELECT ${digestedColumns[table].join(', ')} FROM ${table} WHERE id = ?`).get(id) as StoredRow | undefined;
  if (!row) throw new Error(`${table} ${id} was not stored`);
  return rowDigest(table, row);
}

/** The record columns that say whose tracing it is and where it came from (the samples are covered by the content hash). */
export const identityColumns = [
  'patient_id', 'patient_name', 'patient_sex', 'patient_age_years', 'patient_birth_date', 'recorded_at',
  'source_path', 'format', 'format_version', 'leads', 'missing_leads', 'statements', 'warnings', 'imported_at',
] as const;

/** Bytes of the samples that key the identity digest: far more than anyone could guess, and cheap to read. */
const identityKeyBytes = 4096;

/**
 * An HMAC of the record's identity columns keyed by its first samples. A plain hash of a patient
 * id and name would let anyone holding the trail test guessed names against it, even after the
 * record was removed on an erasure request; keyed by the samples, which the removal overwrites,
 * it can be recomputed only while the record itself is on file.
 */
export function recordIdentityHmac(row: StoredRow, signal: Uint8Array): string {
  const values = identityColumns.map((column) => row[column] ?? null);
  return createHmac('sha256', signal.subarray(0, identityKeyBytes)).update(JSON.stringify(values)).digest('hex');
}

export function storedIdentityHmac(db: Db, recordId: number): string {
  const row = db.prepare(`SELECT ${identityColumns.join(', ')}, s.data FROM records r JOIN record_signals s ON s.record_id = r.id WHERE r.id = ?`).get(recordId) as
    | (StoredRow & { data: Buffer })
    | undefined;
  if (!row) throw new Error(`record ${recordId} was not stored`);
  return recordIdentityHmac(row, row.data);
}
