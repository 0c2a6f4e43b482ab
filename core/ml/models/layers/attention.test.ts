import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend } from '../../backend/init';
import { attentionCore, attentionDropoutMask } from './attention';
import { feedForward } from './feed-forward';
import { seededDropoutMask } from './reduce';

function maxRelativeError(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]! / tf.max(tf.abs(b)).dataSync()[0]!);
}

/** softmax(q·kᵀ/√d) ⊙ mask · v by plain tfjs ops, differentiated by tfjs's own autodiff. */
function reference(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, mask: tf.Tensor | undefined): tf.Tensor {
  return tf.tidy(() => {
    const p = tf.softmax(tf.div(tf.matMul(q, k, false, true), Math.sqrt(q.shape[2])));
    return tf.matMul(mask ? tf.mul(p, mask) : p, v);
  });
}

describe('memory-bounded attention core vs autodiff of the plain formula', () => {
  beforeAll(async () => {
    await initBackend({ force: 'wasm' });
  });
  afterEach(() => vi.restoreAllMocks());

  it.each([
    { label: 'one chunk, no dropout', dropout: 0, chunkElements: undefined },
    { label: 'chunks of 2 groups, dropout 0.3', dropout: 0.3, chunkElements: 2 * 25 },
    { label: 'chunks of 1 group (uneven split), dropout 0.5', dropout: 0.5, chunkElements: 30 },
  ])('$label: output and the gradients of q, k, v', ({ dropout, chunkElements }) => {
    vi.spyOn(Math, 'random').mockReturnValue(0.25); // fixes the mask seed
    const seed = Math.floor(0.25 * 2147483647);
    const before = tf.memory().numTensors;
    const [q, k, v] = [1, 2, 3].map((s) => tf.randomNormal([5, 5, 4], 0, 1, 'float32', s)) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
    const probe = tf.randomNormal([5, 5, 4], 0, 1, 'float32', 4);
    const mask = dropout > 0 ? attentionDropoutMask(0, 5, 5, dropout, seed) : undefined;
    const options = { dropout, training: true, ...(chunkElements ? { chunkElements } : {}) };
    const loss = (f: (a: tf.Tensor3D, b: tf.Tensor3D, c: tf.Tensor3D) => tf.Tensor) => (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
      tf.sum(tf.mul(f(a as tf.Tensor3D, b as tf.Tensor3D, c as tf.Tensor3D), probe));
    const ours = tf.grads(loss((a, b, c) => attentionCore(a, b, c, options)))([q, k, v]);
    const theirs = tf.grads(loss((a, b, c) => reference(a, b, c, mask)))([q, k, v]);
    ours.forEach((g, i) => expect(maxRelativeError(g, theirs[i]!)).toBeLessThan(1e-5));
    const out = attentionCore(q, k, v, options);
    const expected = reference(q, k, v, mask);
    expect(maxRelativeError(out, expected)).toBeLessThan(1e-5);
    if (mask) {
      const kept = mask.dataSync().filter((m) => m > 0).length / mask.size;
      expect(Math.abs(kept - (1 - dropout))).toBeLessThan(0.15);
    }
    tf.dispose([q, k, v, probe, ...ours, ...theirs, out, expected, ...(mask ? [mask] : [])]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('without training, dropout is off and the result is the plain formula', () => {
    const [q, k, v] = [5, 6, 7].map((s) => tf.randomNormal([2, 3, 4], 0, 1, 'float32', s)) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
    expect(maxRelativeError(attentionCore(q, k, v, { dropout: 0.5, training: false }), reference(q, k, v, undefined))).toBeLessThan(1e-6);
  });
});

describe('checkpointed feed-forward block vs autodiff of the plain formula', () => {
  beforeAll(async () => {
    await initBackend({ force: 'wasm' });
  });
  afterEach(() => vi.restoreAllMocks());

  it.each([0, 0.4])('dropout %s: output and the gradients of h, W1, b1, W2, b2', (dropout) => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const seed = Math.floor(0.5 * 2147483647);
    const before = tf.memory().numTensors;
    const inputs = [[6, 4], [4, 10], [10], [10, 4], [4]].map((shape, i) => tf.randomNormal(shape, 0, 1, 'float32', 20 + i));
    const probe = tf.randomNormal([6, 4], 0, 1, 'float32', 30);
    const mask = dropout > 0 ? seededDropoutMask([6, 10], dropout, seed) : undefined;
    const ours = (h: tf.Tensor, w1: tf.Tensor, b1: tf.Tensor, w2: tf.Tensor, b2: tf.Tensor) =>
      feedForward(h as tf.Tensor2D, { w1: w1 as tf.Tensor2D, b1: b1 as tf.Tensor1D, w2: w2 as tf.Tensor2D, b2: b2 as tf.Tensor1D }, { dropout, training: true });
    const plain = (h: tf.Tensor, w1: tf.Tensor, b1: tf.Tensor, w2: tf.Tensor, b2: tf.Tensor) =>
      tf.tidy(() => {
        const r = tf.relu(tf.add(tf.matMul(h, w1), b1));
        return tf.add(tf.matMul(mask ? tf.mul(r, mask) : r, w2), b2);
      });
    const loss = (f: typeof plain) => (...t: tf.Tensor[]) => tf.sum(tf.mul(f(t[0]!, t[1]!, t[2]!, t[3]!, t[4]!), probe));
    const got = tf.grads(loss(ours))(inputs);
    const want = tf.grads(loss(plain))(inputs);
    got.forEach((g, i) => expect(maxRelativeError(g, want[i]!)).toBeLessThan(1e-5));
    const [h, w1, b1, w2, b2] = inputs as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const [y, yRef] = [ours(h, w1, b1, w2, b2), plain(h, w1, b1, w2, b2)];
    expect(maxRelativeError(y, yRef)).toBeLessThan(1e-5);
    if (mask) expect(mask.dataSync().filter((m) => m === 0).length).toBeGreaterThan(0);
    tf.dispose([...inputs, probe, ...got, ...want, y, yRef, ...(mask ? [mask] : [])]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
