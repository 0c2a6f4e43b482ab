import type { Migration } from './types';

/**
 * Locked-test evaluations of models on this site's data (a fine-tuning's closing evaluation on
 * the hospital's test rows, or `ecg evaluate --split test --record`): what a promotion to the
 * default model must rest on. Append-only, like predictions. Predictions also keep why a record
 * was outside the model's intended input (out of scope), when it was.
 */
export const migration0005: Migration = {
  version: 5,
  name: 'model-evaluations',
  sql: `
    CREATE TABLE model_evaluations (
      id INTEGER PRIMARY KEY,
      model_id TEXT NOT NULL REFERENCES model_registry (id),
      weights_sha256 TEXT NOT NULL,
      split TEXT NOT NULL CHECK (split = 'test'),
      source TEXT NOT NULL CHECK (source IN ('finetune', 'evaluate')),
      dataset_name TEXT NOT NULL,
      dataset_root TEXT NOT NULL,
      labels TEXT,
      n INTEGER NOT NULL CHECK (n >= 0),
      metrics TEXT NOT NULL,                -- JSON, as ecg evaluate --json
      ci TEXT NOT NULL,                     -- JSON {metric: {low, high}}
      comparison TEXT,                      -- JSON: the base model on the same records (fine-tunings)
      actor TEXT NOT NULL,
      created_at TEXT NOT NULL
    ) STRICT;

    CREATE INDEX model_evaluations_model ON model_evaluations (model_id, id);

    CREATE TRIGGER model_evaluations_no_update BEFORE UPDATE ON model_evaluations
    BEGIN SELECT RAISE(ABORT, 'model evaluations are append-only: UPDATE refused'); END;
    CREATE TRIGGER model_evaluations_no_delete BEFORE DELETE ON model_evaluations
    BEGIN SELECT RAISE(ABORT, 'model evaluations are append-only: DELETE refused'); END;

    ALTER TABLE predictions ADD COLUMN out_of_scope TEXT;   -- JSON [reason, …] when the record was outside the model's intended input
  `,
};
