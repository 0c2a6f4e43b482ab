/**
 * Seeds derived from several integers (run seed, epoch, step, position in the batch) by
 * 32-bit mixing (murmur3's finaliser), so that each training sample's crop and augmentation
 * depend only on where it sits in the run — not on which worker draws it, nor on how many
 * workers there are.
 */
export function mixSeed(...parts: readonly number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x01000193);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** The seed of the sample at position `b` of a step's batch. */
export function sampleSeed(seed: number, epoch: number, step: number, b: number): number {
  return mixSeed(seed, epoch, step, b);
}
