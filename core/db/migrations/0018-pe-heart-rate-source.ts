import type { Migration } from './types';

/**
 * Where a PE score entry's heart rate came from: 'ecg' when the clinician took the ECG's measured
 * rate (the form's one-click offer, unchanged), 'entered' when it was typed. Wells counts a rate
 * above 100; the rate of the 10 s tracing is not necessarily the clinical one at assessment, so a
 * reader of the entry must be able to tell which it was. NULL where the entry has no heart rate,
 * and for every entry made before this migration (its source was not recorded).
 */
export const migration0018: Migration = {
  version: 18,
  name: 'pe-heart-rate-source',
  sql: `
    ALTER TABLE pe_assessments ADD COLUMN heart_rate_source TEXT CHECK (heart_rate_source IS NULL OR heart_rate_source IN ('ecg', 'entered'));
  `,
};
