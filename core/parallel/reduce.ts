/**
 * into[k] = Σᵢ weightᵢ · slots[i·size + k] for k in [from, to): the gradient reduction over
 * the workers' slots. Slots are added in index order, so any split of [0, size) between
 * threads gives bit-identical sums.
 */
export function weightedSumInto(slots: Float32Array, size: number, weights: readonly number[], into: Float32Array, from = 0, to = size): void {
  into.fill(0, from, to);
  weights.forEach((w, i) => {
    if (w === 0) return;
    const base = i * size;
    for (let k = from; k < to; k++) into[k] = (into[k] as number) + w * (slots[base + k] as number);
  });
}

/** [from, to) ranges splitting `size` elements into `parts` nearly equal pieces. */
export function splitRange(size: number, parts: number): [number, number][] {
  return Array.from({ length: parts }, (_, i) => [Math.floor((size * i) / parts), Math.floor((size * (i + 1)) / parts)]);
}
