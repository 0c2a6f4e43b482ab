import * as tf from '@tensorflow/tfjs';

/** Weights of torch's nn.MultiheadAttention, stored input-major ([in, out]) as tfjs dense kernels. */
export interface AttentionWeights {
  inKernel: tf.Tensor2D; // [d, 3d]: q | k | v
  inBias: tf.Tensor1D; // [3d]
  outKernel: tf.Tensor2D; // [d, d]
  outBias: tf.Tensor1D; // [d]
}

/**
 * Scaled dot-product self-attention with Q = K = V = x, as nn.MultiheadAttention.
 * x [B, T, d] → [B, T, d]. Kᵀ is materialised with an explicit transpose: a transposed
 * matMul is ~12× slower on wasm (stack.md §1).
 */
export function selfAttention(
  x: tf.Tensor3D,
  w: AttentionWeights,
  heads: number,
  options: { dropout: number; training: boolean },
): tf.Tensor3D {
  return tf.tidy(() => {
    const [batch, steps, d] = x.shape;
    const headDim = d / heads;
    const flat = tf.reshape(x, [batch * steps, d]);
    const qkv = tf.add(tf.matMul(flat, w.inKernel), w.inBias); // [B·T, 3d]
    const split = tf.transpose(tf.reshape(qkv, [batch, steps, 3, heads, headDim]), [2, 0, 3, 1, 4]); // [3, B, h, T, hd]
    const [q, k, v] = tf.unstack(split, 0) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    const kT = tf.transpose(k, [0, 1, 3, 2]);
    const scores = tf.mul(tf.matMul(q, kT), 1 / Math.sqrt(headDim)); // [B, h, T, T]
    let attention = tf.softmax(scores, -1);
    if (options.training && options.dropout > 0) attention = tf.dropout(attention, options.dropout);
    const context = tf.transpose(tf.matMul(attention, v), [0, 2, 1, 3]); // [B, T, h, hd]
    const merged = tf.reshape(context, [batch * steps, d]);
    const out = tf.add(tf.matMul(merged, w.outKernel), w.outBias);
    return tf.reshape(out, [batch, steps, d]);
  });
}

/** LayerNorm over the last axis, torch eps 1e-5. */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon = 1e-5): tf.Tensor {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    const normed = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon)));
    return tf.add(tf.mul(normed, gamma), beta);
  });
}
