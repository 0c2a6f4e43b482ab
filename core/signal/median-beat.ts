import { butter } from './butter';
import { sosfiltfilt } from './sosfilt';
import { type MissingStretch, overlapsGap, rrIndicesAcross } from './missing-stretches';
import { finiteOrZero, median } from './stats';

/** Representative beat per lead: the sample-wise median over aligned beats. */
export interface MedianBeat {
  /** One array per input lead (same order); samples [R − pre, R + post). */
  readonly leads: Float64Array[];
  /** Index of the R fiducial inside each array. */
  readonly pre: number;
  readonly fs: number;
  readonly beatsUsed: number;
  /** Sample positions of the typical beats not averaged because they were in `leaveOut` (paced beats under intermittent pacing, held complexes); absent means none. */
  readonly leftOut?: readonly number[];
  /** Median RR interval in samples (bounds the search for the T end before the next P wave). */
  readonly rr: number;
  /**
   * Per lead (same order), the beats averaged into it, where a lead missing for a stretch of its
   * own averaged fewer than `beatsUsed`; absent when every lead averaged them all.
   */
  readonly leadBeatsUsed?: readonly number[];
}

/**
 * A lead's median beat from fewer beats than this (while the other leads had as many) is not
 * taken as the lead's: one or two beats are no median, and the lead is left out of the measures
 * as a missing one is (measure.ts).
 */
export const minLeadBeats = 3;

/** Zero-phase 0.5–40 Hz: removes wander and most mains/EMG without shifting wave boundaries. */
export function cleanForMeasurement(lead: ArrayLike<number>, fs: number): Float64Array {
  const x = finiteOrZero(lead);
  const hp = butter(2, 0.5, 'highpass', fs);
  const y = x.length > 15 ? sosfiltfilt(hp, x) : x;
  if (fs <= 90) return y;
  const lp = butter(4, 40, 'lowpass', fs);
  return y.length > 27 ? sosfiltfilt(lp, y) : y;
}

/**
 * Beats whose RR before and after are both typical (±20 % of the median), so neither an
 * ectopic beat nor an early next beat inside the window (which would pass for a late T wave)
 * blurs the median. The last beat, with no RR after it, needs only the one before; likewise an
 * RR in `acrossGap` (indices into the RRs: it spans a stretch missing in every lead, rhythm.ts
 * `rrAcrossGaps`) is the gap's length, not a cycle's, so it neither counts in the median RR nor
 * makes the beats either side atypical. Counted as an RR, 1.5 s missing (4–5.5 s) from PTB-XL
 * 00330's atrial fibrillation left 3 of 9 beats typical, against 7 of 11 intact, one of them
 * averaged with the gap's zeros, and the median of those three showed a P wave at a PR of 222 ms.
 */
export function typicalBeats(beats: readonly number[], acrossGap: ReadonlySet<number> = new Set()): number[] {
  if (beats.length < 5) return [...beats];
  const rr = beats.slice(1).map((b, k) => b - (beats[k] as number));
  const recorded = rr.filter((_, k) => !acrossGap.has(k));
  if (recorded.length === 0) return [...beats];
  const m = median(recorded);
  const typical = (k: number) => k < 0 || k >= rr.length || acrossGap.has(k) || Math.abs((rr[k] as number) - m) <= 0.2 * m;
  const kept = beats.filter((_, k) => k > 0 && typical(k - 1) && typical(k));
  return kept.length >= 3 ? kept : [...beats];
}

/**
 * Median beat from cleaned leads around the detected beats. The window is 0.6 s (at most
 * 0.65 RR) before R, enough for the P wave of a first-degree AV block (PR up to ~450 ms),
 * and up to 0.7 s after, enough for the T wave at ordinary rates. Beats in `leaveOut` (by
 * sample position) are not averaged while at least three others are left. `missing`: stretches
 * missing in every lead (missing-stretches.ts): no RR across one is a cycle (`typicalBeats`), and
 * no beat whose window reaches into one is averaged, its samples there being the zeros the
 * cleaning put in place of what was not recorded (and the filters' ringing at its edges).
 * `missingByLead`: per lead (same order as `cleanLeads`), the stretches missing in it alone
 * (missing-stretches.ts `missingInLead`); a beat whose window reaches into one is left out of that
 * lead's median, the other leads keeping it. Averaged in, the zeros there took V1–V3 of PTB-XL
 * 00001 from a QRS of 0.76–1.73 mV to 0.02–0.04 mV (read low voltage) with 0.3 s missing at
 * five of its nine beats in those leads only.
 */
export function medianBeat(
  cleanLeads: readonly Float64Array[],
  beats: readonly number[],
  fs: number,
  leaveOut: ReadonlySet<number> = new Set(),
  missing: readonly MissingStretch[] = [],
  missingByLead: readonly (readonly MissingStretch[])[] = [],
): MedianBeat | undefined {
  const n = cleanLeads[0]?.length ?? 0;
  if (beats.length === 0 || n === 0) return undefined;
  const acrossGap = rrIndicesAcross(missing, beats);
  const recordedRr = beats.slice(1).flatMap((b, k) => (acrossGap.has(k) ? [] : [b - (beats[k] as number)]));
  const rr = recordedRr.length > 0 ? median(recordedRr) : 0.8 * fs;
  const pre = Math.round(Math.min(0.6 * fs, 0.65 * rr));
  const post = Math.round(Math.min(0.7 * fs, Math.max(0.35 * fs, 0.85 * rr)));
  const inside = typicalBeats(beats, acrossGap).filter((b) => b - pre >= 0 && b + post <= n && !overlapsGap(missing, b - pre, b + post));
  // Beats left out (paced ones under intermittent pacing, held complexes) only while three others remain.
  const kept = inside.filter((b) => !leaveOut.has(b));
  const usable = kept.length >= 3 ? kept : inside;
  if (usable.length === 0) return undefined;
  const byLead = cleanLeads.map((_, k) => usable.filter((b) => !overlapsGap(missingByLead[k] ?? [], b - pre, b + post)));
  const leads = cleanLeads.map((lead, k) => leadMedian(lead, byLead[k] as number[], pre, post));
  const leadBeatsUsed = byLead.some((b) => b.length < usable.length) ? { leadBeatsUsed: byLead.map((b) => b.length) } : {};
  return { leads, pre, fs, beatsUsed: usable.length, leftOut: usable === kept ? inside.filter((b) => leaveOut.has(b)) : [], rr, ...leadBeatsUsed };
}

/** One lead's sample-wise median over `beats`; zeros where none is left (the lead is then not measured, `minLeadBeats`). */
function leadMedian(lead: Float64Array, beats: readonly number[], pre: number, post: number): Float64Array {
  return beats.length > 0 ? (sampleWiseMedian([lead], beats, pre, post)[0] as Float64Array) : new Float64Array(pre + post);
}

/**
 * Indices of the leads whose median beat averaged fewer than `minLeadBeats` beats while the whole
 * beat had more, each missing for a stretch of its own at the others.
 */
export function leadsFromTooFewBeats(beat: MedianBeat): number[] {
  const floor = Math.min(minLeadBeats, beat.beatsUsed);
  return (beat.leadBeatsUsed ?? []).flatMap((n, k) => (n < floor ? [k] : []));
}

/** Per lead, the sample-wise median of the windows [b − before, b + after) around the beats (all inside the record). */
export function sampleWiseMedian(leads: readonly Float64Array[], beats: readonly number[], before: number, after: number): Float64Array[] {
  const column = new Float64Array(beats.length);
  return leads.map((lead) => {
    const out = new Float64Array(before + after);
    for (let i = 0; i < before + after; i++) {
      beats.forEach((b, k) => (column[k] = lead[b - before + i] as number));
      out[i] = median(column);
    }
    return out;
  });
}
