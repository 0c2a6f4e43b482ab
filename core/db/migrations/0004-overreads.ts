import type { Migration } from './types';

/**
 * A cardiologist's reading of a record (overread): the statements confirmed, a note, who read it,
 * which stored prediction was on screen and whether the reader agreed with it. Immutable like
 * predictions: an amended reading is a new row naming the one it supersedes, so every version
 * that was ever signed stays on file. A record with no reading is "unconfirmed".
 */
export const migration0004: Migration = {
  version: 4,
  name: 'overreads',
  sql: `
    CREATE TABLE overreads (
      id INTEGER PRIMARY KEY,
      record_id INTEGER NOT NULL REFERENCES records (id) ON DELETE CASCADE,
      statements TEXT NOT NULL,            -- JSON [{code: SCP code | null for free text, text}]
      note TEXT NOT NULL,
      reader TEXT NOT NULL CHECK (length(reader) BETWEEN 1 AND 120),
      prediction_id INTEGER REFERENCES predictions (id),
      agreement TEXT CHECK (agreement IN ('agree', 'partly', 'disagree')),
      supersedes INTEGER REFERENCES overreads (id),
      confirmed_at TEXT NOT NULL,
      CHECK ((prediction_id IS NULL) = (agreement IS NULL))
    ) STRICT;

    CREATE INDEX overreads_record ON overreads (record_id, id);

    CREATE TRIGGER overreads_no_update BEFORE UPDATE ON overreads
    BEGIN SELECT RAISE(ABORT, 'overreads are immutable: UPDATE refused'); END;
  `,
};
