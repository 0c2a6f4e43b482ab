import { absoluteSteps, quantile, rangeWithin } from './stats';

/**
 * Samples held in every lead, then a jump: a recorder's blanking, not the heart.
 *
 * Some electrocardiographs blank their input while they take a pacemaker pulse: every lead
 * holds its last value for 10–25 ms and then jumps to wherever the signal has got to. Triggered
 * falsely by a steep R wave, this cuts the QRS peaks of a record without a pacemaker (LUDB 1.0.1
 * records 43, 99 and 109: plateaus of ~14–20 ms at the R peak in all 12 leads, then a one-sample
 * drop). The cut complexes are no longer what the heart did — their peaks, and so voltages and
 * QRS shape, are the recorder's — and the drop passes for a pacemaker spike to a detector that
 * does not look before it.
 *
 * No QRS does this: its leads see one rotating dipole, so they cannot all stand still and then
 * all move by more than their steepest slope (the lead's 99th percentile of sample-to-sample
 * change) in one sample. A complex is taken as held where, within 80 ms of its fiducial, at
 * least two thirds of the leads (and three) are flat for 10 ms — a range under 15 % of the jump
 * that follows — and jump at the same sample, and at least half of them are held away from
 * their level before the QRS (30 % of the complex's range): a pacemaker spike also leaves a
 * flat baseline, but from the baseline. Thresholds set on LUDB 43, 99 and 109, the only records
 * flagged among LUDB's 200, the PTB-XL pool's 456 and the shared corpus (docs/benchmarks.md,
 * "LUDB 1.0.1"). Fewer than three leads (MIT-BIH's two) are not assessed.
 */
export interface HeldSamples {
  /** Indices into the beats of the complexes with a hold. */
  readonly beats: number[];
  /** Median hold before the jump, ms (at least `minHoldS`). */
  readonly holdMs: number;
  /** Median number of leads that held and jumped together. */
  readonly leads: number;
}

const minHoldS = 0.01;
const searchS = 0.08;
const heldRangeOfJump = 0.15;
const leadShare = 2 / 3;
const awayShare = 0.3;
/** Below this rate a 10 ms hold is two samples: indistinguishable from a steep slope. */
const minRateHz = 250;

/** Held complexes in `leads` (raw samples, mV, equal lengths; usable leads only) around `beats` (sample indices). */
export function heldSamples(leads: readonly ArrayLike<number>[], fs: number, beats: readonly number[]): HeldSamples {
  const none: HeldSamples = { beats: [], holdMs: 0, leads: 0 };
  const n = leads[0]?.length ?? 0;
  if (fs < minRateHz || leads.length < 3 || n === 0) return none;
  const steepest = leads.map((x) => steepestStep(x));
  const hold = Math.round(minHoldS * fs);
  const search = Math.round(searchS * fs);
  const found: { beat: number; holdMs: number; leads: number }[] = [];
  beats.forEach((b, k) => {
    const from = Math.max(hold, b - search);
    const to = Math.min(n - 2, b + search);
    const before = b - search - Math.round(0.02 * fs);
    if (before < 0 || to <= from) return;
    const span = leads.map((x) => rangeWithin(x, from, to));
    for (let i = from; i <= to; i++) {
      const jumped = leads.flatMap((x, j) => (heldThenJumps(x, i, hold, steepest[j] as number) ? [j] : []));
      if (jumped.length < Math.max(3, Math.ceil(leadShare * leads.length))) continue;
      const away = jumped.filter((j) => heldAwayFromBaseline(leads[j] as ArrayLike<number>, i, before, span[j] as number));
      if (away.length < Math.ceil(leads.length / 2)) continue;
      found.push({ beat: k, holdMs: (1000 * holdLength(leads, jumped, i, fs)) / fs, leads: jumped.length });
      return;
    }
  });
  if (found.length === 0) return none;
  return { beats: found.map((f) => f.beat), holdMs: Math.round(middle(found.map((f) => f.holdMs))), leads: Math.round(middle(found.map((f) => f.leads))) };
}

/** The lead's 99th percentile of sample-to-sample change: its steepest physiological slope. */
function steepestStep(x: ArrayLike<number>): number {
  return quantile(absoluteSteps(x), 0.99) || Number.POSITIVE_INFINITY;
}

/** Flat over the `hold` samples up to `i` (range under `heldRangeOfJump` of the jump), then a jump steeper than the lead's steepest slope. */
function heldThenJumps(x: ArrayLike<number>, i: number, hold: number, steepest: number): boolean {
  const jump = Math.abs((x[i + 1] as number) - (x[i] as number));
  return jump >= steepest && rangeWithin(x, i - hold, i) <= heldRangeOfJump * jump;
}

/** Held at a level `awayShare` of the complex's range from the lead's level before the QRS (sample `before`). */
function heldAwayFromBaseline(x: ArrayLike<number>, i: number, before: number, span: number): boolean {
  return Math.abs((x[i] as number) - (x[before] as number)) >= awayShare * span;
}

/** How long the jumping leads stayed flat before sample `i`, in samples (the median lead's). */
function holdLength(leads: readonly ArrayLike<number>[], jumped: readonly number[], i: number, fs: number): number {
  const lengths = jumped.map((j) => {
    const x = leads[j] as ArrayLike<number>;
    const jump = Math.abs((x[i + 1] as number) - (x[i] as number));
    let lo = x[i] as number;
    let hi = lo;
    let k = i;
    while (k > 0 && i - k < fs) {
      const v = x[k - 1] as number;
      if (Math.max(hi, v) - Math.min(lo, v) > heldRangeOfJump * jump) break;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
      k--;
    }
    return i - k + 1;
  });
  return middle(lengths);
}

function middle(values: readonly number[]): number {
  const sorted = [...values].sort((p, q) => p - q);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
