import type { Migration } from './types';

/**
 * Why a prediction's model applies no temperature, or what its temperature means, when the
 * validation rows could not determine one (core/train/calibration.ts `calibrationTemperature`):
 * part of the operating point every stored prediction repeats. NULL for every prediction made
 * before this migration and for every model whose temperature was fitted normally. (Version 8
 * was never shipped.)
 */
export const migration0010: Migration = {
  version: 10,
  name: 'prediction-calibration-note',
  sql: `
    ALTER TABLE predictions ADD COLUMN op_calibration_note TEXT CHECK (op_calibration_note IS NULL OR length(op_calibration_note) BETWEEN 1 AND 500);
  `,
};
