import * as tf from '@tensorflow/tfjs';

/**
 * Per-channel means of x (channels last). For [B, T, C] an average pool over each record's T
 * samples (XNNPACK's pooling reads NHWC in place), then a mean over B; a [N, C] matrix is pooled
 * as one record. ~6× less CPU on wasm than tf.mean over the leading axes, which transposes the
 * whole tensor first (a ones·x product is slower still: XNNPACK packs x as a weight matrix).
 */
export function channelMeans(x: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    if (x.rank === 2) return tf.reshape(channelMeans(tf.expandDims(x, 0)), [x.shape[1]!]) as tf.Tensor1D;
    if (x.rank !== 3) return tf.mean(x, Array.from({ length: x.rank - 1 }, (_, i) => i)) as tf.Tensor1D;
    const [batch, steps, channels] = x.shape as [number, number, number];
    const pooled = tf.avgPool(tf.reshape(x, [batch, 1, steps, channels]) as tf.Tensor4D, [1, steps], [1, steps], 'valid');
    return tf.mean(tf.reshape(pooled, [batch, channels]), 0) as tf.Tensor1D;
  });
}

/** Per-channel sums (see channelMeans). */
export function channelSums(x: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => tf.mul(channelMeans(x), x.size / (x.shape[x.rank - 1] as number)) as tf.Tensor1D);
}

/**
 * Seeded dropout multipliers (0 or 1/(1 − rate)) by a small xorshift generator: a forward pass
 * and its recomputation in a backward pass must draw the same mask, and tf.dropout draws ~30 ns
 * per value. `stream` separates the masks of different places that share one seed.
 */
export function seededDropoutMask(shape: number[], rate: number, seed: number, stream = 0): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  const keep = 1 / (1 - rate);
  const threshold = rate * 4294967296;
  let s = (Math.imul(seed ^ Math.imul(stream + 1, 0x85ebca6b), 0x9e3779b1) >>> 0) || 1;
  for (let i = 0; i < size; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    values[i] = s >>> 0 >= threshold ? keep : 0;
  }
  return tf.tensor(values, shape);
}
