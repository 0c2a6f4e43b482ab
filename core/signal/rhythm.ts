import type { MedianBeat } from './median-beat';
import { missingInEveryLead, rrIndicesAcross } from './missing-stretches';
import { centredProductSums, median, pearson } from './stats';

/** Beat-to-beat figures of a record, for the rhythm statements. */
export interface RhythmFeatures {
  /** RR intervals, ms (one fewer than the beats). */
  readonly rrMs: number[];
  /** Median RR, ms (null with fewer than two beats). */
  readonly medianRrMs: number | null;
  /** Root mean square of successive RR differences over the mean RR, premature beats and the RR after them left out. */
  readonly normalisedRmssd: number | null;
  /** The same over every RR: in atrial fibrillation "premature" beats are the rhythm itself. */
  readonly normalisedRmssdAll: number | null;
  /** Largest minus smallest RR over the mean RR, premature beats and the RR after them left out. */
  readonly rrRange: number | null;
  /** Beats early by `prematurity` (20 %, or 10 % with a QRS unlike the median beat's) followed by a longer RR; indices into the beats. */
  readonly premature: number[];
  /** Premature beats whose QRS differs from the median beat's (correlation under 0.8): ventricular. */
  readonly prematureVentricular: number[];
  /**
   * Every beat, premature or not, whose QRS differs from the median beat's: in atrial
   * fibrillation, where no beat is premature to a rhythm, these are the ventricular or
   * aberrantly conducted complexes. Empty under pacing (see `rhythmFeatures`).
   */
  readonly differentQrs: number[];
  /**
   * Beats whose QRS the record's start or end cuts (the ±60 ms shape window does not fit): neither
   * their shape nor, at the end, a pause after them can be seen, and the fiducial of a cut QRS is
   * not where a whole one's would be. Never premature; their RRs are left out with the premature
   * beats'. LUDB 1.0.1 ends several records on a sharp deflection the detector takes for a beat 10–26 ms
   * before the last sample (119, 124, 128, 130: 400–664 ms after the beat before), each then named
   * a supraventricular premature complex.
   */
  readonly cutByEdge: number[];
  /**
   * RR intervals (indices into `rrMs`) across a stretch where every lead is missing (`rrAcrossGaps`):
   * the length of the gap, not of a cycle. Left out of every statistic here, as the RR after a
   * premature beat is.
   */
  readonly acrossGap: number[];
}

/**
 * The RR intervals (index i: beat i to beat i + 1) with a sample between their beats at which
 * every lead is missing (NaN: WFDB's invalid sample, a recorder's dropout). What lies between is
 * not recorded, so the interval is the gap's, not the heart's: counted as one RR, 1.5 s missing
 * from PTB-XL 00131's sinus rhythm at 68 bpm read "Sinus arrhythmia" at 54 bpm. The rhythm strip
 * leaves such an RR unlabelled by the same rule (renderer rr-intervals.ts). A gap in some leads
 * only is not one: the beats are found in the others.
 */
export function rrAcrossGaps(leads: readonly { readonly samples: ArrayLike<number> }[], beats: readonly number[]): Set<number> {
  return rrIndicesAcross(missingInEveryLead(leads), beats);
}

/**
 * How early a beat must come to be premature, as a fraction of the median RR. A beat of the
 * usual QRS must come 20 % early, beyond the beat-to-beat variation of sinus rhythm. A QRS unlike
 * the conducted beats' shows its ectopic origin by its shape, so 10 % early with a longer RR after
 * it is enough: LUDB 106's ventricular premature beat came 19 % early, its fully compensatory
 * pause after it (572 + 834 ms against twice the 706 ms median), and was read as sinus arrhythmia.
 */
export const prematurity = { usualQrs: 0.8, differentQrs: 0.9 } as const;

/**
 * Beats (indices) that come early by `prematurity` (10 % for beats `qrsDiffers` says have
 * another QRS shape, 20 % for the rest): followed by a longer RR (the pause after an
 * ectopic beat), or interpolated — no pause, the early beat splitting one sinus cycle in two
 * (the two RRs around it, both short, add up to the median RR within 15 %), so the beat after
 * it comes on time and is not premature itself. Before interpolated beats were recognised, that
 * on-time sinus beat was taken for the premature one and, its QRS being the usual one, called
 * supraventricular, while the ventricular beat went unnamed (LUDB 1.0.1 record 105: RR 912,
 * 466, 462, 922 ms, "interpolated PVC", was read "supraventricular premature complexes").
 */
export function prematureBeats(rrMs: readonly number[], medianRr: number, qrsDiffers: (beat: number) => boolean = () => false): number[] {
  const premature: number[] = [];
  for (let k = 1; k <= rrMs.length; k++) {
    const before = rrMs[k - 1] as number;
    const after = rrMs[k];
    if (before >= prematurity.usualQrs * medianRr && (before >= prematurity.differentQrs * medianRr || !qrsDiffers(k))) continue;
    if (after === undefined || after > 1.1 * before) {
      premature.push(k);
    } else if (after < 0.8 * medianRr && Math.abs(before + after - medianRr) <= 0.15 * medianRr) {
      premature.push(k);
      k++; // the on-time beat after an interpolated one is not looked at as premature
    }
  }
  return premature;
}

/**
 * RR statistics and premature beats (`prematureBeats`). A premature beat is ventricular when
 * its QRS, compared over ±60 ms with the median beat in every lead, does not match the
 * dominant (conducted) shape: the distinction the carts draw between PVC and PAC/APC (Mason et
 * al., AHA/ACCF/HRS 2007 statement list, Circulation 115:1325). Under pacing (`paced`) a QRS
 * unlike the median beat's may be a paced one whose stimulus is too small to see (LUDB 8, 90),
 * so there the shape neither shortens the prematurity asked nor counts outside premature beats.
 */
export function rhythmFeatures(
  cleanLeads: readonly Float64Array[],
  beats: readonly number[],
  fs: number,
  template: MedianBeat | undefined,
  paced = false,
  acrossGap: ReadonlySet<number> = new Set(),
): RhythmFeatures {
  const rrMs = beats.slice(1).map((b, k) => ((b - (beats[k] as number)) * 1000) / fs);
  const recorded = rrMs.filter((_, i) => !acrossGap.has(i));
  if (recorded.length === 0) return { rrMs, medianRrMs: null, normalisedRmssd: null, normalisedRmssdAll: null, rrRange: null, premature: [], prematureVentricular: [], differentQrs: [], cutByEdge: [], acrossGap: [...acrossGap] };
  const med = median(recorded);
  const shapeOf = new Map<number, boolean>();
  const qrsDiffers = (k: number): boolean => {
    if (!template) return false;
    if (!shapeOf.has(k)) shapeOf.set(k, !qrsMatchesTemplate(cleanLeads, beats[k] as number, template));
    return shapeOf.get(k) as boolean;
  };
  const cutByEdge = beats.flatMap((b, k) => (qrsWindowFits(cleanLeads, b, fs) ? [] : [k]));
  const premature = prematureBeats(rrMs, med, paced ? undefined : qrsDiffers).filter((k) => !cutByEdge.includes(k));
  // RR intervals that touch an ectopic beat, or a QRS the record cuts, are not the underlying rhythm's.
  const touched = new Set([...[...premature, ...cutByEdge].flatMap((k) => [k - 1, k]), ...acrossGap]);
  const clean = rrMs.filter((_, i) => !touched.has(i));
  const mean = clean.reduce((a, b) => a + b, 0) / Math.max(1, clean.length);
  let ss = 0;
  let pairs = 0;
  for (let i = 1; i < rrMs.length; i++) {
    if (touched.has(i) || touched.has(i - 1)) continue;
    ss += ((rrMs[i] as number) - (rrMs[i - 1] as number)) ** 2;
    pairs++;
  }
  const prematureVentricular = premature.filter(qrsDiffers);
  const differentQrs = paced ? [] : beats.flatMap((_, k) => (qrsDiffers(k) ? [k] : []));
  return {
    rrMs,
    medianRrMs: med,
    normalisedRmssd: pairs > 0 ? Math.sqrt(ss / pairs) / mean : null,
    normalisedRmssdAll: rmssdAll(rrMs, acrossGap),
    rrRange: clean.length >= 2 ? (Math.max(...clean) - Math.min(...clean)) / mean : null,
    premature,
    prematureVentricular,
    differentQrs,
    cutByEdge,
    acrossGap: [...acrossGap],
  };
}

/** Whether the ±60 ms window the QRS shape is compared over lies inside the record (true without leads: nothing says it is cut). */
function qrsWindowFits(leads: readonly Float64Array[], at: number, fs: number): boolean {
  const n = leads[0]?.length;
  if (n === undefined) return true;
  const half = Math.round(0.06 * fs);
  return at - half >= 0 && at + half < n;
}

/**
 * Whether a beat's QRS has the median beat's shape: the Pearson correlation, over every lead at
 * once, of its ±60 ms window with the median beat's is at least 0.8 at the best alignment
 * within ±20 ms. The detector's fiducial can sit on another peak of an early beat's QRS; at its
 * own fiducial alone, LUDB 1.0.1 record 132's premature atrial beats (atrial bigeminy) correlated
 * −0.05 and −0.01 with the median beat and were called ventricular, aligned 0.90 and 0.94.
 * A window that does not fit inside the record is taken to match (nothing to compare).
 */
export function qrsMatchesTemplate(leads: readonly Float64Array[], at: number, template: MedianBeat): boolean {
  const half = Math.round(0.06 * template.fs);
  const maxLag = Math.round(0.02 * template.fs);
  const n = leads[0]?.length ?? 0;
  if (n === 0 || !qrsWindowFits(leads, at, template.fs)) return true;
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    if (at + lag - half < 0 || at + lag + half >= n) continue;
    if (correlationWithTemplate(leads, at + lag, template, half) >= 0.8) return true;
  }
  return false;
}

/**
 * Pearson correlation of the ±`half` samples around `at`, all leads concatenated, with the
 * median beat's around its R, each lead taken about its own mean over the window. Leads wander
 * apart independently, so one mean over the concatenation counted a lead's baseline offset as
 * QRS shape: the last beat of LUDB 88, its V1 riding a baseline swing, correlated under 0.8
 * with a QRS like every other beat's.
 */
function correlationWithTemplate(leads: readonly Float64Array[], at: number, template: MedianBeat, half: number): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  leads.forEach((lead, k) => {
    const t = template.leads[k];
    if (!t || template.pre - half < 0 || template.pre + half >= t.length) return;
    const sums = centredProductSums(lead.subarray(at - half, at + half + 1), t.subarray(template.pre - half, template.pre + half + 1));
    ab += sums.ab;
    aa += sums.aa;
    bb += sums.bb;
  });
  return ab / Math.sqrt(Math.max(1e-12, aa * bb));
}

function rmssdAll(rr: readonly number[], acrossGap: ReadonlySet<number>): number | null {
  const recorded = rr.filter((_, i) => !acrossGap.has(i));
  let ss = 0;
  let pairs = 0;
  for (let i = 1; i < rr.length; i++) {
    if (acrossGap.has(i) || acrossGap.has(i - 1)) continue;
    ss += ((rr[i] as number) - (rr[i - 1] as number)) ** 2;
    pairs++;
  }
  return pairs === 0 ? null : Math.sqrt(ss / pairs) / (recorded.reduce((a, b) => a + b, 0) / recorded.length);
}

/** Regular atrial activity left after the QRST complexes are cancelled: flutter waves. */
export interface AtrialActivity {
  /** Best normalised autocorrelation of the residual at a lag of 160–260 ms (230–375 atrial beats a minute) minus that at half the lag. */
  readonly periodicity: number;
  /** Atrial rate at that lag, per minute. */
  readonly atrialRatePerMin: number;
  /**
   * The best lag is the first or last searched: the correlation still rises beyond the range, so
   * no period was found inside it and the rate is only the range's bound (375/min on records of
   * atrial fibrillation, whose waves are faster and irregular), not a measured flutter rate.
   */
  readonly atSearchEdge: boolean;
  /** Robust amplitude (5–95 % range) of the residual, mV. */
  readonly amplitudeMv: number;
  /** The lead it was found in. */
  readonly lead: string;
}

const atrialLeads = ['II', 'III', 'aVF', 'V1'];

/**
 * Flutter waves: each beat's QRST is cancelled by subtracting the median beat from 100 ms
 * before to 450 ms (at most 0.6 RR) after its fiducial; what remains in II, III, aVF and V1 is
 * atrial activity. Flutter is a regular sawtooth at 250–350 a minute, so its residual repeats at
 * lags of 160–260 ms; sinus P waves repeat only once per RR and fibrillatory waves not at all.
 * Atrial flutter with 2:1 conduction is regular in the ventricles, which an RR rule misses.
 */
export function atrialActivity(cleanLeads: readonly Float64Array[], names: readonly string[], beats: readonly number[], fs: number, template: MedianBeat | undefined): AtrialActivity | undefined {
  if (!template || beats.length < 4) return undefined;
  let best: AtrialActivity | undefined;
  const rr = template.rr;
  const before = Math.round(0.1 * fs);
  const after = Math.round(Math.min(0.45 * fs, 0.6 * rr));
  for (const lead of atrialLeads) {
    const k = names.indexOf(lead);
    const x = cleanLeads[k];
    const t = template.leads[k];
    if (k < 0 || !x || !t) continue;
    const residual = Float64Array.from(x);
    for (const b of beats) {
      for (let d = -before; d <= after; d++) {
        const i = b + d;
        const j = template.pre + d;
        if (i >= 0 && i < residual.length && j >= 0 && j < t.length) residual[i] = (residual[i] as number) - (t[j] as number);
      }
    }
    const found = periodicityOf(residual, fs);
    if (found && (!best || found.periodicity > best.periodicity)) best = { ...found, lead };
  }
  return best;
}

function periodicityOf(x: Float64Array, fs: number): Omit<AtrialActivity, 'lead'> | undefined {
  const n = x.length;
  if (n < 2 * fs) return undefined;
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i] as number;
  m /= n;
  const y = Float64Array.from(x, (v) => v - m);
  let energy = 0;
  for (let i = 0; i < n; i++) energy += (y[i] as number) ** 2;
  if (energy <= 0) return undefined;
  const r = (lag: number) => {
    let s = 0;
    for (let i = 0; i + lag < n; i++) s += (y[i] as number) * (y[i + lag] as number);
    return s / energy;
  };
  // A sawtooth correlates with itself one period later and anti-correlates half a period later;
  // smooth leftovers (imperfect QRST cancellation, wander) correlate at both, so the difference
  // measures regular atrial activity.
  let bestLag = 0;
  let bestR = -Infinity;
  const [shortest, longest] = [Math.round(0.16 * fs), Math.round(0.26 * fs)];
  for (let lag = shortest; lag <= longest; lag++) {
    const score = r(lag) - r(Math.round(lag / 2));
    if (score > bestR) [bestR, bestLag] = [score, lag];
  }
  const sorted = Float64Array.from(y).sort();
  const amplitudeMv = (sorted[Math.floor(0.95 * (n - 1))] as number) - (sorted[Math.floor(0.05 * (n - 1))] as number);
  return { periodicity: bestR, atrialRatePerMin: (60 * fs) / bestLag, atSearchEdge: bestLag === shortest || bestLag === longest, amplitudeMv };
}

/**
 * RR irregularity (normalised RMSSD) over the successive RR pairs whose three beats are all
 * outside `skipped` (paced beats): a demand pacemaker fires after a pause, so the RR before a
 * paced beat is the pacemaker's escape interval, and the one after it the intrinsic rhythm's
 * restart: neither says whether the intrinsic rhythm is irregular. Null with fewer than four
 * such pairs (the five RR intervals the AF rule needs from six beats). An RR in `acrossGap` (indices
 * into `rrMs`) spans a stretch missing in every lead: it and the pairs it is in are left out alone.
 */
export function normalisedRmssdWithout(rrMs: readonly number[], skipped: ReadonlySet<number>, acrossGap: ReadonlySet<number> = new Set()): number | null {
  let ss = 0;
  let pairs = 0;
  let sum = 0;
  let count = 0;
  rrMs.forEach((rr, i) => {
    if (skipped.has(i) || skipped.has(i + 1) || acrossGap.has(i)) return;
    sum += rr;
    count++;
    const previous = rrMs[i - 1];
    if (previous === undefined || skipped.has(i - 1) || acrossGap.has(i - 1)) return;
    ss += (rr - previous) ** 2;
    pairs++;
  });
  return pairs >= 4 ? Math.sqrt(ss / pairs) / (sum / count) : null;
}

/** Atrial waves at twice the ventricular rate, seen on the median beat (2:1 atrial flutter). */
export interface HalfCycleAtrialWaves {
  /**
   * Per lead (II, III, aVF, V1 where present): the Pearson correlation of one RR cycle of the
   * median beat, QRS left out, with itself half an RR later; and the 5–95 % range of that signal.
   */
  readonly leads: { readonly lead: string; readonly correlation: number; readonly amplitudeMv: number }[];
  /** Twice the median beat's ventricular rate, per minute: the atrial rate if the repeating waves are atrial. */
  readonly atrialRatePerMin: number;
}

/**
 * Flutter conducted 2:1 is phase-locked to the QRS, so it is part of the median beat and the
 * QRST cancellation of `atrialActivity` removes it with the QRS. Its waves then repeat every
 * half RR: one sits midway between the QRS complexes, the other inside the QRS or ST segment
 * (the "Bix rule": a P wave midway between QRS complexes means another one hides in the QRS).
 * On one RR cycle of the median beat centred on R, with the QRS (± 20 ms) left out, the signal
 * is compared with itself half a cycle later: a QRST complex occurs once per cycle and, outside
 * the QRS, does not match itself shifted by half a cycle (at 115–188 bpm a sinus P wave lands
 * on the ST segment, the T wave near the PR segment); waves that repeat at twice the
 * ventricular rate do.
 */
export function halfCycleAtrialWaves(template: MedianBeat, names: readonly string[], qrsOnset: number, qrsOffset: number): HalfCycleAtrialWaves | undefined {
  const { pre, rr, fs } = template;
  const half = Math.round(rr / 2);
  const length = template.leads[0]?.length ?? 0;
  if (half < Math.round(0.1 * fs) || pre < half || pre + half > length) return undefined;
  const start = pre - half;
  const margin = Math.round(0.02 * fs);
  // Cycle positions outside the QRS whose partner half a cycle later is outside it too.
  const outside = (i: number) => start + i < qrsOnset - margin || start + i > qrsOffset + margin;
  const pairs: [number, number][] = [];
  for (let i = 0; i < 2 * half; i++) {
    const j = (i + half) % (2 * half);
    if (outside(i) && outside(j)) pairs.push([i, j]);
  }
  if (pairs.length < Math.round(0.1 * fs)) return undefined;
  const leads: HalfCycleAtrialWaves['leads'][number][] = [];
  for (const lead of atrialLeads) {
    const x = template.leads[names.indexOf(lead)];
    if (!x) continue;
    const a = Float64Array.from(pairs, ([i]) => x[start + i] as number);
    const b = Float64Array.from(pairs, ([, j]) => x[start + j] as number);
    const sorted = Float64Array.from(a).sort();
    const amplitudeMv = (sorted[Math.floor(0.95 * (sorted.length - 1))] as number) - (sorted[Math.floor(0.05 * (sorted.length - 1))] as number);
    leads.push({ lead, correlation: pearson(a, b), amplitudeMv });
  }
  return leads.length > 0 ? { leads, atrialRatePerMin: (2 * 60 * fs) / rr } : undefined;
}
