import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './init';

/** max |a − b| / max |b|: relative to the reference's scale, robust to values near zero. */
function relativeError(actual: Float32Array | Int32Array | Uint8Array, expected: Float32Array | Int32Array | Uint8Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return diff / (scale || 1);
}

/** Runs `fn` on the cpu and on the wasm backend with the same inputs; returns both outputs' values. */
async function onBothBackends(inputs: number[][], shapes: number[][], fn: (...t: tf.Tensor[]) => tf.Tensor[]) {
  const results: Float32Array[][] = [];
  for (const backend of ['cpu', 'wasm']) {
    await tf.setBackend(backend);
    const before = tf.memory().numTensors;
    const tensors = inputs.map((values, i) => tf.tensor(values, shapes[i]));
    const outputs = fn(...tensors);
    results.push(outputs.map((o) => o.dataSync() as Float32Array));
    tf.dispose([...tensors, ...outputs]);
    expect(tf.memory().numTensors).toBe(before);
  }
  return { cpu: results[0]!, wasm: results[1]! };
}

function randomValues(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 1073741824 - 1;
  });
}

const product = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

describe('wasm training kernels vs cpu', () => {
  beforeAll(async () => {
    await initBackend({ force: 'wasm' });
  });

  const cases = [];
  for (const kernel of [1, 3, 7]) {
    for (const stride of [1, 2]) {
      for (const length of [16, 17]) {
        for (const pad of ['same', 'valid'] as const) cases.push({ kernel, stride, length, pad });
      }
    }
  }

  it.each(cases)('conv1d k$kernel s$stride L$length $pad: value and gradients', async ({ kernel, stride, length, pad }) => {
    const xShape = [2, length, 3];
    const wShape = [kernel, 3, 4];
    const fn = (x: tf.Tensor, w: tf.Tensor) => {
      const f = (a: tf.Tensor, b: tf.Tensor) => tf.conv1d(a as tf.Tensor3D, b as tf.Tensor3D, stride, pad);
      const y = f(x, w);
      const probe = tf.tensor(randomValues(product(y.shape), 7), y.shape);
      const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, b), probe)))([x, w]);
      probe.dispose();
      return [y, gx!, gw!];
    };
    const { cpu, wasm } = await onBothBackends(
      [randomValues(product(xShape), 1), randomValues(product(wShape), 2)],
      [xShape, wShape],
      fn as (...t: tf.Tensor[]) => tf.Tensor[],
    );
    for (let i = 0; i < 3; i++) expect(relativeError(wasm[i]!, cpu[i]!)).toBeLessThan(1e-5);
  });

  it('conv2d with a 2-D kernel and stride (2, 1) matches too', async () => {
    const xShape = [2, 5, 6, 3];
    const wShape = [3, 3, 3, 2];
    const fn = (x: tf.Tensor, w: tf.Tensor) => {
      const f = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, [2, 1], 'same');
      const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(f(a, b))))([x, w]);
      return [gx!, gw!];
    };
    const { cpu, wasm } = await onBothBackends(
      [randomValues(product(xShape), 3), randomValues(product(wShape), 4)],
      [xShape, wShape],
      fn as (...t: tf.Tensor[]) => tf.Tensor[],
    );
    for (let i = 0; i < 2; i++) expect(relativeError(wasm[i]!, cpu[i]!)).toBeLessThan(1e-5);
  });

  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('batched matMul transposeA=%s transposeB=%s: value and gradients', async (ta, tb) => {
    const aShape = ta ? [3, 5, 4] : [3, 4, 5];
    const bShape = tb ? [3, 6, 5] : [3, 5, 6];
    const fn = (a: tf.Tensor, b: tf.Tensor) => {
      const f = (p: tf.Tensor, q: tf.Tensor) => tf.matMul(p, q, ta, tb);
      const [ga, gb] = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.square(f(p, q))))([a, b]);
      return [f(a, b), ga!, gb!];
    };
    const { cpu, wasm } = await onBothBackends(
      [randomValues(product(aShape), 5), randomValues(product(bShape), 6)],
      [aShape, bShape],
      fn as (...t: tf.Tensor[]) => tf.Tensor[],
    );
    for (let i = 0; i < 3; i++) expect(relativeError(wasm[i]!, cpu[i]!)).toBeLessThan(1e-5);
  });

  it('fused matMul (dense layer) with transposeB and bias matches', async () => {
    const fn = (a: tf.Tensor, b: tf.Tensor, bias: tf.Tensor) => [
      tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, transposeB: true, bias, activation: 'relu' }),
    ];
    const { cpu, wasm } = await onBothBackends(
      [randomValues(12, 8), randomValues(15, 9), randomValues(5, 10)],
      [[4, 3], [5, 3], [5]],
      fn as (...t: tf.Tensor[]) => tf.Tensor[],
    );
    expect(relativeError(wasm[0]!, cpu[0]!)).toBeLessThan(1e-5);
  });
});
