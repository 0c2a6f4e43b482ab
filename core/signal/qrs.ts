import { butter } from './butter';
import { type MissingStretch, missingInAll, missingInLead, withoutStretches } from './missing-stretches';
import { sosfiltfilt } from './sosfilt';
import { finiteOrZero, medianFilter, movingAverage, quantile } from './stats';

/** Outcome of beat detection: sample indices at the input rate, or none with the reason. */
export interface BeatDetection {
  readonly beats: number[];
  /** Set when no beats could be detected (flat, missing, too short, unsupported rate). */
  readonly reason?: string;
  /** Indices of the leads that contributed. */
  readonly leadsUsed: number[];
}

const minDurationS = 2;
const refractoryS = 0.25;

/** A lead is usable when it is mostly finite and not flat (peak-to-peak ≥ 20 µV). */
export function usableLead(lead: ArrayLike<number>): boolean {
  let finite = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < lead.length; i++) {
    const v = lead[i] as number;
    if (!Number.isFinite(v)) continue;
    finite++;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return finite >= 0.8 * lead.length && hi - lo >= 0.02;
}

/**
 * Per-lead QRS energy, scaled so each lead counts equally and capped so one noisy lead
 * cannot dominate: spike-removing median filter (≈10 ms, pacing spikes), 5–20 Hz zero-phase
 * band-pass (wander and T waves out), squared central difference. `leftOut`: samples that are
 * not the heart's (the lead's own missing stretches and the filter's ringing at their edges,
 * `leftOutOfLead`), at 0 and out of the scale.
 */
function leadEnergy(lead: ArrayLike<number>, fs: number, leftOut: Uint8Array | undefined): Float64Array {
  const x = finiteOrZero(lead);
  const spikeWindow = Math.max(3, (Math.round(0.012 * fs) >> 1) * 2 + 1);
  const bp = sosfiltfilt(butter(2, [5, Math.min(20, 0.45 * fs)], 'bandpass', fs), medianFilter(x, spikeWindow));
  const e = new Float64Array(bp.length);
  for (let i = 1; i + 1 < bp.length; i++) e[i] = ((bp[i + 1] as number) - (bp[i - 1] as number)) ** 2;
  if (leftOut) for (let i = 0; i < e.length; i++) if (leftOut[i]) e[i] = 0;
  const scale = quantile(leftOut ? e.filter((_, i) => !leftOut[i]) : e, 0.98) || 1;
  for (let i = 0; i < e.length; i++) e[i] = Math.min(4, (e[i] as number) / scale);
  return e;
}

/**
 * The band-pass's answer to a step (the edge of a stretch of zeros) stays above 5 % of its peak
 * for about 140 ms either side at any rate (5–20 Hz, order 2, forward and back): so far beside a
 * lead's own gap its energy is the step's, not the heart's.
 */
const ringingS = 0.15;

/**
 * Samples of each used lead whose energy is left out of the detection (undefined: none): its own
 * missing stretches and `ringingS` either side. A stretch missing in every used lead is not one
 * lead's, and is left as it was: the energy around it is that of all leads' zeros, which the
 * rhythm and the median beat already know as a gap (missing-stretches.ts `missingInEveryLead`).
 */
function leftOutOfLeads(missing: readonly (readonly MissingStretch[])[], n: number, fs: number): (Uint8Array | undefined)[] {
  const inAll = missingInAll(missing);
  const margin = Math.round(ringingS * fs);
  return missing.map((gaps) => {
    const own = withoutStretches(gaps, inAll);
    if (own.length === 0) return undefined;
    const out = new Uint8Array(n);
    for (const g of own) out.fill(1, Math.max(0, g.from - margin), Math.min(n, g.to + margin));
    return out;
  });
}

/**
 * The used leads' energies summed, each sample scaled up by the share of leads left out there
 * (`leftOutOfLeads`), so that a beat where some leads are missing stands as high as the others.
 */
function combinedEnergy(leads: readonly ArrayLike<number>[], fs: number, leftOut: readonly (Uint8Array | undefined)[], n: number): Float64Array {
  const combined = new Float64Array(n);
  const present = new Float64Array(n).fill(leads.length);
  leads.forEach((lead, j) => {
    const out = leftOut[j];
    const e = leadEnergy(lead, fs, out);
    for (let k = 0; k < n; k++) combined[k] = (combined[k] as number) + (e[k] as number);
    if (out) for (let k = 0; k < n; k++) present[k] = (present[k] as number) - (out[k] as number);
  });
  if (leftOut.some((o) => o !== undefined)) {
    for (let k = 0; k < n; k++) if ((present[k] as number) > 0) combined[k] = ((combined[k] as number) * leads.length) / (present[k] as number);
  }
  return combined;
}

/** Indices that are the maximum of their ±radius neighbourhood (first one on plateaus). */
function localMaxima(x: Float64Array, radius: number): number[] {
  const peaks: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    if (v <= 0) continue;
    let isMax = true;
    for (let j = Math.max(0, i - radius); j <= Math.min(x.length - 1, i + radius) && isMax; j++) {
      const w = x[j] as number;
      if (w > v || (w === v && j < i)) isMax = false;
    }
    if (isMax) peaks.push(i);
  }
  return peaks;
}

/**
 * Keeps candidates above 30 % of the local reference (80th percentile of candidate heights
 * within ±5 s), then searches back in RR gaps longer than 1.6 × the median RR for the
 * highest candidate above 12 %.
 */
function selectBeats(candidates: number[], height: Float64Array, fs: number): number[] {
  const heights = candidates.map((c) => height[c] as number);
  const window = 5 * fs;
  const reference = candidates.map((c) => quantile(heights.filter((_, k) => Math.abs((candidates[k] as number) - c) <= window), 0.8));
  const beats = candidates.filter((_, k) => (heights[k] as number) >= 0.3 * (reference[k] as number));
  if (beats.length < 3) return beats;
  const rr = beats.slice(1).map((b, k) => b - (beats[k] as number));
  const medianRr = quantile(rr, 0.5);
  const result: number[] = [beats[0] as number];
  for (let k = 1; k < beats.length; k++) {
    const prev = result[result.length - 1] as number;
    const next = beats[k] as number;
    if (next - prev > 1.6 * medianRr) {
      const inGap = candidates.filter((c, j) => c > prev + refractoryS * fs && c < next - refractoryS * fs && (heights[j] as number) >= 0.12 * (reference[j] as number));
      const best = inGap.reduce<number | undefined>((b, c) => (b === undefined || (height[c] as number) > (height[b] as number) ? c : b), undefined);
      if (best !== undefined) result.push(best);
    }
    result.push(next);
  }
  return result;
}

/**
 * Multi-lead QRS detection. `leads` are mV at `fs` Hz (NaN = missing). Robust to baseline
 * wander, noise, pacing spikes, low amplitude and inverted leads (energy is sign-free and
 * scaled per lead). Never throws on bad signal: returns no beats and a reason. `missingByLead`:
 * each lead's missing stretches (`missingInLead`, index as `leads`) where the caller has them.
 */
export function detectQrs(leads: readonly ArrayLike<number>[], fs: number, missingByLead?: readonly (readonly MissingStretch[])[]): BeatDetection {
  if (!(fs >= 50) || !Number.isFinite(fs)) return { beats: [], leadsUsed: [], reason: `sampling rate ${fs} Hz is too low for QRS detection (need ≥ 50 Hz)` };
  const n = leads[0]?.length ?? 0;
  if (n < minDurationS * fs) return { beats: [], leadsUsed: [], reason: `record too short (${(n / fs).toFixed(2)} s < ${minDurationS} s)` };
  const leadsUsed = leads.flatMap((lead, i) => (lead.length === n && usableLead(lead) ? [i] : []));
  if (leadsUsed.length === 0) return { beats: [], leadsUsed, reason: 'no usable lead: all are flat, missing or mostly invalid' };
  // Each lead's own missing stretches (NaN, zeros here): its zeros and their edges are no QRS.
  const missing = leadsUsed.map((i) => missingByLead?.[i] ?? missingInLead(leads[i] as ArrayLike<number>));
  const combined = combinedEnergy(
    leadsUsed.map((i) => leads[i] as ArrayLike<number>),
    fs,
    leftOutOfLeads(missing, n, fs),
    n,
  );
  const integrated = movingAverage(combined, Math.round(0.1 * fs) | 1);
  const candidates = localMaxima(integrated, Math.round(refractoryS * fs));
  const still = stillRuns(leadsUsed.map((i) => leads[i] as ArrayLike<number>), fs);
  // The squared slope has one hump on the upstroke and one on the downstroke, often of equal
  // height: refining on it put the fiducial 14 ms before or after R from beat to beat (134 of
  // the PTB-XL pool's 456 records). Smoothed over 40 ms the two merge into one peak.
  const centred = movingAverage(combined, Math.round(0.04 * fs) | 1);
  const beats = selectBeats(candidates, integrated, fs)
    .map((c) => refine(centred, c, Math.round(0.06 * fs)))
    .filter((b) => !nearStill(still, b, Math.round(0.04 * fs)));
  if (beats.length === 0) return { beats, leadsUsed, reason: 'no QRS complexes found' };
  return { beats, leadsUsed };
}

/**
 * Stretches of at least 50 ms where every used lead repeats its previous sample exactly, and
 * which some lead enters or leaves by a jump. A living heart never holds all leads perfectly
 * still; carts do, around the 1 mV calibration pulse some append to the tracing (Philips) and
 * in signal dropouts, whose edges would otherwise look like QRS complexes. A coarse recorder
 * (8 bits, ~35 µV a step, at 125 Hz) holds a quiet baseline for 50 ms too, and leaves it by its
 * smallest step: such a hold has no edge to mistake for a QRS, and the beat after it is the
 * heart's (dropping those left 5 of 11 beats and a rate of 38 bpm on a 76 bpm tracing). A hold
 * that reaches the record's first or last sample is the recorder's however it is entered: PTB-XL
 * repeats its last value for the final ~100 ms, often from inside a QRS cut short.
 */
function stillRuns(leads: readonly ArrayLike<number>[], fs: number): [number, number][] {
  const n = leads[0]?.length ?? 0;
  const minRun = Math.round(0.05 * fs);
  const quanta = leads.map(smallestStep);
  const jumps = (i: number) => i > 0 && i < n && leads.some((l, k) => Math.abs((l[i] as number) - (l[i - 1] as number)) > jumpSteps * (quanta[k] as number));
  const runs: [number, number][] = [];
  let start = -1;
  for (let i = 1; i <= n; i++) {
    const still = i < n && leads.every((l) => l[i] === l[i - 1]);
    if (still && start < 0) start = i - 1;
    if (!still && start >= 0) {
      if (i - start >= minRun && (start === 0 || i === n || jumps(start) || jumps(i))) runs.push([start, i - 1]);
      start = -1;
    }
  }
  return runs;
}

/** More than this many of a lead's smallest steps at once is a jump; a quantised baseline creeps by one or two. */
const jumpSteps = 4;

/** The smallest change between neighbouring samples of a lead: its recorder's resolution (Infinity where it never changes). */
function smallestStep(lead: ArrayLike<number>): number {
  let step = Infinity;
  for (let i = 1; i < lead.length; i++) {
    const d = Math.abs((lead[i] as number) - (lead[i - 1] as number));
    if (d > 0 && d < step) step = d;
  }
  return step;
}

const nearStill = (runs: readonly [number, number][], at: number, margin: number): boolean => runs.some(([a, b]) => at >= a - margin && at <= b + margin);

/** Moves a beat to the centre of the QRS (maximum of the smoothed energy within ±radius). */
function refine(energy: Float64Array, at: number, radius: number): number {
  let best = at;
  for (let i = Math.max(0, at - radius); i <= Math.min(energy.length - 1, at + radius); i++) if ((energy[i] as number) > (energy[best] as number)) best = i;
  return best;
}
