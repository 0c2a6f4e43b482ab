import type { Rng } from '../signal/rng';

/** Packs leads × samples inputs into one channels-last buffer [batch, length, leads] for tfjs. */
export function packChannelsLast(inputs: readonly (readonly Float32Array[])[]): { data: Float32Array; shape: [number, number, number] } {
  const batch = inputs.length;
  const leads = inputs[0]?.length ?? 0;
  const length = inputs[0]?.[0]?.length ?? 0;
  const data = new Float32Array(batch * length * leads);
  inputs.forEach((sample, b) => {
    sample.forEach((lead, l) => {
      const base = b * length * leads + l;
      for (let t = 0; t < length; t++) data[base + t * leads] = lead[t] as number;
    });
  });
  return { data, shape: [batch, length, leads] };
}

/** Fisher–Yates shuffle of 0..n−1 with a seeded generator. */
export function shuffledIndices(n: number, rng: Rng): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}

/** Consecutive batches of an order; with `dropLast` an incomplete final batch is skipped (the paper's train loader). */
export function chunk<T>(order: readonly T[], size: number, dropLast: boolean): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < order.length; i += size) {
    const part = order.slice(i, i + size);
    if (part.length === size || (!dropLast && part.length > 0)) out.push(part);
  }
  return out;
}
