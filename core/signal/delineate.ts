import type { MedianBeat } from './median-beat';
import { movingAverage, quantile } from './stats';

/** Wave boundaries on the median beat, as sample indices into it (undefined = not found). */
export interface Fiducials {
  readonly qrsOnset?: number;
  /** Where the first lead leaves the baseline, at or before `qrsOnset` (see `qrsFirstDeflectionShare`). */
  readonly qrsFirstDeflection?: number;
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
 * How long the summed slope must stay quiet to mark a QRS boundary (ms). The end needs longer
 * than the onset: a broad terminal wave in one lead (the R′ of V1 in right bundle branch block)
 * is flat at its apex for 10–14 ms while every other lead has finished, and a 10 ms hold ended
 * the QRS there (LUDB 10: 90 ms, R′ running to 124 ms; PTB-XL 00188: 92 ms, reported RBBB,
 * R′ and the S of I to 132 ms). The ST segment after a QRS stays quiet far longer. Chosen
 * among 10, 12, 16 and 20 ms on the PTB-XL pool and LUDB: 16 ms moves four records, each to the
 * end of a terminal wave the tracing shows; 20 ms also widens PTB-XL 00255 (reported incomplete
 * RBBB) to 126 ms (docs/benchmarks.md, "QRS end").
 */
export const qrsQuietMs = { onset: 10, offset: 16 } as const;

/**
 * The QRS onset above sits where most leads have begun: against LUDB's cardiologists it lies
 * 2.4 ms after their median lead's onset and 14.2 ms after their earliest lead's
 * (docs/benchmarks.md, "LUDB 1.0.1"). The first small forces are then missed, among them the q
 * of aVL's qR that left anterior fascicular block asks for: on PTB-XL 00285, 00305 and 00350
 * (labelled LAFB) aVL starts downwards 10–14 ms before that onset and is back near its bottom
 * there. Walking back from the onset until the summed slope falls to 3 % of its QRS peak finds
 * where those forces start (2–4 ms earlier on most of the pool's records, 10–14 ms on those).
 * It serves only the initial q: the onset every interval and the other criteria read from is
 * unchanged: moving it to 4 % or 3 % moved the bundle branch calls away from the pool's labels
 * and reports (docs/benchmarks.md, "LUDB 1.0.1, all 200 records": measured and not adopted).
 */
export const qrsFirstDeflectionShare = 0.03;

/** How far before the QRS onset the first deflection is looked for. */
const firstDeflectionSearchMs = 40;

/**
 * Global QRS onset and offset: where the summed slope of all leads, walking out from the R
 * fiducial, falls to the isoelectric level: 6 % of its QRS peak above the quietest slope
 * found in the beat, held for `qrsQuietMs`. And the first deflection (`qrsFirstDeflectionShare`);
 * the onset stands for it where the slope never quietens within `firstDeflectionSearchMs`.
 */
function delineateQrs(beat: MedianBeat, slope: Float64Array): { onset?: number; offset?: number; firstDeflection?: number } {
  const { pre, fs } = beat;
  const w = slope.length;
  const near = Math.round(0.06 * fs);
  let peak = 0;
  for (let i = Math.max(1, pre - near); i <= Math.min(w - 2, pre + near); i++) peak = Math.max(peak, slope[i] as number);
  const floor = quantile(slope.subarray(1, w - 1), 0.05);
  const threshold = floor + 0.06 * (peak - floor);
  const hold = (ms: number) => Math.max(2, Math.round((ms / 1000) * fs));
  const onset = walkToQuiet(slope, pre, -1, Math.max(1, pre - Math.round(0.15 * fs)), threshold, hold(qrsQuietMs.onset));
  const offset = walkToQuiet(slope, pre + Math.round(0.02 * fs), 1, Math.min(w - 2, pre + Math.round(0.2 * fs)), threshold, hold(qrsQuietMs.offset));
  if (onset === undefined) return { onset, offset };
  const firstThreshold = floor + qrsFirstDeflectionShare * (peak - floor);
  const searchLimit = Math.max(1, onset - Math.round((firstDeflectionSearchMs / 1000) * fs));
  const firstDeflection = walkToQuiet(slope, onset, -1, searchLimit, firstThreshold, hold(qrsQuietMs.onset)) ?? onset;
  return { onset, offset, firstDeflection };
}

/** Mean of `x` over [from, to). */
function levelOver(x: Float64Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] as number;
  return s / Math.max(1, to - from);
}

/**
 * Where a T wave can be. Delineators bound the T search by the RR interval (Laguna et al.,
 * Comput Biomed Res 1994; Martínez et al., IEEE TBME 2004); Hermans et al. (PLoS One 2017,
 * e0184352, validated on LQT1–3 patients as well as controls) take the T peak as the largest
 * deflection between R + 50 ms and R + 0.7 RR. Beyond 0.7 RR lie the next beat's P wave (P
 * onset at RR − PR, PR 120–200 ms: 0.7–0.85 RR at 60–100 bpm) and, in flutter, its F waves:
 * where the T wave is flat they are a lead's largest deflection after the QRS (PTB-XL 00305:
 * T wave 0.15 mV at 240 ms, P wave 0.14 mV at 580 ms, RR 756 ms).
 */
export const tTiming = { latestPeakRr: 0.7 } as const;

/**
 * T end per lead by Zhang's trapezium-area method (IEEE TBME 2006): after the steepest
 * point of the T wave's descent, the end maximises the area between the signal and the
 * horizontal through the candidate point over a 128 ms window behind it. Less sensitive to
 * noise and T shape than the tangent method. The record's T end is the latest among the
 * leads whose T wave reaches 30 % of the largest (global T end = latest lead; tiny T waves
 * are left out because their ends are noise). Window and lead rule were chosen among six
 * variants on the three annotated records we have (docs/benchmarks.md says so). A lead's T
 * peak is its largest deviation from the TP segment (before the P wave): measured from the
 * PR segment instead, a depressed ST segment made MIT-BIH 100's TP segment look like a late T
 * wave and put the T end 170 ms late.
 */
function delineateT(beat: MedianBeat, slope: Float64Array, qrsOnset: number, qrsOffset: number, pOnset: number | undefined, endsOnBound: 'kept' | 'dropped'): number | undefined {
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
  // The T peak lies at most 0.7 RR after R (tTiming): a lead's largest deflection later than
  // that is the next beat's P wave or a flutter wave, not its T wave.
  const latestPeak = pre + Math.round(tTiming.latestPeakRr * rr);
  const ends: { amplitude: number; end: number }[] = [];
  for (const raw of beat.leads) {
    const lead = movingAverage(raw, Math.round(0.02 * fs) | 1);
    // The T wave returns to the TP segment, the isoelectric line before the P wave; without a P
    // wave the PR segment stands in for it.
    const level = pOnset !== undefined ? levelOver(lead, Math.max(0, pOnset - Math.round(0.02 * fs)), pOnset + 1) : levelOver(lead, Math.max(0, qrsOnset - Math.round(0.02 * fs)), qrsOnset + 1);
    const stop = Math.min(lead.length - 2, nextP);
    if (start >= stop - window) return undefined;
    const peakStop = Math.min(stop, latestPeak);
    // The T peak is searched for after the ST segment has stopped approaching the baseline: a
    // depressed or elevated ST segment still returning at the window's start is no T peak (PTB-XL
    // 00026, quinidine: the ST segment 0.04–0.07 mV below the PR level in I and V4–V6, measured
    // from a TP level 0.09–0.1 mV above it where the T–U wave runs into the next P wave, deviated
    // more than the T wave did, and the T end fell on the ST segment: QT 320 ms, "Short QTc").
    const from = endOfApproach(lead, level, start, peakStop);
    let peak = from;
    for (let i = from; i <= peakStop; i++) if (Math.abs((lead[i] as number) - level) > Math.abs((lead[peak] as number) - level)) peak = i;
    const amplitude = Math.abs((lead[peak] as number) - level);
    // A largest deflection at the window's end is still rising: not a T peak inside it.
    if (amplitude < 0.05 || peak >= peakStop - Math.round(0.04 * fs)) continue;
    const sign = Math.sign((lead[peak] as number) - level);
    const ownEnd = tWaveReturn(lead, peak, sign, level, amplitude, Math.min(stop, peak + Math.round(0.4 * fs)), fs);
    // Steepest return towards baseline after the peak, on the T wave's own return.
    let steepest = peak + 1;
    const descent = (i: number) => -sign * ((lead[i + 1] as number) - (lead[i - 1] as number));
    for (let i = peak + 1; i < ownEnd && i < peak + Math.round(0.2 * fs); i++) if (descent(i) > descent(steepest)) steepest = i;
    // Search at most 200 ms past the steepest point, and not past the T wave's own return: a U
    // wave or the next P wave after it must not drag the end along.
    const limit = Math.min(ownEnd, steepest + Math.round(0.2 * fs));
    let best = -Infinity;
    let end = -1;
    for (let t = steepest; t <= limit; t++) {
      let area = 0;
      for (let k = Math.max(0, t - window); k <= t; k++) area += sign * ((lead[k] as number) - (lead[t] as number));
      if (area > best) [best, end] = [area, t];
    }
    // An end found on the search's bound is where the bound cut the search, not where the T wave
    // ended: on the next beat's P wave (CinC 2021 E07508: the P onset found 40 ms late, II and
    // aVF's T ends fell on the next P wave's upstroke), or, without a P wave, 100 ms before the
    // next QRS (Ningbo JS20010 at 128 bpm: QT 416 ms of an RR of 468, "Prolonged QTc"). That
    // lead's end is not measured. Only the first pass, which just bounds the P search, keeps it.
    if (end > steepest && (endsOnBound === 'kept' || end < stop)) ends.push({ amplitude, end });
  }
  // The end of a T wave under 0.1 mV in every lead is guesswork: report none rather than a wrong QT.
  if (ends.length === 0 || Math.max(...ends.map((e) => e.amplitude)) < 0.1) return undefined;
  const candidates = ends.filter((e, _, all) => e.amplitude >= 0.3 * Math.max(...all.map((a) => a.amplitude))).map((e) => e.end);
  // One lead far later than the others has usually followed a U wave or the next P: drop ends
  // more than 80 ms after the median lead's.
  const typical = quantile(candidates, 0.5) + Math.round(0.08 * fs);
  return Math.max(...candidates.filter((end) => end <= typical));
}

/** The first index from `from` (at most `to`) after which `lead` stops approaching `level`. */
function endOfApproach(lead: Float64Array, level: number, from: number, to: number): number {
  const deviation = (i: number) => Math.abs((lead[i] as number) - level);
  let i = from;
  while (i < to && deviation(i + 1) < deviation(i)) i++;
  return i;
}

/**
 * Where a lead's T wave has finished returning from its peak towards `level`: 20 ms after it
 * crosses the baseline, or, where the signal turns away from the baseline again by more than a
 * fifth of the T amplitude (a notch in a bifid T wave is smaller), its closest approach to the
 * baseline before that turn, since from there on it traces the next wave: a U wave, or the next
 * beat's P wave where the TP segment sits away from the PR segment (PTB-XL 00135: TP segment
 * 0.06–0.08 mV above the PR segment in II and aVF, so the T wave never crosses the PR level
 * before the next P wave rises). At most `until`.
 */
function tWaveReturn(lead: Float64Array, peak: number, sign: number, level: number, amplitude: number, until: number, fs: number): number {
  let closest = amplitude;
  let closestAt = peak;
  for (let i = peak + 1; i < until; i++) {
    const deviation = sign * ((lead[i] as number) - level);
    if (deviation <= 0) return Math.min(until, i + Math.round(0.02 * fs));
    if (deviation < closest) [closest, closestAt] = [deviation, i];
    else if (deviation - closest > 0.2 * amplitude) return closestAt;
  }
  return until;
}

/**
 * A hump nearer the QRS this prominent, relative to the most prominent, is taken for the P wave
 * instead. On LUDB 78 the P wave's prominence was 0.79 of the TP-segment hump's; 0.6 leaves a
 * margin. On the PTB-XL pool no median beat's P wave moves; on LUDB two do (78, and 101, in AF,
 * whose "P wave" moves from 240 to 128 ms before the QRS).
 */
const nearerPShare = 0.6;

/** A local maximum of a curve with its topographic prominence and the valleys that bound it. */
interface Hump {
  readonly peak: number;
  readonly prominence: number;
  readonly leftBase: number;
  readonly rightBase: number;
}

/**
 * Humps of `m` inside [from, to]: local maxima (not at the window's edges) with their
 * prominence, the height above the higher of the two valleys between them and a higher point
 * (or the window's edge) on either side.
 */
function humps(m: Float64Array, from: number, to: number): Hump[] {
  const out: Hump[] = [];
  for (let i = from + 1; i < to; i++) {
    const v = m[i] as number;
    if (!(v > (m[i - 1] as number) && v >= (m[i + 1] as number))) continue;
    let leftBase = i;
    for (let k = i - 1; k >= from && (m[k] as number) <= v; k--) if ((m[k] as number) < (m[leftBase] as number)) leftBase = k;
    let rightBase = i;
    for (let k = i + 1; k <= to && (m[k] as number) <= v; k++) if ((m[k] as number) < (m[rightBase] as number)) rightBase = k;
    const prominence = v - Math.max(m[leftBase] as number, m[rightBase] as number);
    if (leftBase < i && rightBase > i) out.push({ peak: i, prominence, leftBase, rightBase });
  }
  return out;
}

/**
 * P wave between `earliest` and QRS onset. Each lead is smoothed (20 ms) and referred to its
 * PR-segment level just before the QRS; the root mean square of these deviations over the
 * leads rises into a hump on the P wave. The P wave is the most prominent hump (at least
 * 0.015 mV above its surroundings): prominence, unlike height, is not fooled by a TP segment
 * that sits above or below the PR segment, or by the tail of the previous T wave at the
 * window's start. Of humps at least `nearerPShare` as prominent as that one, the nearest the
 * QRS is taken: the conducted P wave is the last atrial wave before the QRS, and an earlier hump
 * as large is a U wave, the previous T wave's tail or a non-conducted P wave (LUDB 78, sinus
 * rhythm with first-degree AV block: a TP-segment hump gave PR 390 ms for the cardiologists'
 * 240). Onset and offset come from the summed slope (below).
 */
function delineateP(beat: MedianBeat, qrsOnset: number, earliest: number): { onset?: number; offset?: number; peak?: number; reason?: string } {
  const { fs } = beat;
  const from = Math.max(1, earliest);
  const to = qrsOnset - Math.round(0.01 * fs);
  if (to - from < Math.round(0.1 * fs)) return { reason: 'too little signal before the QRS to look for a P wave' };
  const edge = Math.max(1, Math.round(0.01 * fs));
  const magnitude = new Float64Array(to + 1);
  const smoothed = beat.leads.map((lead) => movingAverage(lead, Math.round(0.02 * fs) | 1));
  for (const x of smoothed) {
    const level = levelOver(x, to - edge, to + 1);
    for (let i = from; i <= to; i++) magnitude[i] = (magnitude[i] as number) + ((x[i] as number) - level) ** 2;
  }
  for (let i = from; i <= to; i++) magnitude[i] = Math.sqrt((magnitude[i] as number) / beat.leads.length);
  const candidates = humps(magnitude, from, to).filter((h) => h.prominence >= 0.015);
  if (candidates.length === 0) return { reason: 'no distinct P wave before the QRS' };
  const most = Math.max(...candidates.map((h) => h.prominence));
  const p = candidates.filter((h) => h.prominence >= nearerPShare * most).reduce((last, h) => (h.peak > last.peak ? h : last));
  // Boundaries from the summed slope: walking out from the steepest point on each side of the
  // hump until the slope falls to `pEdgeFraction` of the way from the window's quiet level to
  // that steepest slope (held 8 ms). Slope, unlike level, ignores a TP segment that sits above
  // or below the PR segment.
  const slope = combinedSlope(smoothed, 1);
  const floor = quantile(slope.subarray(from, to + 1), 0.25);
  const steepest = (a: number, b: number) => {
    let best = a;
    for (let i = a; i <= b; i++) if ((slope[i] as number) > (slope[best] as number)) best = i;
    return best;
  };
  const rise = steepest(p.leftBase, p.peak);
  const fall = steepest(p.peak, p.rightBase);
  const hold = Math.max(2, Math.round(0.008 * fs));
  const level = (at: number) => floor + pEdgeFraction * ((slope[at] as number) - floor);
  // A P wave lasts at most ~160 ms: neither boundary lies more than 120 ms from its peak. The
  // onset may lie before `earliest`: that bound keeps the previous T wave from being taken for
  // the P wave, but where that T wave's end was placed late (T–P fusion: PTB-XL 00039, aVL's T
  // end 478 ms after R while the next P wave already rises in II) it cuts into the P wave: the
  // onset clipped there lay 40 ms inside the P wave (PR 128 instead of 168 ms), the TP level was
  // read on it, and against that level the ST segment became the T wave (QT 340 instead of ~490).
  const reach = Math.round(0.12 * fs);
  const onset = walkToQuiet(slope, rise, -1, Math.max(1, p.peak - reach), level(rise), hold) ?? Math.max(p.leftBase, p.peak - reach);
  const offset = walkToQuiet(slope, fall, 1, Math.min(to, p.peak + reach), level(fall), hold) ?? Math.min(p.rightBase, p.peak + reach);
  // A P wave lasts 40–160 ms; a hump narrower than 30 ms is noise.
  const durationMs = ((offset - onset) * 1000) / fs;
  if (durationMs < 30) return { reason: `no P wave of plausible duration before the QRS (found ${Math.round(durationMs)} ms)` };
  return { onset, offset, peak: p.peak };
}

/**
 * Where a P boundary is placed: the fraction of the way from the window's quiet slope to the P
 * wave's steepest slope. Chosen among 0.05–0.35 on the five cart and LUDB references (mean
 * absolute PR difference 4.2 ms at 0.25, docs/benchmarks.md "measure"). Checked afterwards on
 * all 200 LUDB records, out of sample: PR 0.3 ms longer than the cardiologists' boundaries give
 * on average (mean absolute 9.5 ms, 172 records; docs/benchmarks.md "LUDB 1.0.1").
 */
const pEdgeFraction = 0.25;

/**
 * The P search starts 500 ms before QRS onset (a PR interval of up to ~450 ms, first-degree
 * AV block included) but after the previous beat's T wave, which ends `rr` samples before this
 * beat's own T end; without a T end, 300 ms before QRS onset.
 */
function pSearchStart(beat: MedianBeat, qrsOnset: number, tEnd: number | undefined): number {
  const { fs, rr } = beat;
  if (tEnd === undefined) return qrsOnset - Math.round(0.3 * fs);
  return Math.max(qrsOnset - Math.round(0.5 * fs), Math.round(tEnd - rr) + Math.round(0.02 * fs));
}

/** QRS onset and P wave of one beat, as indices into its window (undefined = not found). */
export interface BeatP {
  readonly qrsOnset?: number;
  readonly pOnset?: number;
  readonly pOffset?: number;
  /** The top of the P wave's hump, where beats' P waves are aligned to compare their shapes. */
  readonly pPeak?: number;
  readonly reason?: string;
}

/**
 * QRS onset and P wave of a single beat (one beat's window in `MedianBeat` form, `rr` the RR
 * interval before it) by the same rules as on the median beat; the P search starts where the
 * previous beat's T wave ends, `tEnd` being the median beat's T end (undefined: 300 ms before
 * the QRS). For the beat-by-beat PR (beat-pr.ts), when the median beat blurs P waves whose PR
 * varies.
 */
export function delineateBeatP(beat: MedianBeat, tEnd: number | undefined): BeatP {
  const qrs = delineateQrs(beat, combinedSlope(beat.leads, 1));
  if (qrs.onset === undefined) return { reason: 'QRS onset not found' };
  const p = delineateP(beat, qrs.onset, pSearchStart(beat, qrs.onset, tEnd));
  return { qrsOnset: qrs.onset, pOnset: p.onset, pOffset: p.offset, pPeak: p.peak, ...(p.reason ? { reason: p.reason } : {}) };
}

/**
 * Finds QRS onset/offset, P onset/offset and T end on a median beat. The T wave is found first
 * (bounded by the next QRS), so the P search can start where the previous beat's T wave ends;
 * then the T end is found again, bounded by the next beat's P wave (or, without one, 100 ms
 * before the next QRS), leaving out ends that fall on that bound.
 */
export function delineate(beat: MedianBeat): Fiducials {
  const reasons: Record<string, string> = {};
  const slope = combinedSlope(beat.leads, 1);
  const qrs = delineateQrs(beat, slope);
  if (qrs.onset === undefined || qrs.offset === undefined) {
    reasons.qrs = 'QRS boundaries not found on the median beat';
    return { qrsOnset: qrs.onset, qrsOffset: qrs.offset, reasons };
  }
  const firstT = delineateT(beat, slope, qrs.onset, qrs.offset, undefined, 'kept');
  const p = delineateP(beat, qrs.onset, pSearchStart(beat, qrs.onset, firstT));
  if (p.reason) reasons.p = p.reason;
  const tEnd = delineateT(beat, slope, qrs.onset, qrs.offset, p.onset, 'dropped');
  if (tEnd === undefined) reasons.t = 'no measurable T wave end (T waves under 0.1 mV, T waves running into the next beat, or beat window too short)';
  // Never into the P wave: a short PR leaves its end within the search.
  const qrsFirstDeflection = Math.max(qrs.firstDeflection ?? qrs.onset, p.offset ?? 0);
  return { qrsOnset: qrs.onset, qrsFirstDeflection, qrsOffset: qrs.offset, pOnset: p.onset, pOffset: p.offset, tEnd, reasons };
}
