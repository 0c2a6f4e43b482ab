import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './init';
import { relativeDifference } from './parity';
import { readRows } from './read';
import { fusedAdamWUpdate, type AdamWUpdateAttrs } from '../optim/adamw-kernel';
import { reductionChunks } from './webgpu-conv-backprop-filter';
import { webgpuTestsCanRun } from './webgpu-test-gate';

/** Our WGSL kernels on the webgpu backend (a software adapter in CI) against the cpu backend and a float64 loop. */

interface Case {
  batch: number;
  height: number;
  width: number;
  cin: number;
  cout: number;
  kh: number;
  kw: number;
  stride: [number, number];
  dilation: [number, number];
  pad: 'same' | 'valid' | number;
}

/** dW[kh, kw, ci, co] = Σ x[b, oh·s − pad + kh·d, ow·s − pad + kw·d, ci] · dy[b, oh, ow, co], in float64. */
function referenceFilterGradient(x: Float32Array, dy: Float32Array, c: Case, info: tf.backend_util.Conv2DInfo): Float64Array {
  const out = new Float64Array(c.kh * c.kw * c.cin * c.cout);
  const { top, left } = info.padInfo;
  for (let b = 0; b < c.batch; b++)
    for (let oh = 0; oh < info.outHeight; oh++)
      for (let ow = 0; ow < info.outWidth; ow++)
        for (let i = 0; i < c.kh; i++)
          for (let j = 0; j < c.kw; j++) {
            const ih = oh * c.stride[0] - top + i * c.dilation[0];
            const iw = ow * c.stride[1] - left + j * c.dilation[1];
            if (ih < 0 || ih >= c.height || iw < 0 || iw >= c.width) continue;
            const xBase = ((b * c.height + ih) * c.width + iw) * c.cin;
            const dyBase = ((b * info.outHeight + oh) * info.outWidth + ow) * c.cout;
            for (let ci = 0; ci < c.cin; ci++) {
              const xv = x[xBase + ci]!;
              const wBase = ((i * c.kw + j) * c.cin + ci) * c.cout;
              for (let co = 0; co < c.cout; co++) out[wBase + co]! += xv * dy[dyBase + co]!;
            }
          }
  return out;
}

/** Seeded shapes: odd and even lengths, channels off the 32-wide tile, strides 1–3, dilations 1–2, every padding kind. */
function randomCases(count: number): Case[] {
  let s = 12345;
  const pick = <T>(values: readonly T[]): T => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return values[s % values.length]!;
  };
  const cases: Case[] = [
    // Long reductions (split into chunks) and a ResNet-stem-like filter.
    { batch: 4, height: 1, width: 301, cin: 12, cout: 64, kh: 1, kw: 7, stride: [1, 2], dilation: [1, 1], pad: 'same' },
    { batch: 3, height: 1, width: 257, cin: 33, cout: 40, kh: 1, kw: 3, stride: [1, 1], dilation: [1, 2], pad: 'same' },
    // 2-D, with explicit padding.
    { batch: 2, height: 9, width: 11, cin: 5, cout: 7, kh: 3, kw: 2, stride: [2, 1], dilation: [1, 1], pad: 1 },
  ];
  while (cases.length < count) {
    const dilation = pick([1, 1, 2] as const);
    const stride = dilation > 1 ? 1 : pick([1, 2, 3] as const);
    cases.push({
      batch: pick([1, 2, 3]),
      height: 1,
      width: pick([16, 31, 64, 101, 128]),
      cin: pick([1, 3, 12, 33]),
      cout: pick([1, 5, 32, 40]),
      kh: 1,
      kw: pick([1, 3, 5, 7]),
      stride: [1, stride],
      dilation: [1, dilation],
      pad: pick(['same', 'valid', 2] as const),
    });
  }
  return cases;
}

/** `count` figures in [−2, 2), the same for a seed (a linear congruential generator). */
function seededValues(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 1073741824 - 2;
  }
  return out;
}

function runFilterGradient(x: Float32Array, dy: Float32Array, c: Case, dyShape: number[]): Promise<Float32Array> {
  const xt = tf.tensor4d(x, [c.batch, c.height, c.width, c.cin]);
  const dyt = tf.tensor(dy, dyShape);
  const out = tf.engine().runKernel('Conv2DBackpropFilter', { x: xt, dy: dyt }, {
    strides: c.stride,
    pad: c.pad,
    dataFormat: 'NHWC',
    filterShape: [c.kh, c.kw, c.cin, c.cout],
    dilations: c.dilation,
  } as unknown as tf.NamedAttrMap) as tf.Tensor;
  const values = out.data() as Promise<Float32Array>;
  void values.finally(() => tf.dispose([xt, dyt, out]));
  return values;
}

describe.runIf(await webgpuTestsCanRun())('our webgpu kernels against cpu (software adapter in CI)', () => {
  beforeAll(async () => {
    await initBackend({ force: 'webgpu' });
  });

  it('splits long reductions into chunks and keeps short ones whole', () => {
    expect(reductionChunks(100, 4, 3, 65535)).toEqual({ chunks: 1, chunkRows: 128 });
    const long = reductionChunks(32 * 1024, 1, 7, 65535);
    expect(long.chunks).toBeGreaterThan(1);
    expect(long.chunks * long.chunkRows).toBeGreaterThanOrEqual(32 * 1024);
    expect(reductionChunks(32 * 1024, 1, 7, 14).chunks).toBe(2); // the dispatch limit caps it
  });

  it('Conv2DBackpropFilter (tiled WGSL) matches a float64 loop and the cpu backend on random shapes', async () => {
    for (const c of randomCases(14)) {
      const info = tf.backend_util.computeConv2DInfo([c.batch, c.height, c.width, c.cin], [c.kh, c.kw, c.cin, c.cout], c.stride, c.dilation, c.pad, undefined, false, 'channelsLast');
      const dyShape = [c.batch, info.outHeight, info.outWidth, c.cout];
      await tf.setBackend('cpu');
      const x = (await tf.randomNormal([c.batch, c.height, c.width, c.cin], 0, 1, 'float32', 3).data()) as Float32Array;
      const dy = (await tf.randomNormal(dyShape, 0, 1, 'float32', 4).data()) as Float32Array;
      const expected = referenceFilterGradient(x, dy, c, info);
      // tfjs's own gradients never dilate; the cpu kernel ignores the attribute, so compare it only there.
      const cpu = c.dilation[0] === 1 && c.dilation[1] === 1 ? await runFilterGradient(x, dy, c, dyShape) : undefined;
      await tf.setBackend('webgpu');
      const got = await runFilterGradient(x, dy, c, dyShape);
      const label = JSON.stringify(c);
      expect(relativeDifference(expected, got), label).toBeLessThan(1e-5);
      if (cpu) expect(relativeDifference(cpu, got), label).toBeLessThan(1e-5);
    }
  });

  it('conv1d gradients through tf.grads agree with cpu (strided, same/valid padding)', async () => {
    const shapes = [
      { width: 75, cin: 12, cout: 16, k: 7, s: 2, pad: 'same' as const },
      { width: 64, cin: 16, cout: 33, k: 3, s: 1, pad: 'valid' as const },
    ];
    for (const sh of shapes) {
      const grads: Float32Array[][] = [];
      for (const backend of ['cpu', 'webgpu']) {
        await tf.setBackend(backend);
        const x = tf.randomNormal([2, sh.width, sh.cin], 0, 1, 'float32', 5);
        const w = tf.randomNormal([sh.k, sh.cin, sh.cout], 0, 0.2, 'float32', 6);
        const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv1d(a as tf.Tensor3D, b as tf.Tensor3D, sh.s, sh.pad))))([x, w]);
        grads.push(await Promise.all(g.map((t) => t.data() as Promise<Float32Array>)));
        tf.dispose([x, w, ...g]);
      }
      grads[0]!.forEach((ref, i) => expect(relativeDifference(ref, grads[1]![i]!), `${JSON.stringify(sh)} input ${i}`).toBeLessThan(1e-5));
    }
  });

  it('a matMul with a transposed B and a long inner dimension is right (stock split-K shader is not)', async () => {
    const results: number[][][] = [];
    for (const backend of ['cpu', 'webgpu']) {
      await tf.setBackend(backend);
      const a = tf.randomNormal([4, 2048], 0, 1, 'float32', 7);
      const b = tf.randomNormal([512, 2048], 0, 1, 'float32', 8);
      const y = tf.matMul(a, b, false, true);
      results.push(await readRows(y));
      tf.dispose([a, b, y]);
    }
    expect(relativeDifference(results[0]!.flat(), results[1]!.flat())).toBeLessThan(1e-5);
  });

  it('the fused AdamW update matches the cpu kernel, including a variable past the dispatch limit', async () => {
    const attrs: AdamWUpdateAttrs = { decay: 1 - 1e-3 * 0.01, beta1: 0.9, beta2: 0.999, stepSize: 1e-3 * Math.sqrt(1 - 0.999 ** 3) / (1 - 0.9 ** 3), epsHat: 1e-8 * Math.sqrt(1 - 0.999 ** 3) };
    // 65,535 workgroups of 128 cover 8,388,480 values: the last shape needs a folded dispatch.
    for (const shape of [[1], [3, 5, 7], [7, 12, 64], [4097], [8_400_001]]) {
      // The same figures on both backends, from a seeded generator in a typed-array loop: tfjs's
      // randomNormal drew the 8.4 million values of each input again per backend (2.4 s each time
      // here). The folded dispatch is wrong or right whatever the figures' distribution.
      const count = shape.reduce((a, b) => a * b, 1);
      const [p0, m0, g0, n0] = [1, 2, 3, 4].map((seed) => seededValues(count, seed));
      const v0 = n0!.map((x) => x * x); // the second moment is a mean of squares: never negative
      const outputs: Float32Array[][] = [];
      for (const backend of ['cpu', 'webgpu']) {
        await tf.setBackend(backend);
        const [p, m, v, g] = [p0!, m0!, v0, g0!].map((values) => tf.tensor(values, shape));
        const updated = fusedAdamWUpdate(p!, m!, v!, g!, attrs);
        expect(updated, backend).toBeDefined();
        outputs.push(await Promise.all(updated!.map((t) => t.data() as Promise<Float32Array>)));
        tf.dispose([p!, m!, v!, g!, ...updated!]);
      }
      // WGSL's sqrt and division may be a few ulp off (the cpu kernel rounds a float64 result once).
      outputs[0]!.forEach((ref, i) => expect(relativeDifference(ref, outputs[1]![i]!), `${JSON.stringify(shape)} output ${i}`).toBeLessThan(1e-5));
    }
  });
});
