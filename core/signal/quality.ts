import { butter } from './butter';
import { iirnotch, sosfiltfilt } from './sosfilt';
import { medianFilter, quantile } from './stats';

/**
 * Per-lead signal quality. Each check is a measured figure compared with a threshold, so a
 * flag can always be explained ("baseline moves 1.3 mV"); thresholds were set on synthetic
 * artefacts and checked against the PTB-XL noise annotations (docs/benchmarks.md, "signal").
 */
export const qualityIssues = ['missing', 'flat', 'clipped', 'baselineWander', 'highFrequencyNoise', 'mainsInterference'] as const;
export type QualityIssue = (typeof qualityIssues)[number];

export interface LeadQualityMetrics {
  /** Fraction of samples that are NaN or infinite. */
  readonly invalidFraction: number;
  /** Robust peak-to-peak (0.5–99.5 %) after removing drift below 0.5 Hz, mV. */
  readonly rangeMv: number;
  /** Fraction of samples held at the lead's extreme value in repeated runs of ≥ 8 ms. */
  readonly clippedFraction: number;
  /** Peak-to-peak of the baseline below 0.7 Hz, mV. */
  readonly wanderMv: number;
  /** Median over 200 ms windows of the robust RMS above 30 Hz (mains removed), QRS complexes left out, mV. */
  readonly hfNoiseMv: number;
  /** Amplitude of the strongest 50 or 60 Hz line, mV, and its frequency. */
  readonly mainsMv: number;
  readonly mainsHz: number | null;
}

export interface LeadQuality {
  /** False when any issue is present. */
  readonly ok: boolean;
  readonly issues: QualityIssue[];
  readonly metrics: LeadQualityMetrics | null;
}

/** Thresholds, in one place so the evaluation can print them next to its figures. */
export const qualityThresholds = {
  invalidFraction: 0.2,
  flatRangeMv: 0.05,
  clippedFraction: 0.005,
  wanderMv: 0.5,
  hfNoiseMv: 0.03,
  mainsMv: 0.03,
  /** A mains line must also stand this many times above the neighbouring spectrum. */
  mainsLineRatio: 6,
} as const;

const missingMetrics = (invalidFraction: number): LeadQualityMetrics => ({
  invalidFraction,
  rangeMv: 0,
  clippedFraction: 0,
  wanderMv: 0,
  hfNoiseMv: 0,
  mainsMv: 0,
  mainsHz: null,
});

function finiteCopy(lead: ArrayLike<number>): { x: Float64Array; invalid: number } {
  const x = new Float64Array(lead.length);
  let invalid = 0;
  let last = 0;
  for (let i = 0; i < lead.length; i++) {
    const v = lead[i] as number;
    if (Number.isFinite(v)) last = v;
    else invalid++;
    // Hold the last valid value: a gap must not look like a step (wander) or a spike (noise).
    x[i] = Number.isFinite(v) ? v : last;
  }
  return { x, invalid };
}

/**
 * Fraction of samples held at the lead's maximum or minimum in runs of at least `minRun`
 * samples. An extreme counts only when it is hit by two or more such runs away from the
 * record's ends: an amplifier rail clips beat after beat, while a single held stretch (PTB-XL
 * records often end on a constant tail) is not clipping.
 */
function clippedFraction(x: Float64Array, minRun: number): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of x) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) return 0;
  const tolerance = 1e-3 * (hi - lo);
  let clipped = 0;
  for (const extreme of [lo, hi]) {
    const runs: number[] = [];
    let start = -1;
    for (let i = 0; i <= x.length; i++) {
      const at = i < x.length && Math.abs((x[i] as number) - extreme) <= tolerance;
      if (at && start < 0) start = i;
      if (!at && start >= 0) {
        if (i - start >= minRun && start > 0 && i < x.length) runs.push(i - start);
        start = -1;
      }
    }
    if (runs.length >= 2) clipped += runs.reduce((a, b) => a + b, 0);
  }
  return clipped / x.length;
}

/**
 * Amplitudes of the sinusoids at each of `hz` (least squares over the whole lead = 2·|DFT|/N,
 * Goertzel), in the order given. Four recurrences run side by side in one pass over the samples:
 * one recurrence waits on its own previous step every sample, and a mains search takes 43 of them
 * per mains frequency, about two fifths of a 500 Hz lead's quality (docs/benchmarks.md,
 * "predict-gates"). Each recurrence does exactly the arithmetic it did alone, so every amplitude is
 * the very figure one pass per frequency gave.
 */
function lineAmplitudes(x: Float64Array, hz: readonly number[], fs: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < hz.length; k += 4) {
    // A short last group repeats its last frequency; the repeats are not returned.
    const w = [0, 1, 2, 3].map((j) => (2 * Math.PI * (hz[Math.min(k + j, hz.length - 1)] as number)) / fs);
    const [c0, c1, c2, c3] = w.map((v) => 2 * Math.cos(v)) as [number, number, number, number];
    let a1 = 0, a2 = 0, b1 = 0, b2 = 0, d1 = 0, d2 = 0, e1 = 0, e2 = 0;
    for (let i = 0; i < x.length; i++) {
      const v = x[i] as number;
      const a0 = v + c0 * a1 - a2;
      const b0 = v + c1 * b1 - b2;
      const d0 = v + c2 * d1 - d2;
      const e0 = v + c3 * e1 - e2;
      a2 = a1;
      a1 = a0;
      b2 = b1;
      b1 = b0;
      d2 = d1;
      d1 = d0;
      e2 = e1;
      e1 = e0;
    }
    const states = [[a1, a2], [b1, b2], [d1, d2], [e1, e2]] as const;
    for (let j = 0; j < 4 && k + j < hz.length; j++) {
      const [s1, s2] = states[j] as readonly [number, number];
      const re = s1 - s2 * Math.cos(w[j] as number);
      const im = s2 * Math.sin(w[j] as number);
      out.push((2 * Math.hypot(re, im)) / x.length);
    }
  }
  return out;
}

/**
 * Strongest mains line (49.5–50.5 or 59.5–60.5 Hz, 0.05 Hz steps: supply frequency drifts)
 * and how far it stands above the spectrum 2–6 Hz either side, where an ECG has no lines.
 */
function mainsLine(x: Float64Array, fs: number): { amplitude: number; hz: number | null; ratio: number } {
  let best = { amplitude: 0, hz: null as number | null, ratio: 0 };
  for (const mains of [50, 60]) {
    if (mains + 6 >= fs / 2) continue;
    const line: number[] = [];
    for (let f = mains - 0.5; f <= mains + 0.5 + 1e-9; f += 0.05) line.push(f);
    const around: number[] = [];
    for (let d = 2; d <= 6; d += 0.37) around.push(mains - d, mains + d);
    const amplitudes = lineAmplitudes(x, [...line, ...around], fs);
    let peak = 0;
    let peakHz = mains;
    line.forEach((f, k) => {
      const a = amplitudes[k] as number;
      if (a > peak) [peak, peakHz] = [a, f];
    });
    const ratio = peak / (quantile(amplitudes.slice(line.length), 0.5) || 1e-12);
    if (peak > best.amplitude) best = { amplitude: peak, hz: Math.round(peakHz * 100) / 100, ratio };
  }
  return best;
}

/**
 * Typical high-frequency level: the 30 Hz high-passed lead (mains notched) is cut into 200 ms
 * windows, QRS complexes (which legitimately hold high frequencies) are left out, and each
 * window's robust RMS (from the median magnitude) is taken; the median over windows is
 * returned. Pacing spikes and short bursts move neither median, so the flag means noise over
 * most of the tracing. `despiked` is the lead with its spikes bridged (despike), so that the
 * filters do not ring on them.
 */
function highFrequencyNoise(despiked: Float64Array, fs: number, beats: readonly number[]): number {
  if (fs < 100 || despiked.length < 64) return 0;
  let y = despiked;
  for (const mains of [50, 60]) if (mains < 0.45 * fs) y = sosfiltfilt(iirnotch(mains, 30, fs), y);
  y = sosfiltfilt(butter(4, Math.min(30, 0.4 * fs), 'highpass', fs), y);
  const mask = new Uint8Array(y.length);
  const guard = Math.round(0.08 * fs);
  for (const b of beats) mask.fill(1, Math.max(0, b - guard), Math.min(y.length, b + guard + 1));
  const edge = Math.round(0.1 * fs);
  const size = Math.max(8, Math.round(0.2 * fs));
  const levels: number[] = [];
  const magnitudes = new Float64Array(size);
  for (let start = edge; start + size <= y.length - edge; start += size) {
    let n = 0;
    for (let i = start; i < start + size; i++) if (!mask[i]) magnitudes[n++] = Math.abs(y[i] as number);
    // 1.4826 · median |y| is the RMS of Gaussian noise, and a spike's few samples do not move it.
    if (n >= size / 2) levels.push(1.4826 * quantile(magnitudes.subarray(0, n), 0.5));
  }
  return levels.length > 0 ? quantile(levels, 0.5) : 0;
}

/**
 * Samples that stand out from their ±2 ms neighbourhood by more than 0.3 mV and 10 robust
 * SDs of such differences: pacemaker spikes (≤ 2 ms wide), which no ECG wave can produce.
 */
export function spikes(x: Float64Array, fs: number): number[] {
  if (fs < 250) return [];
  const residual = new Float64Array(x.length);
  const smooth = medianFilter(x, Math.round(0.004 * fs) | 1);
  for (let i = 0; i < x.length; i++) residual[i] = Math.abs((x[i] as number) - (smooth[i] as number));
  const threshold = Math.max(0.3, 10 * 1.4826 * quantile(residual, 0.5));
  const found: number[] = [];
  for (let i = 0; i < x.length; i++) if ((residual[i] as number) > threshold) found.push(i);
  return found;
}

/** Copy with each spike bridged by a straight line, so the filters downstream do not ring on pacing artefacts. */
function despike(x: Float64Array, fs: number): Float64Array {
  const found = spikes(x, fs);
  if (found.length === 0) return x;
  const y = Float64Array.from(x);
  const pad = Math.max(1, Math.round(0.001 * fs));
  let k = 0;
  while (k < found.length) {
    let end = k;
    while (end + 1 < found.length && (found[end + 1] as number) - (found[end] as number) <= 2 * pad) end++;
    const a = Math.max(0, (found[k] as number) - pad - 1);
    const b = Math.min(x.length - 1, (found[end] as number) + pad + 1);
    for (let i = a + 1; i < b; i++) y[i] = (x[a] as number) + (((x[b] as number) - (x[a] as number)) * (i - a)) / (b - a);
    k = end + 1;
  }
  return y;
}

/** Interior peak-to-peak (quantiles, ignoring 0.5 s at each end where zero-phase filters ring). */
function interiorRange(x: Float64Array, fs: number, q: number): number {
  const edge = Math.min(Math.round(0.5 * fs), x.length >> 3);
  const interior = x.subarray(edge, x.length - edge);
  return quantile(interior, 1 - q) - quantile(interior, q);
}

/** Figures behind every check for one lead (mV at `fs`; NaN = missing sample). */
export function leadQualityMetrics(lead: ArrayLike<number>, fs: number, beats: readonly number[] = []): LeadQualityMetrics {
  const { x, invalid } = finiteCopy(lead);
  const invalidFraction = lead.length ? invalid / lead.length : 1;
  if (x.length < Math.max(32, fs) || invalidFraction >= qualityThresholds.invalidFraction) return missingMetrics(invalidFraction);
  const detrended = sosfiltfilt(butter(2, 0.5, 'highpass', fs), x);
  const baseline = sosfiltfilt(butter(2, 0.7, 'lowpass', fs), x);
  // Pacing spikes (≤ 2 ms) are periodic and broadband: removed before looking for a mains line and
  // before the noise filters (which would ring on them). One copy serves both: finding the spikes
  // (a running median and a quantile over the whole lead) was done twice per lead.
  const despiked = despike(x, fs);
  const mains = mainsLine(despiked, fs);
  return {
    invalidFraction,
    rangeMv: interiorRange(detrended, fs, 0.005),
    clippedFraction: clippedFraction(x, Math.max(3, Math.round(0.008 * fs))),
    wanderMv: interiorRange(baseline, fs, 0),
    hfNoiseMv: highFrequencyNoise(despiked, fs, beats),
    mainsMv: mains.ratio >= qualityThresholds.mainsLineRatio ? mains.amplitude : 0,
    mainsHz: mains.ratio >= qualityThresholds.mainsLineRatio ? mains.hz : null,
  };
}

/** Issues implied by the metrics; `missing` and `flat` make the other checks meaningless, so they stand alone. */
export function issuesFromMetrics(m: LeadQualityMetrics): QualityIssue[] {
  const t = qualityThresholds;
  if (m.invalidFraction >= t.invalidFraction) return ['missing'];
  if (m.rangeMv < t.flatRangeMv) return ['flat'];
  const issues: QualityIssue[] = [];
  if (m.clippedFraction >= t.clippedFraction) issues.push('clipped');
  if (m.wanderMv >= t.wanderMv) issues.push('baselineWander');
  if (m.hfNoiseMv >= t.hfNoiseMv) issues.push('highFrequencyNoise');
  if (m.mainsMv >= t.mainsMv) issues.push('mainsInterference');
  return issues;
}

/** Quality of one lead; `beats` (sample indices, optional) keep QRS complexes out of the noise figure. */
export function assessLead(lead: ArrayLike<number> | undefined, fs: number, beats: readonly number[] = []): LeadQuality {
  if (lead === undefined || lead.length === 0) return { ok: false, issues: ['missing'], metrics: null };
  const metrics = leadQualityMetrics(lead, fs, beats);
  const issues = issuesFromMetrics(metrics);
  return { ok: issues.length === 0, issues, metrics };
}
