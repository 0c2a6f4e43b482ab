import type { RecordMeasurements } from '../../../../core/contract/viewer-schemas';

/**
 * Below 250 Hz pacemaker spikes are not in the samples, on screen or on paper, so a paced rhythm
 * is neither recognised nor visible: said on every such record that was measured (PTB-XL's
 * 100 Hz files), with the reason the engine gives.
 */
export function pacingUnassessed(m: RecordMeasurements): string | undefined {
  if (m.pacing.assessed || m.caveats.intervalsWithheld) return undefined;
  return `${m.pacing.reason.charAt(0).toUpperCase()}${m.pacing.reason.slice(1)}`;
}
