import type { Migration } from './types';

/**
 * The target of a rule-out or rule-in operating point (the validation sensitivity or specificity
 * its thresholds reach; core/train/thresholds.ts `targetThreshold`): part of the operating point
 * every stored prediction repeats, so a history entry can say "rule-out: sensitivity ≥ 0.95".
 * NULL for every other method and every prediction made before this migration.
 */
export const migration0014: Migration = {
  version: 14,
  name: 'prediction-operating-target',
  sql: `
    ALTER TABLE predictions ADD COLUMN op_target REAL CHECK (op_target IS NULL OR (op_target >= 0.5 AND op_target <= 0.999));
  `,
};
