// Golden values from PyTorch: `/usr/bin/python3 scripts/fixtures/ml_layers.py` (as layers.test.ts).
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { layerTrainingStep } from '../../test/layer-step';
import { fixturePath } from '../../test/shared-data';
import { fusedGruAvailable } from '../models/layers/gru-kernels';
import { fusedLstmAvailable } from '../models/layers/lstm-kernels';
import { TorchRnn, type RnnCell } from '../models/layers/torch-rnn';
import { initBackend } from './init';
import { relativeDifference } from './parity';
import { webgpuTestsCanRun } from './webgpu-test-gate';

type Nested = number | Nested[];
const flat = (v: Nested): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);
const read = async (t: tf.Tensor) => Array.from((await t.data()) as Float32Array);
const weightNames = ['kernel', 'recurrent_kernel', 'bias_ih', 'bias_hh'];

/** Output and every gradient of Σ y ⊙ probe for a TorchRnn with the given weights, on `backend`. */
async function rnnPass(backend: string, args: { cell: RnnCell; bidirectional: boolean; returnSequences: boolean; units: number }, x: tf.TensorLike, shape: number[], weights: Record<string, number[]>, probe: number[]) {
  await tf.setBackend(backend);
  const layer = new TorchRnn(args);
  const input = tf.tensor(x as number[], shape);
  layer.build(input.shape);
  // Weights in build order (kernel, recurrent_kernel, bias_ih, bias_hh per direction): tfjs
  // renames a second layer's weights (kernel_1, …), so names cannot be matched.
  const order = (args.bidirectional ? ['', '_reverse'] : ['']).flatMap((suffix) => weightNames.map((w) => `${w}${suffix}`));
  layer.weights.forEach((w, i) => w.write(tf.tensor(weights[order[i]!]!, w.shape as number[])));
  const variables = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  let y: tf.Tensor | undefined;
  const outShape = layer.computeOutputShape(input.shape) as number[];
  const p = tf.tensor(probe, outShape);
  const { grads } = tf.variableGrads(() => {
    y = tf.keep(layer.apply(input, { training: true }) as tf.Tensor);
    return tf.sum(tf.mul(y, p));
  }, variables);
  const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(layer.apply(t, { training: true }) as tf.Tensor, p)))(input);
  const result: Record<string, number[]> = { y: await read(y!), dx: await read(dx) };
  for (const [i, v] of variables.entries()) result[`d_${order[i]}`] = await read(grads[v.name]!);
  tf.dispose([input, p, y!, dx, ...Object.values(grads), ...layer.weights.map((w) => w.read())]);
  return result;
}

function seeded(n: number, seed: number, scale: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return scale * (s / 2 ** 31 - 0.5);
  });
}

describe.runIf(await webgpuTestsCanRun())('fused GRU and LSTM steps on webgpu (software adapter in CI)', () => {
  beforeAll(async () => {
    await initBackend({ force: 'webgpu' });
  });

  it.each([
    { key: 'gru', cell: 'gru' },
    { key: 'bigru', cell: 'gru' },
    { key: 'lstm', cell: 'lstm' },
  ] as const)('$key matches PyTorch: output and every gradient', async ({ key, cell }) => {
    await tf.setBackend('webgpu');
    expect(fusedGruAvailable() && fusedLstmAvailable()).toBe(true);
    const c = JSON.parse(readFileSync(fixturePath('ml', 'layers.json'), 'utf8'))[key] as Record<string, Nested>;
    const x = c['x'] as Nested[][];
    const shape = [x.length, x[0]!.length, (x[0]![0] as Nested[]).length];
    const weights = Object.fromEntries(Object.keys(c).filter((k) => weightNames.some((w) => k.startsWith(w))).map((k) => [k, flat(c[k]!)]));
    const got = await rnnPass('webgpu', { cell, bidirectional: key === 'bigru', returnSequences: true, units: 3 }, flat(c['x']!), shape, weights, flat(c['probe']!));
    expect(relativeDifference(flat(c['y']!), got['y']!)).toBeLessThan(1e-5);
    expect(relativeDifference(flat(c['dx']!), got['dx']!)).toBeLessThan(1e-5);
    for (const name of Object.keys(weights)) expect(relativeDifference(flat(c[`d_${name}`]!), got[`d_${name}`]!), name).toBeLessThan(1e-5);
  });

  it.each([
    { cell: 'gru', bidirectional: false, returnSequences: false },
    { cell: 'gru', bidirectional: true, returnSequences: true },
    { cell: 'lstm', bidirectional: false, returnSequences: true },
    { cell: 'lstm', bidirectional: true, returnSequences: false },
  ] as const)('$cell matches the op-by-op cell on cpu over 40 steps of 3 × 16 × 20 (bidirectional $bidirectional)', async ({ cell, bidirectional, returnSequences }) => {
    const [batch, steps, features, units] = [3, 40, 16, 20];
    const gates = cell === 'gru' ? 3 : 4;
    const shape = [batch, steps, features];
    const weights: Record<string, number[]> = {};
    for (const suffix of bidirectional ? ['', '_reverse'] : ['']) {
      weights[`kernel${suffix}`] = seeded(features * gates * units, 1, 0.6);
      weights[`recurrent_kernel${suffix}`] = seeded(units * gates * units, 2, 0.6);
      weights[`bias_ih${suffix}`] = seeded(gates * units, 3, 0.4);
      weights[`bias_hh${suffix}`] = seeded(gates * units, 4, 0.4);
    }
    const x = seeded(batch * steps * features, 5, 2);
    const outputs = (bidirectional ? 2 : 1) * units * batch * (returnSequences ? steps : 1);
    const probe = seeded(outputs, 6, 2);
    const args = { cell, bidirectional, returnSequences, units };
    const cpu = await rnnPass('cpu', args, x, shape, weights, probe);
    const gpu = await rnnPass('webgpu', args, x, shape, weights, probe);
    for (const key of Object.keys(cpu)) expect(relativeDifference(cpu[key]!, gpu[key]!), key).toBeLessThan(1e-5);
  });

  it.each([
    { cell: 'gru', kernels: ['EinthovenGruGateGrads', 'EinthovenGruGates'] },
    { cell: 'lstm', kernels: ['EinthovenLstmCell', 'EinthovenLstmCellGrads'] },
  ] as const)('$cell trains on the fused kernels, not op by op, and leaves no tensor behind', async ({ cell, kernels }) => {
    await tf.setBackend('webgpu');
    const layer = new TorchRnn({ cell, units: 4, returnSequences: false });
    const x = tf.randomNormal([2, 6, 3]);
    const step = await layerTrainingStep(layer, x);
    expect(step.leaked, 'tensors left behind by a training step').toBe(0);
    expect([...step.kernels].filter((n) => n.startsWith('Einthoven')).sort()).toEqual(kernels);
    expect(step.kernels.has('Sigmoid')).toBe(false);
    tf.dispose([x, ...layer.weights.map((w) => w.read())]);
  });
});
