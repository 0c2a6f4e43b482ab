import { canonicalLeads, recordSeconds } from '../formats/record';
import { RecordReadings } from '../signal/record-readings';
import type { QualityVerdict } from '../signal/record-quality';

/** The signal-quality verdict a prediction carries, and whether it made the model abstain. */
export interface QualityGate {
  readonly verdict: QualityVerdict;
  /** Why the verdict is not 'good' (lead issues, missing leads …). */
  readonly reasons: string[];
  readonly abstain: boolean;
  /** One sentence for the user when abstaining. */
  readonly reason: string | null;
}

/**
 * Runs core/signal's record-quality assessment (QRS detection + per-lead checks) on the
 * record. The model abstains when that verdict is 'unusable', or when the record is shorter
 * than the model's input window (it would otherwise see mostly zero padding). The detection and
 * quality are kept in `readings`, for the scope check to read again where it reads the same leads.
 */
export function qualityGate(
  input: { readonly fs: number; readonly leads: readonly { readonly name: string; readonly samples: Float32Array }[] },
  modelLeads: readonly (Float32Array | null)[],
  minimumSeconds: number,
  readings: RecordReadings = new RecordReadings(),
): QualityGate {
  const present = canonicalLeads.flatMap((name, i) => {
    const samples = modelLeads[i];
    return samples ? [{ name, samples }] : [];
  });
  const detection = readings.detect(present.map((l) => l.samples), input.fs);
  const quality = readings.assess(present, input.fs, detection);
  const seconds = recordSeconds(input);
  if (seconds + 1e-9 < minimumSeconds) {
    return { verdict: quality.verdict, reasons: quality.reasons, abstain: true, reason: `record is ${seconds.toFixed(2)} s long; the model needs at least ${minimumSeconds.toFixed(2)} s` };
  }
  if (quality.verdict === 'unusable') return { verdict: quality.verdict, reasons: quality.reasons, abstain: true, reason: `signal quality unusable: ${quality.reasons.join('; ')}` };
  return { verdict: quality.verdict, reasons: quality.reasons, abstain: false, reason: null };
}
