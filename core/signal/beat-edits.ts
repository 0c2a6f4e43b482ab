import { beatEditWindowsS } from '../contract/measurement-schemas';
import type { BeatDetection } from './qrs';

/**
 * A reader's corrections of the detected beats (product research: "edit R-peaks by hand", as
 * ecg-kit and WAVE allow): a T wave or an artefact taken for a QRS is removed, a QRS the detector
 * missed is added. Rate, RR, rhythm, ectopy, the median beat and every interval follow.
 *
 * Positions are sample indices at the record's own rate: a stored record never changes, so an
 * index names the same instant for as long as the record exists.
 */
export interface BeatEdits {
  readonly added?: readonly number[];
  readonly removed?: readonly number[];
}

const { removal: removalToleranceS, sameBeat: sameBeatS } = beatEditWindowsS;
/** An added beat is placed on the steepest QRS slope within this of the reader's click. */
export const snapWindowS = 0.06;

export interface EditedBeats {
  readonly detection: BeatDetection;
  readonly added: number;
  readonly removed: number;
  /** Edits that named no beat (a removal with no detected beat near it, an addition on a detected beat). */
  readonly unmatched: number;
}

export function hasBeatEdits(edits: BeatEdits | undefined): boolean {
  return (edits?.added?.length ?? 0) + (edits?.removed?.length ?? 0) > 0;
}

/** The detected beats with the reader's removed and added ones, in time order. */
export function applyBeatEdits(detection: BeatDetection, edits: BeatEdits, leads: readonly ArrayLike<number>[], fs: number): EditedBeats {
  const n = leads[0]?.length ?? 0;
  let beats = [...detection.beats];
  let removed = 0;
  let unmatched = 0;
  for (const at of edits.removed ?? []) {
    const nearest = nearestIndex(beats, at);
    if (nearest !== undefined && Math.abs((beats[nearest] as number) - at) <= removalToleranceS * fs) {
      beats.splice(nearest, 1);
      removed++;
    } else unmatched++;
  }
  const slope = combinedSlope(leads, fs);
  let added = 0;
  for (const at of edits.added ?? []) {
    if (at < 0 || at >= n) {
      unmatched++;
      continue;
    }
    const placed = steepestNear(slope, at, Math.round(snapWindowS * fs));
    const nearest = nearestIndex(beats, placed);
    if (nearest !== undefined && Math.abs((beats[nearest] as number) - placed) < sameBeatS * fs) {
      unmatched++;
      continue;
    }
    beats = [...beats, placed].sort((a, b) => a - b);
    added++;
  }
  // Beats the reader placed answer the detector's "no beats" reason; none left is a reason of its own.
  const edited: BeatDetection = beats.length > 0 ? { beats, leadsUsed: detection.leadsUsed } : { beats, leadsUsed: detection.leadsUsed, reason: detection.reason ?? 'every detected beat was removed by the reader' };
  return { detection: edited, added, removed, unmatched };
}

function nearestIndex(sorted: readonly number[], at: number): number | undefined {
  let best: number | undefined;
  sorted.forEach((b, i) => {
    if (best === undefined || Math.abs(b - at) < Math.abs((sorted[best] as number) - at)) best = i;
  });
  return best;
}

/** Σ over leads of |central difference|, smoothed over 20 ms: high on a QRS in any lead, whatever its sign; NaN (missing) counts as flat. */
function combinedSlope(leads: readonly ArrayLike<number>[], fs: number): Float64Array {
  const n = leads[0]?.length ?? 0;
  const raw = new Float64Array(n);
  for (const lead of leads) {
    for (let i = 1; i + 1 < n; i++) {
      const d = Math.abs((lead[i + 1] as number) - (lead[i - 1] as number));
      if (Number.isFinite(d)) raw[i] = (raw[i] as number) + d;
    }
  }
  const w = Math.max(1, Math.round(0.02 * fs));
  const smooth = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += raw[i] as number;
    if (i >= w) sum -= raw[i - w] as number;
    smooth[Math.max(0, i - Math.floor(w / 2))] = sum / w;
  }
  return smooth;
}

function steepestNear(slope: Float64Array, at: number, half: number): number {
  let best = Math.round(at);
  for (let i = Math.max(0, best - half); i <= Math.min(slope.length - 1, Math.round(at) + half); i++) if ((slope[i] as number) > (slope[best] as number)) best = i;
  return best;
}
