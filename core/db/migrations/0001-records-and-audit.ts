import type { Migration } from './types';

/**
 * Records with their signals, an append-only audit log and a small key/value state table.
 * Signals live in their own table so listing records never reads waveform blobs.
 */
export const migration0001: Migration = {
  version: 1,
  name: 'records-and-audit',
  sql: `
    CREATE TABLE records (
      id INTEGER PRIMARY KEY,
      content_hash TEXT NOT NULL UNIQUE,
      source_path TEXT NOT NULL,
      format TEXT NOT NULL,
      format_version TEXT,
      fs REAL NOT NULL CHECK (fs > 0),
      n_samples INTEGER NOT NULL CHECK (n_samples >= 0),
      leads TEXT NOT NULL,            -- JSON [{name, derived}]
      missing_leads TEXT NOT NULL,    -- JSON [name]
      patient_id TEXT,
      patient_name TEXT,
      patient_sex TEXT CHECK (patient_sex IN ('M', 'F', 'U')),
      patient_age_years REAL,
      patient_birth_date TEXT,
      recorded_at TEXT,
      statements TEXT NOT NULL,       -- JSON [string]
      warnings TEXT NOT NULL,         -- JSON [string]
      imported_at TEXT NOT NULL
    ) STRICT;

    CREATE INDEX records_imported_at ON records (imported_at);
    CREATE INDEX records_patient_id ON records (patient_id);

    CREATE TABLE record_signals (
      record_id INTEGER PRIMARY KEY REFERENCES records (id) ON DELETE CASCADE,
      encoding TEXT NOT NULL CHECK (encoding = 'f32le-lead-major'),
      data BLOB NOT NULL
    ) STRICT;

    CREATE TABLE audit_log (
      id INTEGER PRIMARY KEY,
      at TEXT NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      subject TEXT,
      details TEXT NOT NULL           -- JSON object
    ) STRICT;

    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END;

    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused'); END;

    CREATE TABLE app_state (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT;
  `,
};
