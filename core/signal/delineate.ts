import type { MedianBeat } from './median-beat';
import { movingAverage, quantile } from './stats';

/** Wave boundaries on the median beat, as sample indices into it (undefined = not found). */
export interface Fiducials {
  readonly qrsOnset?: number;
  readonly qrsOffset?: number;
  readonly pOnset?: number;
  readonly pOffset?: number;
  readonly tEnd?: number;
  readonly reasons: Record<string, string>;
}

/** Σ over leads of |central difference|: large inside QRS, near zero on the isoelectric line. */
function combinedSlope(leads: readonly Float64Array[], smoothing: number): Float64Array {
  const w = leads[0]?.length ?? 0;
  const s = new Float64Array(w);
  for (const lead of leads) {
    const x = smoothing > 1 ? movingAverage(lead, smoothing) : lead;
    for (let i = 1; i + 1 < w; i++) s[i] = (s[i] as number) + Math.abs((x[i + 1] as number) - (x[i - 1] as number)) / 2;
  }
  return s;
}

/** Walks from `from` by `step` until `slope` stays below `threshold` for `hold` samples; undefined if `limit` is reached. */
function walkToQuiet(slope: Float64Array, from: number, step: 1 | -1, limit: number, threshold: number, hold: number): number | undefined {
  let run = 0;
  for (let i = from; step > 0 ? i <= limit : i >= limit; i += step) {
    run = (slope[i] as number) < threshold ? run + 1 : 0;
    if (run >= hold) return i - step * (hold - 1);
  }
  return undefined;
}

function delineateQrs(beat: MedianBeat, slope: Float64Array): { onset?: number; offset?: number; peak: number } {
  const { pre, fs } = beat;
  const w = slope.length;
  const near = Math.round(0.06 * fs);
  let peak = 0;
  for (let i = Math.max(1, pre - near); i <= Math.min(w - 2, pre + near); i++) peak = Math.max(peak, slope[i] as number);
  const threshold = 0.1 * peak;
  const hold = Math.max(2, Math.round(0.01 * fs));
  const onset = walkToQuiet(slope, pre, -1, Math.max(1, pre - Math.round(0.15 * fs)), threshold, hold);
  const offset = walkToQuiet(slope, pre + Math.round(0.02 * fs), 1, Math.min(w - 2, pre + Math.round(0.2 * fs)), threshold, hold);
  return { onset, offset, peak };
}

/** Baseline-relative lead (level at QRS onset = PR segment) smoothed over 20 ms. */
function relativeTo(lead: Float64Array, level: number, fs: number): Float64Array {
  const out = movingAverage(lead, Math.round(0.02 * fs) | 1);
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) - level;
  return out;
}

/**
 * T end per lead by the tangent method (steepest descending point after the T peak, tangent
 * extended to the baseline); the record's T end is the latest among the three leads with
 * the largest T waves (global T end ≈ latest lead).
 */
function delineateT(beat: MedianBeat, qrsOnset: number, qrsOffset: number): number | undefined {
  const { fs } = beat;
  const start = qrsOffset + Math.round(0.06 * fs);
  const ends: { amplitude: number; end: number }[] = [];
  for (const lead of beat.leads) {
    const d = relativeTo(lead, lead[qrsOnset] as number, fs);
    const stop = d.length - 2;
    if (start >= stop) return undefined;
    let peak = start;
    for (let i = start; i <= stop; i++) if (Math.abs(d[i] as number) > Math.abs(d[peak] as number)) peak = i;
    const amplitude = Math.abs(d[peak] as number);
    if (amplitude < 0.05 || peak >= stop - Math.round(0.02 * fs)) continue;
    const sign = Math.sign(d[peak] as number);
    let steepest = peak + 1;
    for (let i = peak + 1; i < stop; i++) if (-sign * ((d[i + 1] as number) - (d[i - 1] as number)) > -sign * ((d[steepest + 1] as number) - (d[steepest - 1] as number))) steepest = i;
    const slope = ((d[steepest + 1] as number) - (d[steepest - 1] as number)) / 2;
    if (slope * sign >= 0) continue;
    const end = steepest - (d[steepest] as number) / slope;
    if (end > steepest && end < d.length) ends.push({ amplitude, end });
  }
  if (ends.length === 0) return undefined;
  return Math.max(...ends.sort((a, b) => b.amplitude - a.amplitude).slice(0, 3).map((e) => e.end));
}

/**
 * P wave: the largest deflection (combined over leads, relative to the PR level) in the 300 ms
 * before QRS onset; its onset/offset are where that deflection falls below 20 % of its peak.
 */
function delineateP(beat: MedianBeat, qrsOnset: number): { onset?: number; offset?: number; reason?: string } {
  const { fs } = beat;
  const from = Math.max(1, qrsOnset - Math.round(0.3 * fs));
  const to = qrsOnset - Math.round(0.03 * fs);
  if (to - from < Math.round(0.08 * fs)) return { reason: 'too little signal before the QRS to look for a P wave' };
  const energy = new Float64Array(beat.leads[0]?.length ?? 0);
  for (const lead of beat.leads) {
    const d = relativeTo(lead, lead[qrsOnset] as number, fs);
    for (let i = from; i <= to; i++) energy[i] = (energy[i] as number) + (d[i] as number) ** 2;
  }
  let peak = from;
  for (let i = from; i <= to; i++) if ((energy[i] as number) > (energy[peak] as number)) peak = i;
  const rms = Math.sqrt((energy[peak] as number) / beat.leads.length);
  if (rms < 0.03 || peak === from || peak === to) return { reason: 'no distinct P wave before the QRS' };
  const floor = quantile(energy.subarray(from, to + 1), 0.05);
  const threshold = floor + 0.04 * ((energy[peak] as number) - floor); // 20 % in amplitude
  let onset = peak;
  while (onset > from && (energy[onset] as number) > threshold) onset--;
  let offset = peak;
  while (offset < to && (energy[offset] as number) > threshold) offset++;
  return { onset, offset };
}

/** Finds QRS onset/offset, P onset/offset and T end on a median beat. */
export function delineate(beat: MedianBeat): Fiducials {
  const reasons: Record<string, string> = {};
  const slope = combinedSlope(beat.leads, 1);
  const qrs = delineateQrs(beat, slope);
  if (qrs.onset === undefined || qrs.offset === undefined) {
    reasons.qrs = 'QRS boundaries not found on the median beat';
    return { qrsOnset: qrs.onset, qrsOffset: qrs.offset, reasons };
  }
  const p = delineateP(beat, qrs.onset);
  if (p.reason) reasons.p = p.reason;
  const tEnd = delineateT(beat, qrs.onset, qrs.offset);
  if (tEnd === undefined) reasons.t = 'no measurable T wave end (flat T or beat window too short)';
  return { qrsOnset: qrs.onset, qrsOffset: qrs.offset, pOnset: p.onset, pOffset: p.offset, tEnd, reasons };
}
