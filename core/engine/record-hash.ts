import { createHash } from 'node:crypto';
import type { EcgRecord } from '../formats/record';

/**
 * Identity of a recording by its content, not its bytes on disk: sampling rate, lead names
 * and the decoded samples. Two files holding the same ECG (PTB-XL's byte-identical pairs
 * with different record names, a re-export with another header) hash the same.
 */
export function recordContentHash(record: EcgRecord): string {
  const hash = createHash('sha256');
  hash.update(`einthoven-record-v1\nfs=${record.fs}\nn=${record.nSamples}\n`);
  for (const lead of record.leads) {
    hash.update(`lead=${lead.name}\n`);
    const s = lead.samples;
    hash.update(new Uint8Array(s.buffer, s.byteOffset, s.byteLength));
  }
  return hash.digest('hex');
}
