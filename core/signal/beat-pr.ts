import { delineateBeatP, type Fiducials } from './delineate';
import type { MedianBeat } from './median-beat';
import { median, movingAverage, pearson } from './stats';

/**
 * The PR interval measured beat by beat, for a record whose median beat shows no P wave
 * because the P waves do not sit at the same distance from every QRS (PTB-XL 00191: PR
 * 310–384 ms at 31 bpm). A PR that changes from beat to beat is itself a finding (Wenckebach
 * periodicity, AV dissociation), so the spread is reported with the value.
 */
export interface BeatPr {
  /** The record's PR: the median of the measured beats' PR, ms. */
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Beats whose own P wave (of the record's P shape) gave a plausible PR. */
  readonly measured: number;
  /** Beats examined: those whose window before the QRS lies inside the recording. */
  readonly of: number;
  /** Each examined beat's PR in beat order (ms), null where it had no P wave of the record's shape. */
  readonly perBeatMs: (number | null)[];
  /** The beats' PR spans more than `beatPrRules.variableRangeMs`: more than measurement noise. */
  readonly varies: boolean;
}

export const beatPrRules = {
  /**
   * A record's PR from the beats needs a P wave on at least 3 beats and on two thirds of those
   * examined: P waves before only some QRS complexes are not a PR interval of the rhythm (AF's
   * fibrillatory waves leave a hump before some beats).
   */
  minBeats: 3,
  minFraction: 2 / 3,
  /**
   * One sinus node depolarises the atria the same way every beat, so each beat's P wave has
   * the record's P shape over the leads: Pearson correlation ≥ 0.8 with the beats' median P
   * (±40 ms around the hump's top), the threshold rhythm.ts uses for a QRS of the dominant shape.
   */
  shapeCorrelation: 0.8,
  shapeHalfWidthMs: 40,
  /**
   * The beats' PR spans more than this (max − min) before it is said to vary: twice the
   * largest span measured this way on the 234 PTB-XL pool records labelled normal (20 ms;
   * 99th percentile 18 ms; `npm run bench -- measure`, docs/benchmarks.md "measure"). No
   * guideline gives a number: the threshold only has to clear measurement noise.
   */
  variableRangeMs: 40,
} as const;

/** Why no per-beat PR could be given. */
export interface BeatPrMissing {
  readonly reason: string;
  /** When P waves were found, but before too few beats for a PR: how many beats had one of the beats' shape at a plausible PR, of those examined. */
  readonly partial?: { readonly measured: number; readonly of: number };
}

interface FoundP {
  readonly beat: number;
  readonly leads: Float64Array[];
  readonly qrsOnset: number;
  readonly pOnset: number;
  readonly pPeak: number;
  readonly segment: Float64Array;
}

/**
 * Each beat's QRS onset and P wave by the median beat's rules (delineate.ts), on the beat's
 * own window [R − pre, R + post) of the cleaned leads. P waves whose shape differs from the
 * beats' median P are dropped. A single beat's P onset is noisy (its slope crosses the
 * threshold early or late), so each P wave is placed by cross-correlation with the beats'
 * median P (±30 ms), and its onset lies the beats' median onset-to-peak time before that:
 * PR = QRS onset − P onset per beat. `limitsMs` are the plausible PR values (outside them a
 * beat's PR is a delineation failure, as on the median beat).
 */
export function beatByBeatPr(cleanLeads: readonly Float64Array[], beats: readonly number[], template: MedianBeat, fiducials: Fiducials, limitsMs: readonly [number, number]): BeatPr | BeatPrMissing {
  const { fs, pre } = template;
  const n = cleanLeads[0]?.length ?? 0;
  const length = template.leads[0]?.length ?? 0;
  const half = Math.round((beatPrRules.shapeHalfWidthMs / 1000) * fs);
  const examined: number[] = [];
  const found: FoundP[] = [];
  beats.forEach((r, k) => {
    const end = Math.min(n, r - pre + length);
    if (r - pre < 0 || end - r < Math.round(0.25 * fs)) return;
    examined.push(k);
    const rr = k > 0 ? r - (beats[k - 1] as number) : template.rr;
    const window: MedianBeat = { leads: cleanLeads.map((lead) => lead.slice(r - pre, end)), pre, fs, beatsUsed: 1, rr };
    const p = delineateBeatP(window, fiducials.tEnd);
    if (p.pOnset === undefined || p.qrsOnset === undefined || p.pPeak === undefined || p.pPeak - 3 * half < 0) return;
    found.push({ beat: k, leads: window.leads, qrsOnset: p.qrsOnset, pOnset: p.pOnset, pPeak: p.pPeak, segment: pSegment(window.leads, p.pPeak, half, fs) });
  });
  if (examined.length === 0) return { reason: 'no beat with its whole window before the QRS inside the recording' };
  const sameShapeAs = sameShape(found.map((f) => f.segment));
  const shaped = found.filter((_, i) => sameShapeAs[i]);
  const pWave = medianOf(shaped.map((f) => f.segment));
  const onsetToPeak = shaped.length > 0 ? median(shaped.map((f) => f.pPeak - f.pOnset)) : 0;
  const byBeat = new Map<number, number>();
  for (const f of shaped) {
    const prMs = ((f.qrsOnset - (alignedPeak(f, pWave, half, fs) - onsetToPeak)) * 1000) / fs;
    if (prMs >= limitsMs[0] && prMs <= limitsMs[1]) byBeat.set(f.beat, prMs);
  }
  const needed = Math.max(beatPrRules.minBeats, Math.ceil(beatPrRules.minFraction * examined.length));
  if (byBeat.size < needed) {
    return { reason: `a P wave of one shape and a plausible PR before ${byBeat.size} of ${examined.length} beats (at least ${needed} needed)`, partial: { measured: byBeat.size, of: examined.length } };
  }
  const values = [...byBeat.values()];
  const minMs = Math.min(...values);
  const maxMs = Math.max(...values);
  return {
    medianMs: median(values),
    minMs,
    maxMs,
    measured: values.length,
    of: examined.length,
    perBeatMs: examined.map((k) => byBeat.get(k) ?? null),
    varies: maxMs - minMs > beatPrRules.variableRangeMs,
  };
}

/** Where the beat's P wave best matches the beats' median P (Pearson over the leads), within ±30 ms of its hump's top. */
function alignedPeak(f: FoundP, pWave: Float64Array, half: number, fs: number): number {
  const reach = Math.round(0.03 * fs);
  let best = -Infinity;
  let at = f.pPeak;
  for (let d = -reach; d <= reach; d++) {
    const c = pearson(pSegment(f.leads, f.pPeak + d, half, fs), pWave);
    if (c > best) [best, at] = [c, f.pPeak + d];
  }
  return at;
}

/** The P wave's neighbourhood in every lead (20 ms smoothing, as delineateP), each lead less its mean, concatenated. */
function pSegment(leads: readonly Float64Array[], peak: number, half: number, fs: number): Float64Array {
  const out = new Float64Array(leads.length * (2 * half + 1));
  leads.forEach((lead, j) => {
    const x = movingAverage(lead.subarray(Math.max(0, peak - 2 * half), peak + 2 * half + 1), Math.round(0.02 * fs) | 1);
    const offset = peak - Math.max(0, peak - 2 * half);
    let level = 0;
    for (let d = -half; d <= half; d++) level += x[offset + d] as number;
    level /= 2 * half + 1;
    for (let d = -half; d <= half; d++) out[j * (2 * half + 1) + d + half] = (x[offset + d] as number) - level;
  });
  return out;
}

/** Whether each segment correlates with the sample-wise median of all of them at `beatPrRules.shapeCorrelation` or more. */
function medianOf(segments: readonly Float64Array[]): Float64Array {
  const width = segments[0]?.length ?? 0;
  const template = new Float64Array(width);
  const column = new Float64Array(segments.length);
  for (let i = 0; i < width; i++) {
    segments.forEach((s, k) => (column[k] = s[i] as number));
    template[i] = median(column);
  }
  return template;
}

function sameShape(segments: readonly Float64Array[]): boolean[] {
  if (segments.length === 0) return [];
  const template = medianOf(segments);
  return segments.map((s) => pearson(s, template) >= beatPrRules.shapeCorrelation);
}

/**
 * Distinct repeating P waves (the criterion whose absence defines atrial fibrillation), looked
 * for beat by beat with the P search not bounded by the median beat's T end: it starts 300 ms
 * before each QRS (delineate.ts). Where the median beat's T end falls on the next beat's P
 * wave, both the median beat's and `beatByBeatPr`'s search start after that P wave (PTB-XL
 * 00305, sinus arrhythmia with a flat T wave: T end 638 ms after R at RR 756 ms, until the T
 * peak was searched for before 0.7 RR, delineate.ts `tTiming`; 00028 and 00483 still show no P
 * wave on the median beat). Found
 * means P waves of one shape before two thirds of the beats at a PR that holds within
 * measurement noise (not `varies`): fibrillatory waves and the previous T wave's tail, whose
 * distance to the QRS changes with the RR, do not pass. For the rhythm statements only (AF,
 * sinus): the record's PR stays as `beatByBeatPr` measured it, since a misplaced T end would
 * also misplace the QT (docs/benchmarks.md, "measure").
 */
export function repeatingPWaves(cleanLeads: readonly Float64Array[], beats: readonly number[], template: MedianBeat, limitsMs: readonly [number, number]): BeatPWaves {
  const found = beatByBeatPr(cleanLeads, beats, template, { reasons: {} }, limitsMs);
  if (!('medianMs' in found)) return { measured: found.partial?.measured ?? 0, of: found.partial?.of ?? 0, prVaries: false };
  return found.varies ? { measured: found.measured, of: found.of, prVaries: true } : { repeating: found, measured: found.measured, of: found.of, prVaries: false };
}

/**
 * What the unbounded beat-by-beat P search found: the rhythm's P waves (`repeating`) when they
 * meet the rule above, and in any case how many beats had a P wave of the beats' shape at a
 * plausible PR. A few such beats do not make a rhythm's P wave, but a reader weighing an AF
 * statement wants to know of them (sinus beats between premature atrial complexes).
 */
export interface BeatPWaves {
  readonly repeating?: BeatPr;
  readonly measured: number;
  readonly of: number;
  /** Found before enough beats, but at a PR that varies beyond measurement noise. */
  readonly prVaries: boolean;
}
