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

/** Σ over leads of |central difference| (mV/sample): large inside QRS, near zero on the isoelectric line. */
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

/**
 * Global QRS onset and offset: where the summed slope of all leads, walking out from the R
 * fiducial, falls to the isoelectric level: 6 % of its QRS peak above the quietest slope
 * found in the beat, held for 10 ms.
 */
function delineateQrs(beat: MedianBeat, slope: Float64Array): { onset?: number; offset?: number } {
  const { pre, fs } = beat;
  const w = slope.length;
  const near = Math.round(0.06 * fs);
  let peak = 0;
  for (let i = Math.max(1, pre - near); i <= Math.min(w - 2, pre + near); i++) peak = Math.max(peak, slope[i] as number);
  const floor = quantile(slope.subarray(1, w - 1), 0.05);
  const threshold = floor + 0.06 * (peak - floor);
  const hold = Math.max(2, Math.round(0.01 * fs));
  const onset = walkToQuiet(slope, pre, -1, Math.max(1, pre - Math.round(0.15 * fs)), threshold, hold);
  const offset = walkToQuiet(slope, pre + Math.round(0.02 * fs), 1, Math.min(w - 2, pre + Math.round(0.2 * fs)), threshold, hold);
  return { onset, offset };
}

/** Mean of `x` over [from, to). */
function levelOver(x: Float64Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] as number;
  return s / Math.max(1, to - from);
}

/**
 * T end per lead by Zhang's trapezium-area method (IEEE TBME 2006): after the steepest
 * point of the T wave's descent, the end maximises the area between the signal and the
 * horizontal through the candidate point over a 128 ms window behind it. Less sensitive to
 * noise and T shape than the tangent method. The record's T end is the latest among the
 * leads whose T wave reaches 30 % of the largest (global T end = latest lead; tiny T waves
 * are left out because their ends are noise). Window and lead rule were chosen among six
 * variants on the three annotated records we have (docs/benchmarks.md says so).
 */
function delineateT(beat: MedianBeat, slope: Float64Array, qrsOnset: number, qrsOffset: number, pOnset: number | undefined): number | undefined {
  const { fs, pre, rr } = beat;
  const start = qrsOffset + Math.round(0.06 * fs);
  // The search ends before the next beat's P wave (or 100 ms before its QRS when no P was found),
  // and before anything as steep as a QRS (an early beat left in the median).
  let nextP = pre + rr - (pOnset === undefined ? Math.round(0.1 * fs) : pre - pOnset + Math.round(0.02 * fs));
  let qrsPeak = 0;
  for (let i = qrsOnset; i <= qrsOffset; i++) qrsPeak = Math.max(qrsPeak, slope[i] as number);
  for (let i = start; i < Math.min(nextP, slope.length); i++) {
    if ((slope[i] as number) > 0.4 * qrsPeak) {
      nextP = i - Math.round(0.04 * fs);
      break;
    }
  }
  const window = Math.round(0.128 * fs);
  const ends: { amplitude: number; end: number }[] = [];
  for (const raw of beat.leads) {
    const lead = movingAverage(raw, Math.round(0.02 * fs) | 1);
    const level = levelOver(lead, Math.max(0, qrsOnset - Math.round(0.02 * fs)), qrsOnset + 1);
    const stop = Math.min(lead.length - 2, nextP);
    if (start >= stop - window) return undefined;
    let peak = start;
    for (let i = start; i <= stop; i++) if (Math.abs((lead[i] as number) - level) > Math.abs((lead[peak] as number) - level)) peak = i;
    const amplitude = Math.abs((lead[peak] as number) - level);
    if (amplitude < 0.05 || peak >= stop - Math.round(0.04 * fs)) continue;
    const sign = Math.sign((lead[peak] as number) - level);
    // Steepest return towards baseline after the peak.
    let steepest = peak + 1;
    const descent = (i: number) => -sign * ((lead[i + 1] as number) - (lead[i - 1] as number));
    for (let i = peak + 1; i < stop && i < peak + Math.round(0.2 * fs); i++) if (descent(i) > descent(steepest)) steepest = i;
    // Search at most 200 ms past the steepest point, and not beyond 20 ms after the wave has
    // come back to the baseline: a U wave after it must not drag the end along.
    let limit = Math.min(stop, steepest + Math.round(0.2 * fs));
    for (let i = steepest; i < limit; i++) {
      if (sign * ((lead[i] as number) - level) <= 0) {
        limit = Math.min(limit, i + Math.round(0.02 * fs));
        break;
      }
    }
    let best = -Infinity;
    let end = -1;
    for (let t = steepest; t <= limit; t++) {
      let area = 0;
      for (let k = Math.max(0, t - window); k <= t; k++) area += sign * ((lead[k] as number) - (lead[t] as number));
      if (area > best) [best, end] = [area, t];
    }
    if (end > steepest) ends.push({ amplitude, end });
  }
  // The end of a T wave under 0.1 mV in every lead is guesswork: report none rather than a wrong QT.
  if (ends.length === 0 || Math.max(...ends.map((e) => e.amplitude)) < 0.1) return undefined;
  const candidates = ends.filter((e, _, all) => e.amplitude >= 0.3 * Math.max(...all.map((a) => a.amplitude))).map((e) => e.end);
  // One lead far later than the others has usually followed a U wave or the next P: drop ends
  // more than 80 ms after the median lead's.
  const typical = quantile(candidates, 0.5) + Math.round(0.08 * fs);
  return Math.max(...candidates.filter((end) => end <= typical));
}

/**
 * P wave in the 300 ms before QRS onset. Each lead is smoothed (20 ms) and referred to the
 * straight line between the window's first samples and the PR segment, so a sloping TP–PR
 * baseline or the previous T wave's tail is not mistaken for P; the spatial magnitude of these
 * deviations peaks on the P wave, and its onset/offset are where the summed slope falls to
 * 15 % of its P-wave maximum.
 */
function delineateP(beat: MedianBeat, qrsOnset: number): { onset?: number; offset?: number; reason?: string } {
  const { fs } = beat;
  const from = Math.max(1, qrsOnset - Math.round(0.3 * fs));
  const to = qrsOnset - Math.round(0.02 * fs);
  if (to - from < Math.round(0.1 * fs)) return { reason: 'too little signal before the QRS to look for a P wave' };
  const edge = Math.max(1, Math.round(0.01 * fs));
  const magnitude = new Float64Array(to + 1);
  const smoothed = beat.leads.map((lead) => movingAverage(lead, Math.round(0.02 * fs) | 1));
  for (const x of smoothed) {
    const a = levelOver(x, from, from + edge);
    const b = levelOver(x, to - edge, to + 1);
    for (let i = from; i <= to; i++) magnitude[i] = (magnitude[i] as number) + ((x[i] as number) - (a + ((b - a) * (i - from)) / (to - from))) ** 2;
  }
  let peak = from;
  for (let i = from; i <= to; i++) if ((magnitude[i] as number) > (magnitude[peak] as number)) peak = i;
  const rms = Math.sqrt((magnitude[peak] as number) / beat.leads.length);
  if (rms < 0.02 || peak - from < edge || to - peak < edge) return { reason: 'no distinct P wave before the QRS' };
  const slope = combinedSlope(smoothed, 1);
  let maxSlope = 0;
  for (let i = Math.max(from, peak - Math.round(0.06 * fs)); i <= Math.min(to, peak + Math.round(0.06 * fs)); i++) maxSlope = Math.max(maxSlope, slope[i] as number);
  const hold = Math.max(2, Math.round(0.008 * fs));
  // A P wave lasts at most ~120 ms either side of its peak combined: a boundary not found
  // within 100 ms of the peak means the "P" is noise or merges with the T wave.
  const reach = Math.round(0.1 * fs);
  const onset = walkToQuiet(slope, peak - 1, -1, Math.max(from, peak - reach), 0.15 * maxSlope, hold);
  const offset = walkToQuiet(slope, peak + 1, 1, Math.min(to, peak + reach), 0.15 * maxSlope, hold);
  if (onset === undefined) return { reason: 'P wave onset not distinct from the preceding T wave or noise' };
  return { onset, offset: offset ?? to };
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
  const tEnd = delineateT(beat, slope, qrs.onset, qrs.offset, p.onset);
  if (tEnd === undefined) reasons.t = 'no measurable T wave end (T waves under 0.1 mV, or beat window too short)';
  return { qrsOnset: qrs.onset, qrsOffset: qrs.offset, pOnset: p.onset, pOffset: p.offset, tEnd, reasons };
}
