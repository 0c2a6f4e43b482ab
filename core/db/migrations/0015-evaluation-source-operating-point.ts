import type { Migration } from './types';

/**
 * A third source of a site evaluation, 'operating-point': the locked-test figures a site operating
 * point job records for the model it derives (core/engine/training-audit.ts), which until now were
 * filed as 'evaluate' and could not be told from a plain evaluation in a model's history.
 *
 * SQLite cannot change a CHECK in place, so the table is rebuilt by its documented procedure
 * (https://www.sqlite.org/lang_altertable.html#otheralter): create the new table, copy every row
 * with its id, drop the old one, rename the new one, then recreate its index and triggers. Same
 * columns in the same order (calibration last, as migration 0013 added it), same constraints.
 *
 * Steps 1 and 12 (foreign_keys off and on) are left out: the runner applies a migration inside a
 * transaction, where PRAGMA foreign_keys is a no-op. They are not needed here: no table references
 * model_evaluations, so dropping it under foreign_keys = ON deletes no child row; its triggers go
 * with it before that implicit DELETE, so the append-only trigger does not refuse it. Each copied
 * row's reference to model_registry is checked as it is inserted, which is the foreign-key check
 * of step 10: a broken reference aborts the migration and the whole transaction rolls back.
 */
export const migration0015: Migration = {
  version: 15,
  name: 'evaluation-source-operating-point',
  sql: `
    CREATE TABLE model_evaluations_rebuilt (
      id INTEGER PRIMARY KEY,
      model_id TEXT NOT NULL REFERENCES model_registry (id),
      weights_sha256 TEXT NOT NULL,
      split TEXT NOT NULL CHECK (split = 'test'),
      source TEXT NOT NULL CHECK (source IN ('finetune', 'evaluate', 'operating-point')),
      dataset_name TEXT NOT NULL,
      dataset_root TEXT NOT NULL,
      labels TEXT,
      n INTEGER NOT NULL CHECK (n >= 0),
      metrics TEXT NOT NULL,                -- JSON, as ecg evaluate --json
      ci TEXT NOT NULL,                     -- JSON {metric: {low, high}}
      comparison TEXT,                      -- JSON: the base model on the same records (fine-tunings)
      actor TEXT NOT NULL,
      created_at TEXT NOT NULL,
      calibration TEXT CHECK (calibration IS NULL OR json_valid(calibration))
    ) STRICT;

    INSERT INTO model_evaluations_rebuilt (id, model_id, weights_sha256, split, source, dataset_name, dataset_root, labels, n, metrics, ci, comparison, actor, created_at, calibration)
      SELECT id, model_id, weights_sha256, split, source, dataset_name, dataset_root, labels, n, metrics, ci, comparison, actor, created_at, calibration FROM model_evaluations;

    DROP TABLE model_evaluations;
    ALTER TABLE model_evaluations_rebuilt RENAME TO model_evaluations;

    CREATE INDEX model_evaluations_model ON model_evaluations (model_id, id);

    CREATE TRIGGER model_evaluations_no_update BEFORE UPDATE ON model_evaluations
    BEGIN SELECT RAISE(ABORT, 'model evaluations are append-only: UPDATE refused'); END;
    CREATE TRIGGER model_evaluations_no_delete BEFORE DELETE ON model_evaluations
    BEGIN SELECT RAISE(ABORT, 'model evaluations are append-only: DELETE refused'); END;
  `,
};
