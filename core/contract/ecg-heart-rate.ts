import type { RecordMeasurements } from './viewer-schemas';

/**
 * The ECG's measured heart rate as a PE score entry may take it: the record's rate under its
 * current fiducial correction (records:measure), rounded to whole beats/min. The PE form offers
 * this number with one click, and pe:assess accepts a heart rate said to be the ECG's only when it
 * is this number, so both sides must read it here. Null when no rate was measured or the
 * intervals were withheld for signal quality: then there is no ECG rate to take.
 */
export function ecgHeartRate(m: Pick<RecordMeasurements, 'heartRateBpm' | 'caveats'>): number | null {
  if (m.heartRateBpm === null || m.caveats.intervalsWithheld) return null;
  return Math.round(m.heartRateBpm);
}

/** Why a record has no ECG rate to take, in words: the quality caveat, else the measurement's own reason. */
export function noEcgHeartRateBecause(m: Pick<RecordMeasurements, 'caveats' | 'reasons'>): string {
  return m.caveats.intervalsWithheld ?? m.reasons['heartRateBpm'] ?? 'no heart rate was measured';
}
