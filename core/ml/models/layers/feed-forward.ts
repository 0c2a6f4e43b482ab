import * as tf from '@tensorflow/tfjs';
import { customGradN } from './custom-grad';
import { channelSums, seededDropoutMask } from './reduce';

export interface FeedForwardWeights {
  w1: tf.Tensor2D; // [d, ff]
  b1: tf.Tensor1D;
  w2: tf.Tensor2D; // [ff, d]
  b2: tf.Tensor1D;
}

/** relu(h·W1 + b1), dropout-masked: the hidden activations, as one fused product. */
function hidden(h: tf.Tensor2D, w1: tf.Tensor2D, b1: tf.Tensor1D, mask: tf.Tensor | undefined): tf.Tensor2D {
  const r = tf.fused.matMul({ a: h, b: w1, bias: b1, activation: 'relu' });
  return mask ? (tf.mul(r, mask) as tf.Tensor2D) : (r as tf.Tensor2D);
}

/**
 * The transformer's position-wise feed-forward block, Dropout(relu(h·W1 + b1))·W2 + b2 on
 * rows h [N, d], with gradient checkpointing: only h is kept for the backward pass, which
 * recomputes the [N, ff] hidden activations (4× the model width — 64 M values per layer for a
 * batch of 8 at 2048 tokens) instead of holding them for every layer until backprop. Costs one
 * more h·W1 product; lets the 2048-token Transformer train inside the 4 GB wasm heap.
 * Backward: dW2 = H̃ᵀ·dO, dH̃ = dO·W2ᵀ, dA = dH̃ ⊙ mask ⊙ [A > 0], dW1 = hᵀ·dA, dh = dA·W1ᵀ.
 */
export function feedForward(h: tf.Tensor2D, w: FeedForwardWeights, options: { dropout: number; training: boolean }): tf.Tensor2D {
  const useDropout = options.training && options.dropout > 0;
  const seed = useDropout ? Math.floor(Math.random() * 2147483647) : 0;
  const rows = h.shape[0];
  const width = w.w1.shape[1];
  const maskOf = () => (useDropout ? seededDropoutMask([rows, width], options.dropout, seed) : undefined);
  const run = customGradN(([hIn, w1, b1, w2, b2], save) => {
    const value = tf.tidy(() => tf.fused.matMul({ a: hidden(hIn as tf.Tensor2D, w1 as tf.Tensor2D, b1 as tf.Tensor1D, maskOf()), b: w2 as tf.Tensor2D, bias: b2 }));
    save([hIn!, w1!, b1!, w2!]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [hs, w1s, b1s, w2s] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D];
      const mask = maskOf();
      const activated = tf.fused.matMul({ a: hs, b: w1s, bias: b1s, activation: 'relu' });
      const dropped = mask ? tf.mul(activated, mask) : activated;
      const dW2 = tf.matMul(dropped, dy as tf.Tensor2D, true, false);
      const dB2 = channelSums(dy);
      let dA = tf.matMul(dy as tf.Tensor2D, w2s, false, true);
      if (mask) dA = tf.mul(dA, mask);
      dA = tf.mul(dA, tf.step(activated)); // relu'(A) = [A > 0] = [relu(A) > 0]
      const dW1 = tf.matMul(hs, dA as tf.Tensor2D, true, false);
      const dB1 = channelSums(dA);
      const dH = tf.matMul(dA as tf.Tensor2D, w1s, false, true);
      return [dH, dW1, dB1, dW2, dB2];
    };
    return { value, gradFunc };
  });
  return run(h, w.w1, w.b1, w.w2, w.b2) as tf.Tensor2D;
}
