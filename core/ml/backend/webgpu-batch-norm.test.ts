// Golden values from PyTorch: `/usr/bin/python3 scripts/fixtures/ml_layers.py` (as layers.test.ts).
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { layerTrainingStep } from '../../test/layer-step';
import { fixturePath } from '../../test/shared-data';
import { BatchNorm, batchNormTraining } from '../models/layers/batch-norm';
import { fusedBatchNormAvailable } from '../models/layers/batch-norm-kernels';
import { initBackend } from './init';
import { relativeDifference } from './parity';
import { rowChunks } from './webgpu-batch-norm';
import { webgpuTestsCanRun } from './webgpu-test-gate';

type Nested = number | Nested[];
const flat = (v: Nested): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);
const read = async (t: tf.Tensor) => Array.from((await t.data()) as Float32Array);

interface Outcome {
  y: number[];
  dx: number[];
  dGamma: number[];
  dBeta: number[];
  runningMean: number[];
  runningVariance: number[];
}

/** One training pass of a BatchNorm layer with given γ, β on `backend`: output, gradients of Σ y ⊙ probe, running statistics. */
async function trainingPass(backend: string, x: number[], shape: number[], gamma: number[], beta: number[], probe: number[]): Promise<Outcome> {
  await tf.setBackend(backend);
  const layer = new BatchNorm();
  const input = tf.tensor(x, shape);
  layer.build(input.shape);
  const [g, b, mean, variance] = [tf.tensor1d(gamma), tf.tensor1d(beta), tf.zeros([gamma.length]), tf.ones([gamma.length])];
  layer.setWeights([g, b, mean, variance]);
  const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const p = tf.tensor(probe, shape);
  let y: tf.Tensor | undefined;
  const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(batchNormTraining(t, weights[0] as tf.Tensor1D, weights[1] as tf.Tensor1D, 1e-5), p)))(input);
  // The layer itself: its path (fused on webgpu) for y, γ/β gradients and the running statistics.
  const { grads } = tf.variableGrads(() => {
    y = tf.keep(layer.apply(input, { training: true }) as tf.Tensor);
    return tf.sum(tf.mul(y, p));
  }, weights);
  const layerDx = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(layer.apply(t, { training: true }) as tf.Tensor, p)))(input);
  const [, , runningMean, runningVariance] = layer.getWeights();
  const outcome = {
    y: await read(y!),
    dx: await read(layerDx),
    dGamma: await read(grads[weights[0]!.name]!),
    dBeta: await read(grads[weights[1]!.name]!),
    runningMean: await read(runningMean!),
    runningVariance: await read(runningVariance!),
  };
  // The op-by-op closed form and the layer agree on this backend too.
  expect(relativeDifference(await read(dx), outcome.dx)).toBeLessThan(1e-4);
  tf.dispose([input, g, b, mean, variance, p, y!, dx, layerDx, ...Object.values(grads), runningMean!, runningVariance!, ...layer.weights.map((w) => w.read())]);
  return outcome;
}

/** The same pass in float64: y, dx, dγ, dβ of Σ y ⊙ probe, and the running statistics after two passes. */
function reference(x: number[], channels: number, gamma: number[], beta: number[], probe: number[]): Outcome {
  const rows = x.length / channels;
  const perChannel = (f: (r: number, c: number) => number) => gamma.map((_, c) => Array.from({ length: rows }, (_, r) => f(r, c)).reduce((a, b) => a + b, 0));
  const mean = perChannel((r, c) => x[r * channels + c]!).map((v) => v / rows);
  const variance = perChannel((r, c) => (x[r * channels + c]! - mean[c]!) ** 2).map((v) => v / rows);
  const inv = variance.map((v) => 1 / Math.sqrt(v + 1e-5));
  const centred = (i: number) => x[i]! - mean[i % channels]!;
  const dBeta = perChannel((r, c) => probe[r * channels + c]!);
  const dGamma = perChannel((r, c) => probe[r * channels + c]! * centred(r * channels + c)).map((v, c) => v * inv[c]!);
  const y = x.map((_, i) => centred(i) * inv[i % channels]! * gamma[i % channels]! + beta[i % channels]!);
  const dx = x.map((_, i) => {
    const c = i % channels;
    const a = gamma[c]! * inv[c]!;
    return a * probe[i]! - (a * inv[c]! * dGamma[c]! * centred(i)) / rows - (a * dBeta[c]!) / rows;
  });
  const unbias = rows / (rows - 1);
  const twice = (start: number, stat: number) => (start * 0.9 + stat * 0.1) * 0.9 + stat * 0.1;
  return { y, dx, dGamma, dBeta, runningMean: mean.map((m) => twice(0, m)), runningVariance: variance.map((v) => twice(1, v * unbias)) };
}

function seeded(n: number, seed: number, scale: number, offset: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return offset + scale * (s / 2 ** 31 - 0.5);
  });
}

describe.runIf(await webgpuTestsCanRun())('fused batch norm on webgpu (software adapter in CI)', () => {
  beforeAll(async () => {
    await initBackend({ force: 'webgpu' });
  });

  it('chunks rows so that a reduction fills the GPU and never exceeds the dispatch limit', () => {
    expect(rowChunks(80_000, 64, 65_535)).toEqual({ chunks: 510, chunkRows: 157 });
    expect(rowChunks(100, 64, 65_535)).toEqual({ chunks: 2, chunkRows: 50 });
    expect(rowChunks(1, 3, 65_535)).toEqual({ chunks: 1, chunkRows: 1 });
    expect(rowChunks(10_000_000, 1, 4)).toEqual({ chunks: 4, chunkRows: 2_500_000 });
  });

  it('matches PyTorch (training output, gradients, running statistics)', async () => {
    await tf.setBackend('webgpu');
    expect(fusedBatchNormAvailable()).toBe(true);
    const c = JSON.parse(readFileSync(fixturePath('ml', 'layers.json'), 'utf8')).batchNorm as Record<string, Nested>;
    const x = c['x'] as Nested[];
    const shape = [x.length, (x[0] as Nested[]).length, ((x[0] as Nested[])[0] as Nested[]).length];
    const got = await trainingPass('webgpu', flat(c['x']!), shape, flat(c['gamma']!), flat(c['beta']!), flat(c['probe']!));
    expect(relativeDifference(flat(c['y']!), got.y)).toBeLessThan(1e-5);
    expect(relativeDifference(flat(c['dx']!), got.dx)).toBeLessThan(1e-5);
    expect(relativeDifference(flat(c['dgamma']!), got.dGamma)).toBeLessThan(1e-5);
    expect(relativeDifference(flat(c['dbeta']!), got.dBeta)).toBeLessThan(1e-5);
    // The layer ran two training passes (variableGrads, grad) from zeros/ones; torch's one update:
    const once = (start: number, stat: number) => start * 0.9 + stat * 0.1;
    const statOf = (running: number, start: number) => (running - start * 0.9) / 0.1;
    const expectedMean = flat(c['runningMean']!).map((r) => once(once(0, statOf(r, 0)), statOf(r, 0)));
    const expectedVar = flat(c['runningVar']!).map((r) => once(once(1, statOf(r, 1)), statOf(r, 1)));
    expect(relativeDifference(expectedMean, got.runningMean)).toBeLessThan(1e-5);
    expect(relativeDifference(expectedVar, got.runningVariance)).toBeLessThan(1e-5);
  });

  it.each([
    { shape: [4, 37, 13], offset: 0 },
    { shape: [2, 700, 64], offset: 0 },
    { shape: [3, 3001, 70], offset: 0 },
    { shape: [33, 5], offset: 0 },
    // A mean 200× the spread: a one-pass Σx² − (Σx)² would lose the variance in float32.
    { shape: [2, 2500, 8], offset: 40 },
  ])('matches float64 as closely as the op-by-op form on cpu does, $shape (offset $offset)', async ({ shape, offset }) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const channels = shape[shape.length - 1]!;
    const x = seeded(n, 1, 0.4, offset);
    const gamma = seeded(channels, 2, 1, 1);
    const beta = seeded(channels, 3, 1, 0);
    const probe = seeded(n, 4, 2, 0);
    const exact = reference(x, channels, gamma, beta, probe);
    const cpu = await trainingPass('cpu', x, shape, gamma, beta, probe);
    const gpu = await trainingPass('webgpu', x, shape, gamma, beta, probe);
    for (const key of Object.keys(exact) as (keyof Outcome)[]) {
      // Measured: ≤ 4e-7 everywhere but dγ at offset 40 (float32 centring of values near 40:
      // 5e-5 here, 2e-5 on cpu).
      const floor = offset === 0 ? 1e-5 : 2e-4;
      const cpuError = relativeDifference(exact[key], cpu[key]);
      expect(relativeDifference(exact[key], gpu[key]), key).toBeLessThan(Math.max(floor, 2 * cpuError));
    }
  });

  it('runs as the fused kernels, not op by op, and leaves no tensor behind', async () => {
    await tf.setBackend('webgpu');
    const layer = new BatchNorm();
    const x = tf.randomNormal([2, 50, 16]);
    const { leaked, kernels } = await layerTrainingStep(layer, x);
    expect(leaked, 'tensors left behind by a training step').toBe(0);
    expect([...kernels].filter((n) => n.startsWith('EinthovenBatchNorm')).sort()).toEqual(
      ['EinthovenBatchNormApply', 'EinthovenBatchNormDx', 'EinthovenBatchNormGradSums', 'EinthovenBatchNormParamGrads', 'EinthovenBatchNormRunning', 'EinthovenBatchNormStats'],
    );
    expect(kernels.has('AvgPool')).toBe(false);
    tf.dispose([x, ...layer.weights.map((w) => w.read())]);
  });
});
