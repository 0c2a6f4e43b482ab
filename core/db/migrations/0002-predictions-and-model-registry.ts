import type { Migration } from './types';

/**
 * Every prediction shown to a user, kept with the model and operating point that produced it,
 * and a registry of the models this workstation has used or trained. A prediction row is
 * self-describing (model name, weights hash, method, thresholds, temperature are copied into it)
 * so the history stays readable after a model package is deleted; the registry keeps each
 * model's manifest as first seen, so its provenance survives too. Both are immutable: a result
 * that was shown must not change afterwards.
 */
export const migration0002: Migration = {
  version: 2,
  name: 'predictions-and-model-registry',
  sql: `
    CREATE TABLE model_registry (
      id TEXT PRIMARY KEY,                 -- manifest id: name@first 12 hex digits of the weights' SHA-256
      name TEXT NOT NULL,
      weights_sha256 TEXT NOT NULL CHECK (length(weights_sha256) = 64),
      architecture TEXT NOT NULL,
      classes TEXT NOT NULL,               -- JSON [string]
      demonstration INTEGER NOT NULL CHECK (demonstration IN (0, 1)),
      origin TEXT NOT NULL CHECK (origin IN ('bundled', 'user')),
      base_model_id TEXT,                  -- the package a fine-tuned model started from
      manifest TEXT NOT NULL,              -- JSON: the manifest as first seen
      registered_at TEXT NOT NULL
    ) STRICT;

    CREATE TRIGGER model_registry_no_update BEFORE UPDATE ON model_registry
    BEGIN SELECT RAISE(ABORT, 'model_registry is immutable: UPDATE refused'); END;

    CREATE TABLE predictions (
      id INTEGER PRIMARY KEY,
      record_id INTEGER NOT NULL REFERENCES records (id) ON DELETE CASCADE,
      model_id TEXT NOT NULL REFERENCES model_registry (id),
      model_name TEXT NOT NULL,
      model_weights_sha256 TEXT NOT NULL CHECK (length(model_weights_sha256) = 64),
      demonstration INTEGER NOT NULL CHECK (demonstration IN (0, 1)),
      classes TEXT NOT NULL,               -- JSON [string], the model's output order
      op_method TEXT NOT NULL,             -- how the thresholds were chosen: f1 | youden | fixed
      op_temperature REAL NOT NULL CHECK (op_temperature > 0),
      op_thresholds TEXT NOT NULL,         -- JSON {class: threshold}
      probabilities TEXT,                  -- JSON {class: calibrated probability}; NULL when abstained
      decisions TEXT,                      -- JSON {class: probability > threshold}; NULL when abstained
      abstained INTEGER NOT NULL CHECK (abstained IN (0, 1)),
      abstain_reason TEXT,
      quality_verdict TEXT NOT NULL CHECK (quality_verdict IN ('good', 'degraded', 'unusable')),
      quality_reasons TEXT NOT NULL,       -- JSON [string]
      engine_version TEXT NOT NULL,
      actor TEXT NOT NULL,
      created_at TEXT NOT NULL,
      CHECK ((abstained = 1 AND probabilities IS NULL AND decisions IS NULL AND abstain_reason IS NOT NULL)
          OR (abstained = 0 AND probabilities IS NOT NULL AND decisions IS NOT NULL AND abstain_reason IS NULL))
    ) STRICT;

    CREATE INDEX predictions_record ON predictions (record_id, id);
    CREATE INDEX predictions_model ON predictions (model_id);

    CREATE TRIGGER predictions_no_update BEFORE UPDATE ON predictions
    BEGIN SELECT RAISE(ABORT, 'predictions are immutable: UPDATE refused'); END;
  `,
};
