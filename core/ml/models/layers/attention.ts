import * as tf from '@tensorflow/tfjs';
import { customGrad3 } from './custom-grad';

/** Weights of torch's nn.MultiheadAttention, stored input-major ([in, out]) as tfjs dense kernels. */
export interface AttentionWeights {
  inKernel: tf.Tensor2D; // [d, 3d]: q | k | v
  inBias: tf.Tensor1D; // [3d]
  outKernel: tf.Tensor2D; // [d, d]
  outBias: tf.Tensor1D; // [d]
}

/** Score-matrix values computed at once; bounds memory for long inputs (2048 tokens: 4M per head). */
const defaultChunkElements = 1 << 22;

/**
 * Seeded dropout multipliers (0 or 1/(1 − rate)) for groups [start, start + size) of T × T
 * attention weights, by a small xorshift generator seeded per group — so the forward pass, the
 * recomputation in the backward pass and any chunking all draw the same mask. (tf.dropout draws
 * ~30 ns per value, more than the attention itself costs for long inputs.)
 */
export function attentionDropoutMask(start: number, size: number, steps: number, rate: number, seed: number): tf.Tensor3D {
  const perGroup = steps * steps;
  const values = new Float32Array(size * perGroup);
  const keep = 1 / (1 - rate);
  const threshold = rate * 4294967296;
  for (let g = 0; g < size; g++) {
    let s = (Math.imul(seed ^ (start + g), 0x9e3779b1) >>> 0) || 1;
    for (let i = g * perGroup; i < (g + 1) * perGroup; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      values[i] = s >>> 0 >= threshold ? keep : 0;
    }
  }
  return tf.tensor3d(values, [size, steps, steps]);
}

export interface CoreOptions {
  dropout: number;
  training: boolean;
  /** Score-matrix values computed at once (default 2²⁴); tests lower it to exercise chunking. */
  chunkElements?: number;
}

/** softmax(q·kᵀ) (dropout-masked) for one chunk of heads; q is already scaled by 1/√d_head. */
function probabilities(q: tf.Tensor3D, kT: tf.Tensor3D, mask: tf.Tensor | undefined): { p: tf.Tensor3D; dropped: tf.Tensor3D } {
  const p = tf.softmax(tf.matMul(q, kT)) as tf.Tensor3D;
  return { p, dropped: mask ? (tf.mul(p, mask) as tf.Tensor3D) : p };
}

/** Heads per chunk such that a chunk's score matrix stays under `elements` values. */
function chunkSize(groups: number, steps: number, elements: number): number {
  return Math.max(1, Math.min(groups, Math.floor(elements / (steps * steps))));
}

/**
 * Scaled dot-product attention over G = batch × heads groups: q, k, v [G, T, dh] → [G, T, dh].
 * A custom gradient recomputes the probabilities chunk by chunk instead of keeping G·T² values
 * per layer for backprop (a 2048-token input would need gigabytes), and forms every product
 * without a transposed operand of size T² (transposed matMuls are ~12× slower on wasm):
 * dV = (dOᵀ·P)ᵀ, dK = (qᵀ·dS)ᵀ with dS = P ⊙ (dP − rowsum(dO ⊙ O)).
 */
export function attentionCore(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, options: CoreOptions): tf.Tensor3D {
  const [groups, steps, headDim] = q.shape;
  const scale = 1 / Math.sqrt(headDim);
  const step = chunkSize(groups, steps, options.chunkElements ?? defaultChunkElements);
  const useDropout = options.training && options.dropout > 0;
  const seed = useDropout ? Math.floor(Math.random() * 2147483647) : 0;
  const maskFor = (start: number, size: number) => (useDropout ? attentionDropoutMask(start, size, steps, options.dropout, seed) : undefined);
  const chunks = Array.from({ length: Math.ceil(groups / step) }, (_, i) => [i * step, Math.min(step, groups - i * step)] as const);
  const slice = (t: tf.Tensor3D, start: number, size: number) => (size === groups ? t : tf.slice(t, [start, 0, 0], [size, t.shape[1], t.shape[2]]));
  const transposeLast = (t: tf.Tensor3D) => tf.transpose(t, [0, 2, 1]) as tf.Tensor3D;

  const run = customGrad3((qIn, kIn, vIn, save) => {
    const qs = tf.mul(qIn, scale) as tf.Tensor3D;
    const kT = transposeLast(kIn as tf.Tensor3D);
    const outputs = chunks.map(([start, size]) =>
      tf.tidy(() => {
        const { dropped } = probabilities(slice(qs, start, size), slice(kT, start, size), maskFor(start, size));
        return tf.matMul(dropped, slice(vIn as tf.Tensor3D, start, size));
      }),
    );
    const value = (outputs.length === 1 ? outputs[0]! : tf.concat(outputs, 0)) as tf.Tensor3D;
    save([qs, kT, vIn, value]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [qSaved, kTSaved, vSaved, out] = saved as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
      const dO = dy as tf.Tensor3D;
      const parts = chunks.map(([start, size]) =>
        tf.tidy(() => {
          const qc = slice(qSaved, start, size);
          const vc = slice(vSaved, start, size);
          const dOc = slice(dO, start, size);
          const mask = maskFor(start, size);
          const { p, dropped } = probabilities(qc, slice(kTSaved, start, size), mask);
          const dV = transposeLast(tf.matMul(transposeLast(dOc), dropped)); // (dOᵀ·P̃)ᵀ
          let dP = tf.matMul(dOc, transposeLast(vc)); // [c, T, T]
          if (mask) dP = tf.mul(dP, mask);
          const rowTerm = tf.sum(tf.mul(dOc, slice(out, start, size)), -1, true); // rowsum(dP ⊙ P)
          const dS = tf.mul(p, tf.sub(dP, rowTerm)) as tf.Tensor3D;
          const dQ = tf.mul(tf.matMul(dS, transposeLast(slice(kTSaved, start, size))), scale);
          const dK = transposeLast(tf.matMul(transposeLast(qc), dS)); // (q̃ᵀ·dS)ᵀ, q̃ already scaled
          return [dQ, dK, dV];
        }),
      );
      if (parts.length === 1) return parts[0]!;
      const joined = [0, 1, 2].map((i) => tf.concat(parts.map((p) => p[i]!), 0));
      tf.dispose(parts.flat()); // free the chunks now, not at the end of the whole backward pass
      return joined;
    };
    return { value, gradFunc };
  });
  return run(q, k, v) as tf.Tensor3D;
}

/**
 * Self-attention with Q = K = V = x, as nn.MultiheadAttention: x [B, T, d] → [B, T, d].
 * Projections are single matrix products over all B·T tokens.
 */
export function selfAttention(x: tf.Tensor3D, w: AttentionWeights, heads: number, options: CoreOptions): tf.Tensor3D {
  return tf.tidy(() => {
    const [batch, steps, d] = x.shape;
    const headDim = d / heads;
    const flat = tf.reshape(x, [batch * steps, d]);
    const qkv = tf.fused.matMul({ a: flat, b: w.inKernel, bias: w.inBias }); // [B·T, 3d]
    const split = tf.transpose(tf.reshape(qkv, [batch, steps, 3, heads, headDim]), [2, 0, 3, 1, 4]); // [3, B, h, T, dh]
    const [q, k, v] = tf.unstack(tf.reshape(split, [3, batch * heads, steps, headDim])) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
    const context = attentionCore(q, k, v, options); // [B·h, T, dh]
    const merged = tf.reshape(tf.transpose(tf.reshape(context, [batch, heads, steps, headDim]), [0, 2, 1, 3]), [batch * steps, d]);
    const out = tf.fused.matMul({ a: merged as tf.Tensor2D, b: w.outKernel, bias: w.outBias });
    return tf.reshape(out, [batch, steps, d]);
  });
}

/**
 * LayerNorm over the last axis (torch eps 1e-5) with the closed-form backward pass:
 * dx = r·(ĝ − mean(ĝ) − x̂·mean(ĝ ⊙ x̂)) with ĝ = γ ⊙ dy, dγ = Σ dy ⊙ x̂, dβ = Σ dy — instead of
 * autodiff through tf.moments, whose mean gradients materialise full-size ones tensors.
 */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon = 1e-5): tf.Tensor {
  const rows = Array.from({ length: x.rank - 1 }, (_, i) => i);
  const run = customGrad3((input, g, b, save) => {
    const { mean, variance } = tf.moments(input, -1, true);
    const r = tf.rsqrt(tf.add(variance, epsilon));
    const normed = tf.mul(tf.sub(input, mean), r);
    save([normed, r, g]);
    const value = tf.add(tf.mul(normed, g), b);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xHat, rSaved, gSaved] = saved as [tf.Tensor, tf.Tensor, tf.Tensor1D];
      const gHat = tf.mul(dy, gSaved);
      const centred = tf.sub(gHat, tf.mean(gHat, -1, true));
      const dx = tf.mul(rSaved, tf.sub(centred, tf.mul(xHat, tf.mean(tf.mul(gHat, xHat), -1, true))));
      return [dx, tf.sum(tf.mul(dy, xHat), rows), tf.sum(dy, rows)];
    };
    return { value, gradFunc };
  });
  return run(x, gamma, beta);
}
