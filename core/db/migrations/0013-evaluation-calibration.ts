import type { Migration } from './types';

/**
 * Per class, how well a site evaluation's probabilities were calibrated on its records (Brier,
 * ECE, reliability bins; core/ml/metrics/calibration.ts), as JSON: what the app's reliability
 * diagram draws beside the locked-test figures. NULL for every evaluation recorded before this
 * migration; their figures stand, they simply have no diagram.
 */
export const migration0013: Migration = {
  version: 13,
  name: 'evaluation-calibration',
  sql: `
    ALTER TABLE model_evaluations ADD COLUMN calibration TEXT CHECK (calibration IS NULL OR json_valid(calibration));
  `,
};
