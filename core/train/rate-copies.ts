import type { RecordProfile } from '../engine/record-profile';

/**
 * Finding the same recording stored at two sampling rates (PTB-XL's 00001_lr at 100 Hz and
 * 00001_hr at 500 Hz), which the exact content hash cannot: their profiles
 * (core/engine/record-profile.ts, both leads at 50 Hz) correlate.
 *
 * Measured on the 912 files of ../shared/data/ptbxl-pool (456 records at both rates): every
 * 100/500 Hz pair of one recording correlates ≥ 0.9937 (the weaker of its two leads), every pair
 * of different recordings ≤ 0.488. The threshold sits in that gap, far from both.
 */
export const sameRecordingCorrelation = 0.95;

/**
 * Cheap keys compared before any correlation, each with a tolerance far wider than the copies
 * differ by (their keys agree within 0.5 % on the pool): the duration, and per lead the log RMS
 * and the log share of its energy in each quarter of the profile. The quarter shares depend on
 * where the beats fall, not on the amplitude, so even records standardised to one amplitude
 * rarely pass them together.
 */
const keyTolerance = 0.05;
const secondsTolerance = 0.05;
const quarters = 4;

/** A row to compare: its index in the caller's list, and its profile's keys. */
interface Keyed {
  readonly index: number;
  readonly profile: RecordProfile;
  /** Sort key: log RMS of the first lead. */
  readonly first: number;
  /** Every other key (second lead's log RMS, each lead's quarter shares). */
  readonly rest: readonly number[];
}

function energy(lead: Float32Array, from = 0, to = lead.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += (lead[i] as number) ** 2;
  return sum;
}

/** The keys of a profile, or undefined for one with a flat lead (no correlation to compute). */
function keysOf(index: number, profile: RecordProfile): Keyed | undefined {
  const keys: number[] = [];
  const shares: number[] = [];
  for (const lead of profile.samples) {
    const total = energy(lead);
    if (!(total > 0) || lead.length < quarters) return undefined;
    keys.push(0.5 * Math.log(total / lead.length));
    const step = lead.length / quarters;
    // A small floor: a silent quarter would give log 0.
    for (let q = 0; q < quarters; q++) shares.push(Math.log(energy(lead, Math.round(q * step), Math.round((q + 1) * step)) / total + 1e-3));
  }
  return { index, profile, first: keys[0] as number, rest: [...keys.slice(1), ...shares] };
}

/** Pearson correlation over the common length of two mean-removed leads. */
function correlation(a: Float32Array, b: Float32Array): number {
  const n = Math.min(a.length, b.length);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/** The weaker of the two leads' correlations: both leads must agree for one recording. */
export function profileSimilarity(a: RecordProfile, b: RecordProfile): number {
  if (a.samples.length !== b.samples.length) return 0;
  return Math.min(...a.samples.map((lead, k) => correlation(lead, b.samples[k] as Float32Array)));
}

function keysMatch(a: Keyed, b: Keyed): boolean {
  if (Math.abs(a.profile.seconds - b.profile.seconds) > secondsTolerance) return false;
  return a.rest.every((v, k) => Math.abs(v - (b.rest[k] as number)) <= keyTolerance);
}

/** What a search did: how many pairs it looked at by keys, and how many it correlated. */
export interface CopySearchCost {
  keyChecks: number;
  correlations: number;
}

/**
 * Index pairs of the profiles that hold the same recording (at any rates). Bounded: profiles are
 * grouped by their lead set, sorted by the first lead's RMS, and only neighbours within the RMS
 * tolerance are compared by their other keys; a correlation is computed only for pairs whose
 * every key matches. Undefined profiles (a rate that cannot be brought to 50 Hz, a flat lead) are
 * left to the exact hash.
 */
export function sameRecordingPairs(profiles: readonly (RecordProfile | undefined)[], cost: CopySearchCost = { keyChecks: 0, correlations: 0 }): [number, number][] {
  const byLeads = new Map<string, Keyed[]>();
  profiles.forEach((profile, index) => {
    const keyed = profile && keysOf(index, profile);
    if (!keyed) return;
    const group = byLeads.get(keyed.profile.leads);
    if (group) group.push(keyed);
    else byLeads.set(keyed.profile.leads, [keyed]);
  });
  const pairs: [number, number][] = [];
  for (const group of byLeads.values()) {
    group.sort((a, b) => a.first - b.first);
    for (let i = 0; i < group.length; i++) {
      const a = group[i] as Keyed;
      for (let j = i + 1; j < group.length && (group[j] as Keyed).first - a.first <= keyTolerance; j++) {
        const b = group[j] as Keyed;
        cost.keyChecks++;
        if (!keysMatch(a, b)) continue;
        cost.correlations++;
        if (profileSimilarity(a.profile, b.profile) >= sameRecordingCorrelation) pairs.push(a.index < b.index ? [a.index, b.index] : [b.index, a.index]);
      }
    }
  }
  return pairs;
}
