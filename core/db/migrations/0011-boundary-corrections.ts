import type { Migration } from './types';

/**
 * A reader's correction of the wave boundaries on a record's median beat (P onset and offset,
 * QRS onset and offset, T end, in ms from the median beat's R; or the P wave marked absent).
 * Immutable like readings: a new correction is a new row naming the one it supersedes, and
 * going back to the program's boundaries is a row with none (`{}`), so every version a reader
 * ever set stays on file. The newest row of a record is the one its measurements use.
 */
export const migration0011: Migration = {
  version: 11,
  name: 'boundary-corrections',
  sql: `
    CREATE TABLE boundary_corrections (
      id INTEGER PRIMARY KEY,
      record_id INTEGER NOT NULL REFERENCES records (id) ON DELETE CASCADE,
      boundaries TEXT NOT NULL,            -- JSON {pOnset?, pOffset?, qrsOnset?, qrsOffset?, tEnd?: ms from R; pAbsent?: true}
      reader TEXT NOT NULL CHECK (length(reader) BETWEEN 1 AND 120),
      note TEXT NOT NULL,
      supersedes INTEGER REFERENCES boundary_corrections (id),
      corrected_at TEXT NOT NULL
    ) STRICT;

    CREATE INDEX boundary_corrections_record ON boundary_corrections (record_id, id);

    CREATE TRIGGER boundary_corrections_no_update BEFORE UPDATE ON boundary_corrections
    BEGIN SELECT RAISE(ABORT, 'boundary corrections are immutable: UPDATE refused'); END;
  `,
};
