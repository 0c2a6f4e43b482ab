import { createHash, type Hash } from 'node:crypto';
import type { EcgRecord } from '../formats/record';

/**
 * Identity of a recording by its content, not its bytes on disk: sampling rate, lead names
 * and the decoded samples. Two files holding the same ECG (PTB-XL's byte-identical pairs
 * with different record names, a re-export with another header) hash the same.
 */
export function recordContentHash(record: EcgRecord): string {
  const hash = contentHashStart(record.fs, record.nSamples);
  for (const lead of record.leads) {
    hash.update(`lead=${lead.name}\n`);
    const s = lead.samples;
    hash.update(new Uint8Array(s.buffer, s.byteOffset, s.byteLength));
  }
  return hash.digest('hex');
}

/**
 * The same hash recomputed from a record as stored (records row and its record_signals blob,
 * lead-major float32 little-endian): what `ecg audit --verify` compares with the hash the import
 * wrote into the trail, so samples edited in the database are found.
 */
export function storedContentHash(fs: number, nSamples: number, leadNames: readonly string[], signal: Uint8Array): string {
  const hash = contentHashStart(fs, nSamples);
  const bytesPerLead = nSamples * 4;
  leadNames.forEach((name, i) => {
    hash.update(`lead=${name}\n`);
    hash.update(signal.subarray(i * bytesPerLead, (i + 1) * bytesPerLead));
  });
  // Bytes beyond the leads would not change the hash: a blob of another length is itself a change.
  if (signal.byteLength !== leadNames.length * bytesPerLead) hash.update(`extra=${signal.byteLength}\n`);
  return hash.digest('hex');
}

function contentHashStart(fs: number, nSamples: number): Hash {
  return createHash('sha256').update(`einthoven-record-v1\nfs=${fs}\nn=${nSamples}\n`);
}
