import type { MissingStretch } from './missing-stretches';
import { detectQrs, type BeatDetection } from './qrs';
import { assessRecord, type NamedLead, type RecordQuality } from './record-quality';

/**
 * One record's QRS detection and lead quality, kept for a second reader of the very same leads.
 * A prediction reads them in its quality gate (core/train/quality-gate.ts: the model's leads) and
 * again in its scope check (core/train/scope.ts: the leads present; spike detection needs the
 * beats, and under 250 Hz the QRS width starts from the detection and the lead quality), and on a
 * standard 12-lead record those are the same arrays in the same order (docs/benchmarks.md,
 * "predict-gates"). detectQrs and assessRecord are deterministic and leave their input as it was,
 * so a reading is given again only where a new call would return the same: the same sample arrays
 * (===) in the same order at the same rate, and for lead quality the same names and the detection
 * given here for those leads. Anything else is computed, and kept. The samples must not change
 * while an instance is in use: it lives for one record (predictor.ts predictionGates).
 */
export class RecordReadings {
  private readonly detections: { readonly fs: number; readonly leads: readonly ArrayLike<number>[]; readonly detection: BeatDetection }[] = [];
  private readonly qualities: { readonly fs: number; readonly leads: readonly NamedLead[]; readonly detection: BeatDetection; readonly quality: RecordQuality }[] = [];
  /** How many readings were given again instead of computed (what the bench and the tests look at). */
  readonly reused = { detections: 0, qualities: 0 };

  /** detectQrs(leads, fs, missingByLead): the stretches are the leads' own, so the same leads give the same detection. */
  detect(leads: readonly ArrayLike<number>[], fs: number, missingByLead?: readonly (readonly MissingStretch[])[]): BeatDetection {
    const kept = this.detectionOf(leads, fs);
    if (kept) return kept;
    const detection = detectQrs(leads, fs, missingByLead);
    this.detections.push({ fs, leads: [...leads], detection });
    return detection;
  }

  /**
   * The detection already made of these leads, without making one: for detectPacing, which detects
   * only after checks of its own (rate, usable leads) and is given beats where they are known.
   */
  detectionOf(leads: readonly ArrayLike<number>[], fs: number): BeatDetection | undefined {
    const kept = this.detections.find((d) => d.fs === fs && sameArrays(d.leads, leads));
    if (kept) this.reused.detections++;
    return kept?.detection;
  }

  /** assessRecord(leads, fs, detection) against the 12 standard leads (its default). */
  assess(leads: readonly NamedLead[], fs: number, detection: BeatDetection): RecordQuality {
    const kept = this.qualities.find((q) => q.fs === fs && q.detection === detection && q.leads.length === leads.length && q.leads.every((l, k) => l.name === leads[k]?.name && l.samples === leads[k]?.samples));
    if (kept) {
      this.reused.qualities++;
      return kept.quality;
    }
    const quality = assessRecord(leads, fs, detection);
    this.qualities.push({ fs, leads: leads.map((l) => ({ name: l.name, samples: l.samples })), detection, quality });
    return quality;
  }
}

function sameArrays(a: readonly ArrayLike<number>[], b: readonly ArrayLike<number>[]): boolean {
  return a.length === b.length && a.every((lead, k) => lead === b[k]);
}
