import type { Migration } from './types';

/**
 * The clinical pre-test scores for pulmonary embolism entered on a record (Wells, Geneva,
 * YEARS, PEGeD, age-adjusted D-dimer): the items as entered and the scores computed from them
 * at that moment, who entered them and why. Immutable like physician readings: a correction is
 * a new row naming the one it supersedes, so every version that was entered stays on file.
 */
export const migration0006: Migration = {
  version: 6,
  name: 'pe-assessments',
  sql: `
    CREATE TABLE pe_assessments (
      id INTEGER PRIMARY KEY,
      record_id INTEGER NOT NULL REFERENCES records (id) ON DELETE CASCADE,
      items TEXT NOT NULL,                 -- JSON {item id: boolean | number}; a missing key is "not assessed"
      scores TEXT NOT NULL,                -- JSON [score result] as computed from the items when entered
      assessor TEXT NOT NULL CHECK (length(assessor) BETWEEN 1 AND 120),
      note TEXT NOT NULL,
      supersedes INTEGER REFERENCES pe_assessments (id),
      entered_at TEXT NOT NULL
    ) STRICT;

    CREATE INDEX pe_assessments_record ON pe_assessments (record_id, id);

    CREATE TRIGGER pe_assessments_no_update BEFORE UPDATE ON pe_assessments
    BEGIN SELECT RAISE(ABORT, 'PE assessments are immutable: UPDATE refused'); END;
  `,
};
