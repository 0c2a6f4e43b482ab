import { z } from 'zod';
import { EinthovenError } from '../errors';

/**
 * A compact filter of the content hashes (core/engine/record-hash.ts) of the records a model saw
 * in training and validation, kept in its package's provenance: a later fine-tuning or
 * evaluation can count how many of its records the model has already seen, without the package
 * carrying a list of the training records. A Bloom filter: no false negatives; false positives
 * at about `falsePositiveRate`.
 */
export const recordFilterSchema = z.object({
  kind: z.literal('bloom-sha256-v1'),
  /** Records added. */
  count: z.number().int().nonnegative(),
  bits: z.number().int().positive().max(64 * 1024 * 1024),
  hashes: z.number().int().min(1).max(32),
  falsePositiveRate: z.number().positive().max(1),
  /** The bit array, base64. */
  data: z.string(),
});
export type RecordFilter = z.infer<typeof recordFilterSchema>;

const defaultRate = 1e-4;

/** Bit positions of a SHA-256 hex digest (Kirsch–Mitzenmacher double hashing over its first 16 bytes). */
function positions(sha256: string, bits: number, hashes: number): number[] {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new EinthovenError('E_VALIDATION', `'${sha256}' is not a SHA-256 digest`);
  const h1 = BigInt(`0x${sha256.slice(0, 16)}`);
  const h2 = BigInt(`0x${sha256.slice(16, 32)}`) | 1n;
  const m = BigInt(bits);
  return Array.from({ length: hashes }, (_, i) => Number((h1 + BigInt(i) * h2) % m));
}

/** A filter holding every given content hash, sized for `falsePositiveRate`. */
export function buildRecordFilter(hashes: readonly string[], falsePositiveRate = defaultRate): RecordFilter {
  const n = Math.max(1, new Set(hashes).size);
  const bits = Math.max(64, Math.ceil((-n * Math.log(falsePositiveRate)) / Math.LN2 ** 2));
  const k = Math.min(32, Math.max(1, Math.round((bits / n) * Math.LN2)));
  const array = new Uint8Array(Math.ceil(bits / 8));
  for (const hash of hashes) for (const p of positions(hash, bits, k)) array[p >> 3] = (array[p >> 3] as number) | (1 << (p & 7));
  return { kind: 'bloom-sha256-v1', count: new Set(hashes).size, bits, hashes: k, falsePositiveRate, data: Buffer.from(array).toString('base64') };
}

/** A membership test of a filter: true when the record may have been seen (false: certainly not). */
export function recordFilterTest(filter: RecordFilter): (sha256: string) => boolean {
  const array = new Uint8Array(Buffer.from(filter.data, 'base64'));
  if (array.length !== Math.ceil(filter.bits / 8)) throw new EinthovenError('E_MODEL', 'the training-record filter is damaged (its size does not match its bit count)');
  return (sha256) => positions(sha256, filter.bits, filter.hashes).every((p) => ((array[p >> 3] as number) & (1 << (p & 7))) !== 0);
}

/**
 * The training-record filter of a package whose weights another started from (a fine-tuning's
 * base, and that base's own bases), named by its id and name; `records` null where that base kept
 * none (written before packages kept one), so overlap with its training data is unknown.
 */
export const baseRecordFilterSchema = z.object({
  id: z.string().min(1).max(200),
  name: z.string().min(1).max(120),
  records: recordFilterSchema.nullable(),
});
export type BaseRecordFilter = z.infer<typeof baseRecordFilterSchema>;
