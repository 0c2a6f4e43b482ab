import type { Migration } from './types';

/**
 * A reader's notes on a record's tracing ("artefact", "ST elevation here"): a point in time,
 * optionally one lead, the words and who wrote them. Immutable like readings: a note taken back is
 * a new row naming it (`retracts`), so what was on a tracing, and who took it off, stays on file.
 */
export const migration0012: Migration = {
  version: 12,
  name: 'tracing-notes',
  sql: `
    CREATE TABLE tracing_notes (
      id INTEGER PRIMARY KEY,
      record_id INTEGER NOT NULL REFERENCES records (id) ON DELETE CASCADE,
      at_s REAL,                           -- seconds from the start of the recording; NULL on a retraction
      lead TEXT,                           -- the lead it is about, NULL for all of them
      text TEXT NOT NULL,
      author TEXT NOT NULL CHECK (length(author) BETWEEN 1 AND 120),
      retracts INTEGER REFERENCES tracing_notes (id),
      created_at TEXT NOT NULL,
      CHECK ((retracts IS NULL) = (at_s IS NOT NULL))
    ) STRICT;

    CREATE INDEX tracing_notes_record ON tracing_notes (record_id, id);
    CREATE UNIQUE INDEX tracing_notes_retracted_once ON tracing_notes (retracts) WHERE retracts IS NOT NULL;

    CREATE TRIGGER tracing_notes_no_update BEFORE UPDATE ON tracing_notes
    BEGIN SELECT RAISE(ABORT, 'tracing notes are immutable: UPDATE refused'); END;
  `,
};
