import { detectQrs, usableLead } from './qrs';
import { absoluteSteps, quantile, rangeWithin } from './stats';
import { counted } from '../contract/counted';

/**
 * Pacemaker stimulus ("spike") detection on a multi-lead surface ECG.
 *
 * A pacing stimulus lasts 0.1–2 ms. After a cart's anti-alias filter it survives as a
 * deflection one to three samples wide at 500 Hz, and because the stimulating dipole is inside
 * the heart it appears at the same instant in nearly every lead, limb and precordial alike.
 * Nothing physiological is that narrow: the steepest QRS turns over 5–10 ms. A candidate is a
 * sample whose distance from the mean of its neighbours 2 ms either side (a second difference:
 * a high-pass that ignores wander and the QRS) is at least 6 times the lead's 98th percentile
 * of that figure, on a quiet stretch (nothing half as sharp 8–30 ms before: not ringing or
 * muscle noise) and coming back within 30 ms (not a step such as a calibration pulse's edge).
 * A spike event is candidates within 8 ms in at least two thirds of the usable leads: electrode
 * pops and cable glitches are as narrow but show only in the leads sharing the faulty
 * electrode. Thresholds were chosen on the PTB-XL pool (456 records, 4 labelled PACE;
 * docs/benchmarks.md "measure"): paced spikes show in 8–12 of 12 leads, and no record without
 * a pacemaker has a single event in 8 or more.
 *
 * Bipolar and biventricular leads make small stimuli that reach fewer leads (LUDB 1.0.1 record
 * 93, biventricular pacing: 3–5 of 12). Those count when the timing says pacemaker: events in
 * at least three leads, a quarter of them, before two thirds of the beats, each the same
 * interval (±10 ms) and at least 40 ms before the QRS energy peak (`lockedToBeats`). A stimulus starts the
 * depolarisation it precedes, at the device's fixed delay; sharp deflections of the QRS itself
 * lock to the beats too, but on it (the pool's records without a pacemaker that have such
 * events in 3–6 leads: −4 to +4 ms), and pops and glitches do not lock at all.
 *
 * Background: diagnostic electrocardiographs must show pacemaker pulses (IEC 60601-2-25) and
 * sample at several kHz internally to catch them. Many carts remove the spikes from the stored signal and keep only a marker, so on
 * such files (GE MUSE, Philips) spikes may not be visible at all: `paced: false` then means
 * "no spikes in the stored signal", which `reason` says.
 */
export interface PacingResult {
  /** Spikes followed by a QRS (capture) at least twice, and before at least 10 % of the beats. */
  readonly paced: boolean;
  /** Time of each multi-lead spike event, seconds from the record's start. */
  readonly spikeTimesSec: number[];
  /** Spike events per detected beat (≈1 for single-chamber pacing on every beat, ≈2 dual-chamber). */
  readonly spikesPerBeat: number;
  /** Leads showing a spike in at least half of the spike events. */
  readonly leadsWithSpikes: number;
  /** Why the verdict is what it is, in the user's terms. */
  readonly reason: string;
  /** False when pacing could not be judged (rate below 250 Hz, no usable lead, no beats). */
  readonly assessed: boolean;
  /** Fraction of detected beats with a spike in the 400 ms before (or within 20 ms after) their QRS fiducial. */
  readonly pacedBeatFraction: number;
  /** Indices of the leads (in input order) counted in `leadsWithSpikes`. */
  readonly spikeLeads: number[];
  /** Indices into the beats of those counted in `pacedBeatFraction`: the beats a spike preceded, and those of `unseenSpikeBeats`. */
  readonly pacedBeats: number[];
  /** Of `pacedBeats`, those with no spike seen before them but the QRS of the beats with one (paced-shape.ts). */
  readonly unseenSpikeBeats?: number[];
}

/** Below this rate a stimulus is averaged away by the anti-alias filter: no verdict. */
export const minPacingRateHz = 250;
/** A spike stands this many times above the lead's 98th percentile of the second-difference figure. */
const spikeRatio = 6;
/** Single-lead records cannot be corroborated across leads: a stricter ratio. */
const singleLeadSpikeRatio = 12;
/** Absolute floor (mV): below it a "spike" is quantisation or noise. */
const minSpikeMv = 0.1;
/** Fraction of usable leads that must show the spike at once. */
const leadFraction = 2 / 3;
/** Share of beats that must follow a spike for the record to be called paced. */
const minPacedBeatFraction = 0.1;
/** Spikes in fewer leads (down to this fraction, and at least three) count when locked to the beats (`lockedToBeats`). */
const lockedLeadFraction = 1 / 4;
/** Locked spikes: before this share of the beats, within this many seconds of one interval, at least this long before the QRS fiducial. */
const locked = { beatShare: 2 / 3, toleranceS: 0.01, minLeadS: 0.04 } as const;

interface Candidate {
  readonly at: number;
  readonly lead: number;
}

/** Narrow-deflection figure |x[i] − (x[i−w] + x[i+w]) / 2| with w ≈ 2 ms; NaN samples hold the last valid value. */
function spikeFigure(lead: ArrayLike<number>, w: number): Float64Array {
  const x = new Float64Array(lead.length);
  let last = 0;
  for (let i = 0; i < lead.length; i++) {
    const v = lead[i] as number;
    if (Number.isFinite(v)) last = v;
    x[i] = last;
  }
  const a = new Float64Array(x.length);
  for (let i = w; i + w < x.length; i++) a[i] = Math.abs((x[i] as number) - ((x[i - w] as number) + (x[i + w] as number)) / 2);
  return a;
}

/**
 * A spike comes back: within 30 ms of its peak the lead returns at least halfway to where it
 * was 8 ms before. A step (a calibration pulse's edge, an amplifier swinging between its rails,
 * an electrode pop that shifts the baseline, the drop off a clipped QRS's plateau) stays where
 * it went. The peak is the sample within ±w of the candidate farthest from that level: the
 * second difference peaks beside a one- or two-sample spike, and at the corner of a step, where
 * the lead has not yet moved (LUDB 99's clipped R waves passed as spikes when measured there).
 */
function returnsToBaseline(lead: ArrayLike<number>, i: number, fs: number, w: number): boolean {
  const base = lead[i - Math.round(0.008 * fs)] as number;
  let peak = i;
  for (let k = Math.max(0, i - w); k <= Math.min(lead.length - 1, i + w); k++) if (Math.abs((lead[k] as number) - base) > Math.abs((lead[peak] as number) - base)) peak = k;
  const height = (lead[peak] as number) - base;
  if (height === 0) return false;
  const last = Math.min(lead.length - 1, peak + Math.round(0.03 * fs));
  for (let k = peak + 1; k <= last; k++) if (Math.sign(height) * ((lead[k] as number) - base) <= 0.5 * Math.abs(height)) return true;
  return false;
}

/**
 * Nothing as sharp in the 8–30 ms before: a stimulus falls on a quiet baseline (before the P
 * wave or the QRS it triggers), while high-frequency ringing and muscle bursts repeat.
 */
function quietBefore(a: Float64Array, i: number, from: number, to: number): boolean {
  let max = 0;
  for (let k = i - from; k <= i - to; k++) max = Math.max(max, a[k] as number);
  return max <= 0.5 * (a[i] as number);
}

function leadCandidates(lead: ArrayLike<number>, index: number, fs: number, ratio: number): Candidate[] {
  const w = Math.max(1, Math.round(0.002 * fs));
  const a = spikeFigure(lead, w);
  const threshold = Math.max(minSpikeMv, ratio * quantile(a, 0.98));
  const out: Candidate[] = [];
  const quietFrom = Math.round(0.03 * fs);
  const quietTo = Math.round(0.008 * fs);
  for (let i = quietFrom; i + 1 < a.length; i++) {
    const v = a[i] as number;
    if (v < threshold || v < (a[i - 1] as number) || v <= (a[i + 1] as number)) continue;
    if (quietBefore(a, i, quietFrom, quietTo) && returnsToBaseline(lead, i, fs, w)) out.push({ at: i, lead: index });
  }
  return out;
}

/** A blanked stimulus: the same value for this long before the jump, and again after it. */
const blankHoldS = { before: 0.008, after: 0.006, maxAfter: 0.04 } as const;
/** …after a quiet baseline: over the 10 ms before the hold the lead moves less than this share of the jump. */
const quietBeforeHold = 0.25;

/**
 * Some recorders blank their input around a pacemaker pulse instead of passing the spike: the
 * lead repeats one value, jumps, repeats the new value and then goes on (LUDB 1.0.1 record 111,
 * bipolar pacing: ~10 samples within one quantisation step, a jump, 4 more, then a plateau until
 * the paced QRS ~26 ms later, in every lead). A lead of a living heart never stays within one
 * quantisation step for 8 ms on both sides of a jump; a calibration pulse does, but holds its
 * level for 100 ms or more (the repeat after the jump must end within 40 ms). The jump must be as steep as the
 * lead's steepest 1 % of steps, and the hold must follow a quiet baseline: the same recorders
 * blank steep R waves too, holding the peak the upstroke has just reached (LUDB 109, no
 * pacemaker; held-samples.ts). Such candidates still need two thirds of the leads at once.
 */
function blankedCandidates(lead: ArrayLike<number>, index: number, fs: number): Candidate[] {
  const before = Math.max(2, Math.round(blankHoldS.before * fs));
  const after = Math.max(2, Math.round(blankHoldS.after * fs));
  const maxAfter = Math.round(blankHoldS.maxAfter * fs);
  const steps = absoluteSteps(lead);
  const steep = quantile(steps, 0.99);
  const lsb = smallestStep(steps);
  const lead10ms = Math.round(0.01 * fs);
  const out: Candidate[] = [];
  for (let i = before; i + 1 < lead.length; i++) {
    const jump = steps[i] as number;
    if (!(jump > 10 * lsb) || jump < steep) continue;
    const held = repeatsFor(lead, i, -1, lsb);
    if (held < before || !between(repeatsFor(lead, i + 1, 1, lsb), after, maxAfter)) continue;
    // From a quiet baseline: a recorder that blanks a steep R wave holds its peak, reached by the upstroke (held-samples.ts).
    const start = i - held + 1;
    if (start - lead10ms >= 0 && rangeWithin(lead, start - lead10ms, start) <= quietBeforeHold * jump) out.push({ at: i, lead: index });
  }
  return out;
}

/** The lead's quantisation step: its smallest non-zero sample-to-sample change. */
function smallestStep(steps: Float64Array): number {
  let lsb = Number.POSITIVE_INFINITY;
  for (const d of steps) if (d > 0 && d < lsb) lsb = d;
  return Number.isFinite(lsb) ? lsb : 0;
}

/** How many samples from `i` (inclusive) in direction `step` repeat the value at `i`, to one quantisation step. */
function repeatsFor(lead: ArrayLike<number>, i: number, step: 1 | -1, lsb: number): number {
  let k = i;
  while (k + step >= 0 && k + step < lead.length && Math.abs((lead[k + step] as number) - (lead[i] as number)) <= lsb * 1.001) k += step;
  return Math.abs(k - i) + 1;
}

const between = (v: number, lo: number, hi: number) => v >= lo && v <= hi;

/** Groups candidates from all leads that fall within 8 ms of a group's first one. */
function groupAcrossLeads(candidates: Candidate[], fs: number): Candidate[][] {
  const span = Math.max(1, Math.round(0.008 * fs));
  const sorted = [...candidates].sort((p, q) => p.at - q.at);
  const groups: Candidate[][] = [];
  for (const c of sorted) {
    const current = groups[groups.length - 1];
    if (current && c.at - (current[0] as Candidate).at <= span) current.push(c);
    else groups.push([c]);
  }
  return groups;
}

const notAssessed = (reason: string): PacingResult => ({
  paced: false,
  spikeTimesSec: [],
  spikesPerBeat: 0,
  leadsWithSpikes: 0,
  reason,
  assessed: false,
  pacedBeatFraction: 0,
  spikeLeads: [],
  pacedBeats: [],
});

/**
 * Finds pacemaker spikes in `signal` (one array per lead, mV, equal lengths; NaN = missing)
 * sampled at `fs` Hz. `beats` (QRS sample indices) may be passed when already detected;
 * otherwise they are detected here. Never throws on bad signal.
 */
export function detectPacing(signal: Float32Array[], fs: number, beats?: readonly number[]): PacingResult {
  if (!Number.isFinite(fs) || fs < minPacingRateHz) {
    return notAssessed(`pacing could not be assessed: the record is sampled at ${Number.isFinite(fs) ? fs : 'an unknown rate'} Hz, and pacemaker spikes need at least ${minPacingRateHz} Hz to be seen`);
  }
  const n = signal[0]?.length ?? 0;
  const usable = signal.flatMap((lead, i) => (lead.length === n && usableLead(lead) ? [i] : []));
  if (usable.length === 0) return notAssessed('pacing could not be assessed: no usable lead');
  const ratio = usable.length === 1 ? singleLeadSpikeRatio : spikeRatio;
  const candidates = usable.flatMap((i) => [...leadCandidates(signal[i] as Float32Array, i, fs, ratio), ...blankedCandidates(signal[i] as Float32Array, i, fs)]);
  const needed = Math.max(1, Math.ceil(leadFraction * usable.length - 1e-9));
  const grouped = groupAcrossLeads(candidates, fs).map((group) => ({ at: Math.min(...group.map((c) => c.at)), leads: new Set(group.map((c) => c.lead)) }));
  const qrs = beats ?? detectQrs(signal, fs).beats;
  const inMostLeads = grouped.filter((e) => e.leads.size >= needed);
  const fewer = usable.length > 1 ? lockedToBeats(grouped.filter((e) => e.leads.size >= Math.max(3, Math.ceil(lockedLeadFraction * usable.length - 1e-9))), qrs, fs) : [];
  const events = inMostLeads.length === 0 && fewer.length > 0 ? fewer : inMostLeads;
  const before = Math.round(0.4 * fs);
  const after = Math.round(0.02 * fs);
  // A stimulus captures when a QRS follows within 400 ms (atrial pacing, AV delay up to ~300 ms) or
  // the QRS fiducial already sits on the spike's own upstroke (within 20 ms after it).
  const captures = (at: number) => qrs.some((b) => b >= at - after && b <= at + before);
  const captured = events.filter((e) => captures(e.at)).length;
  const pacedBeatIndices = eventBeforeEachBeat(events, qrs, fs).map((x) => x.beat);
  const pacedBeats = pacedBeatIndices.length;
  const leadCounts = usable.map((i) => [i, events.filter((e) => e.leads.has(i)).length] as const);
  const spikeLeads = events.length === 0 ? [] : leadCounts.filter(([, count]) => count >= events.length / 2).map(([i]) => i);
  const base = {
    spikeTimesSec: events.map((e) => e.at / fs),
    spikesPerBeat: qrs.length > 0 ? events.length / qrs.length : 0,
    leadsWithSpikes: spikeLeads.length,
    assessed: qrs.length > 0,
    pacedBeatFraction: qrs.length > 0 ? pacedBeats / qrs.length : 0,
    spikeLeads,
    pacedBeats: pacedBeatIndices,
  };
  if (qrs.length === 0) return { ...base, paced: false, reason: 'pacing could not be assessed: no QRS complexes found' };
  // Artefact bursts can put spike-like events before a few beats by chance; a pacemaker that is
  // working paces a good share of a 10 s strip, so a share under 10 % is not called paced.
  if (captured >= 2 && base.pacedBeatFraction >= minPacedBeatFraction) {
    const share = Math.round(100 * base.pacedBeatFraction);
    const timing = events === fewer ? `, each ${Math.round((1000 * medianLag(events, qrs, fs)) / fs)} ms before its QRS (spikes this small count only at a fixed interval before most beats)` : '';
    return { ...base, paced: true, reason: `${events.length} pacemaker spikes in ${spikeLeads.length} of ${usable.length} leads; ${pacedBeats} of ${qrs.length} beats (${share} %) follow a spike${timing}` };
  }
  if (events.length > 0) {
    const why = captured < 2 ? 'fewer than two followed by a QRS' : `only ${pacedBeats} of ${qrs.length} beats follow one`;
    return { ...base, paced: false, reason: `${counted(events.length, 'spike-like deflection')} in most leads, but ${why}: not called paced (artefact, or pacing too rare to judge)` };
  }
  return { ...base, paced: false, reason: 'no pacemaker spikes in the stored signal (carts that remove spikes before storing hide them)' };
}

interface SpikeEvent {
  readonly at: number;
  readonly leads: ReadonlySet<number>;
}

/** Per beat a spike precedes (within 400 ms before its fiducial, or 20 ms after): its index, the last such spike and the interval from it to the fiducial, samples. */
function eventBeforeEachBeat(events: readonly SpikeEvent[], qrs: readonly number[], fs: number): { beat: number; event: SpikeEvent; lag: number }[] {
  const before = Math.round(0.4 * fs);
  const after = Math.round(0.02 * fs);
  return qrs.flatMap((b, beat) => {
    const preceding = events.filter((e) => e.at >= b - before && e.at <= b + after);
    const event = preceding[preceding.length - 1];
    return event ? [{ beat, event, lag: b - event.at }] : [];
  });
}

function medianLag(events: readonly SpikeEvent[], qrs: readonly number[], fs: number): number {
  const lags = eventBeforeEachBeat(events, qrs, fs).map((x) => x.lag).sort((p, q) => p - q);
  return lags[Math.floor(lags.length / 2)] ?? 0;
}

/**
 * The events that precede `locked.beatShare` of the beats at one interval (±`locked.toleranceS`
 * of their median) lying at least `locked.minLeadS` before the QRS fiducial; none otherwise.
 * Small stimuli are told from sharp parts of the QRS and from noise by this timing alone.
 */
function lockedToBeats(events: readonly SpikeEvent[], qrs: readonly number[], fs: number): SpikeEvent[] {
  if (events.length === 0 || qrs.length === 0) return [];
  const lag = medianLag(events, qrs, fs);
  if (lag < locked.minLeadS * fs) return [];
  const onTime = eventBeforeEachBeat(events, qrs, fs).filter((x) => Math.abs(x.lag - lag) <= locked.toleranceS * fs);
  return onTime.length >= locked.beatShare * qrs.length ? onTime.map((x) => x.event) : [];
}
