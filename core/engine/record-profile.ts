import type { EcgRecord } from '../formats/record';
import { planResample, rateRatio, resampleLeads } from '../signal/resample';

/**
 * A small rate-free summary of a recording: the same ECG stored at 100 Hz and at 500 Hz (PTB-XL
 * keeps every record at both) hashes differently (record-hash.ts), but their profiles match.
 * Two leads of the first ten seconds at one common low rate: enough to tell two recordings apart
 * by correlation (core/train/rate-copies.ts), small enough (4 KB) to keep for 10,000 records.
 */
export interface RecordProfile {
  /** The whole record's duration in seconds. */
  readonly seconds: number;
  /** Every ECG lead's name, sorted: copies hold the same leads whatever their order in the file. */
  readonly leads: string;
  /** The first two leads by sorted name, resampled to `profileHz`: at most `profileSeconds` after the first `edgeSeconds`, mean removed. */
  readonly samples: readonly Float32Array[];
}

/** The common rate: below every ECG rate in use, so each copy loses the same band (above 25 Hz) and keeps the rest. */
export const profileHz = 50;
const profileSeconds = 10;
const profileLeads = 2;
/**
 * Left out at each end: PTB-XL's 100 Hz files differ from their 500 Hz originals in their last
 * 0.1 s (by up to 1.8 mV: an edge effect of the downsampling), and every resampler pads the ends.
 */
const edgeSeconds = 0.5;

function meanRemoved(lead: Float64Array): Float32Array {
  let sum = 0;
  for (const v of lead) sum += v;
  const mean = lead.length > 0 ? sum / lead.length : 0;
  return Float32Array.from(lead, (v) => v - mean);
}

/**
 * The profile of a decoded record, or undefined when its rate cannot be brought to `profileHz`
 * exactly (more than 3 decimals) or it holds no ECG lead: such a record is compared by its exact
 * content hash only.
 */
export function recordProfile(record: EcgRecord): RecordProfile | undefined {
  const ecg = record.leads.filter((l) => l.units === undefined).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (ecg.length === 0 || !(record.fs > 0) || record.nSamples === 0) return undefined;
  let ratio: { up: number; down: number };
  try {
    ratio = rateRatio(record.fs, profileHz);
  } catch {
    return undefined;
  }
  if (record.nSamples / record.fs <= 4 * edgeSeconds) return undefined;
  const n = Math.min(record.nSamples, Math.round((profileSeconds + 2 * edgeSeconds) * record.fs));
  // A missing sample (NaN) would make the whole correlation NaN: taken as 0 mV, the same in every copy.
  const inputs = ecg.slice(0, profileLeads).map((l) => Float64Array.from(l.samples.subarray(0, n), (v) => (Number.isFinite(v) ? v : 0)));
  const resampled = resampleLeads(inputs, ratio.up, ratio.down, planResample(n, ratio.up, ratio.down));
  const edge = Math.round(edgeSeconds * profileHz);
  const inner = resampled.map((lead) => lead.subarray(edge, lead.length - edge));
  return { seconds: record.nSamples / record.fs, leads: ecg.map((l) => l.name).join(','), samples: inner.map(meanRemoved) };
}

/** The profile as JSON text, for the disk cache beside the content hash. */
export function profileToJson(profile: RecordProfile): string {
  return JSON.stringify({ v: 1, seconds: profile.seconds, leads: profile.leads, samples: profile.samples.map((s) => Array.from(s)) });
}

/** A profile read back from the disk cache, or undefined for text that is not one (an older or damaged cache). */
export function profileFromJson(text: string): RecordProfile | undefined {
  try {
    const parsed = JSON.parse(text) as { v?: unknown; seconds?: unknown; leads?: unknown; samples?: unknown };
    if (parsed.v !== 1 || typeof parsed.seconds !== 'number' || typeof parsed.leads !== 'string' || !Array.isArray(parsed.samples)) return undefined;
    const samples = parsed.samples.map((s: unknown) => (Array.isArray(s) && s.every((v) => typeof v === 'number') ? Float32Array.from(s as number[]) : undefined));
    if (samples.some((s) => s === undefined)) return undefined;
    return { seconds: parsed.seconds, leads: parsed.leads, samples: samples as Float32Array[] };
  } catch {
    return undefined;
  }
}
