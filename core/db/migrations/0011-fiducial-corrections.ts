import type { Migration } from './types';

/**
 * A reader's corrections of a record's fiducial points: the detected beats (added, removed) and
 * the wave boundaries on its median beat (P onset and offset, QRS onset and offset, T end, in ms
 * from the median beat's R; or the P wave marked absent). Immutable like readings: a new
 * correction is a new row naming the one it supersedes, and going back to the program's is a row
 * with none, so every version a reader ever set stays on file. The newest row of a record is the
 * one its measurements use.
 */
export const migration0011: Migration = {
  version: 11,
  name: 'fiducial-corrections',
  sql: `
    CREATE TABLE fiducial_corrections (
      id INTEGER PRIMARY KEY,
      record_id INTEGER NOT NULL REFERENCES records (id) ON DELETE CASCADE,
      boundaries TEXT NOT NULL,            -- JSON {pOnset?, pOffset?, qrsOnset?, qrsOffset?, tEnd?: ms from R; pAbsent?: true}
      beats TEXT NOT NULL,                 -- JSON {added: [sample index], removed: [sample index]} at the record's rate
      reader TEXT NOT NULL CHECK (length(reader) BETWEEN 1 AND 120),
      note TEXT NOT NULL,
      supersedes INTEGER REFERENCES fiducial_corrections (id),
      corrected_at TEXT NOT NULL
    ) STRICT;

    CREATE INDEX fiducial_corrections_record ON fiducial_corrections (record_id, id);

    CREATE TRIGGER fiducial_corrections_no_update BEFORE UPDATE ON fiducial_corrections
    BEGIN SELECT RAISE(ABORT, 'fiducial corrections are immutable: UPDATE refused'); END;
  `,
};
