import type { Migration } from './types';

/**
 * The recording device's own global measurements (GE MUSE 12SL, Philips, DICOM, HL7 aECG), kept
 * as the file stated them so the viewer can show them beside ours. One row per record that had
 * them; records imported before this migration simply have none (re-import to see them).
 */
export const migration0009: Migration = {
  version: 9,
  name: 'device-measurements',
  sql: `
    CREATE TABLE record_device_measurements (
      record_id INTEGER PRIMARY KEY REFERENCES records (id) ON DELETE CASCADE,
      source TEXT NOT NULL CHECK (length(source) BETWEEN 1 AND 200),
      measurements TEXT NOT NULL            -- JSON {heartRateBpm?, prMs?, qrsMs?, qtMs?, qtcMs?, pAxisDeg?, qrsAxisDeg?, tAxisDeg?}
    ) STRICT;
  `,
};
