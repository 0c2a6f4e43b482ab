// Golden values from PyTorch: regenerate with `/usr/bin/python3 scripts/fixtures/ml_layers.py`.
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../../../test/shared-data';
import { initBackend } from '../../backend/init';
import { AdaptiveAvgPool1D } from './adaptive-pool';
import { BatchNorm } from './batch-norm';
import { MultiHeadAttention } from './multi-head-attention';
import { sinusoidTable } from './positional-encoding';
import { TorchRnn } from './torch-rnn';
import { TransformerEncoderLayer } from './transformer-encoder';

type Nested = number | Nested[];
const fixture = JSON.parse(readFileSync(fixturePath('ml', 'layers.json'), 'utf8')) as Record<string, Record<string, Nested>> & {
  positions: number[][];
};

/** max |a − b| / max |b| over all values. */
function relativeError(actual: tf.Tensor | Nested, expected: Nested): number {
  const a = (actual instanceof tf.Tensor ? (actual.arraySync() as Nested) : actual) as Nested;
  const flat = (v: Nested): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);
  const [x, y] = [flat(a), flat(expected)];
  expect(x.length).toBe(y.length);
  let diff = 0;
  let scale = 0;
  y.forEach((v, i) => {
    diff = Math.max(diff, Math.abs(x[i]! - v));
    scale = Math.max(scale, Math.abs(v));
  });
  return diff / (scale || 1);
}

const tensor = (v: Nested) => tf.tensor(v as number[]);

/** Applies `layer` to x with the given weights (by weight name suffix); returns y and the gradients of Σ y ⊙ probe. */
function runLayer(layer: tf.layers.Layer, c: Record<string, Nested>, weights: Record<string, Nested>, training: boolean) {
  const x = tensor(c['x']!);
  layer.apply(x); // builds the weights
  for (const w of layer.weights) {
    const key = Object.keys(weights).find((k) => w.name.endsWith(`/${k}`));
    if (key) w.write(tensor(weights[key]!));
  }
  const variables = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const probe = tensor(c['probe']!);
  let y: tf.Tensor | undefined;
  const dx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input, { training }) as tf.Tensor, probe)))(x);
  const { grads } = tf.variableGrads(() => {
    y = tf.keep(layer.apply(x, { training }) as tf.Tensor);
    return tf.sum(tf.mul(y, probe));
  }, variables);
  const byName = (suffix: string) => grads[variables.find((v) => v.name.endsWith(`/${suffix}`))!.name]!;
  return { y: y!, dx, byName };
}

describe('custom layers vs PyTorch (wasm backend)', () => {
  beforeAll(async () => {
    await initBackend({ force: 'wasm' });
  });

  it('BatchNorm: training output, gradients, running statistics, inference output', () => {
    const c = fixture['batchNorm']!;
    const layer = new BatchNorm();
    const { y, dx, byName } = runLayer(layer, c, { gamma: c['gamma']!, beta: c['beta']! }, true);
    expect(relativeError(y, c['y']!)).toBeLessThan(1e-5);
    expect(relativeError(dx, c['dx']!)).toBeLessThan(1e-5);
    expect(relativeError(byName('gamma'), c['dgamma']!)).toBeLessThan(1e-5);
    expect(relativeError(byName('beta'), c['dbeta']!)).toBeLessThan(1e-5);
    // Three training passes ran (build, grad, variableGrads); torch's one update, replayed from the start:
    const fresh = new BatchNorm();
    fresh.apply(tensor(c['x']!), { training: true });
    const [, , mean, variance] = fresh.getWeights();
    expect(relativeError(mean!, c['runningMean']!)).toBeLessThan(1e-5);
    expect(relativeError(variance!, c['runningVar']!)).toBeLessThan(1e-5);
    fresh.setWeights([tensor(c['gamma']!), tensor(c['beta']!), mean!, variance!]);
    expect(relativeError(fresh.apply(tensor(c['xEval']!)) as tf.Tensor, c['yEval']!)).toBeLessThan(1e-5);
  });

  it.each([
    { key: 'gru', cell: 'gru', bidirectional: false },
    { key: 'lstm', cell: 'lstm', bidirectional: false },
    { key: 'bigru', cell: 'gru', bidirectional: true },
  ] as const)('torch-style $key layer: outputs, every gradient, and out[:, -1]', ({ key, cell, bidirectional }) => {
    const c = fixture[key]!;
    const layer = new TorchRnn({ cell, units: 3, returnSequences: true, bidirectional });
    const names = Object.keys(c).filter((k) => /^(kernel|recurrent_kernel|bias_ih|bias_hh)/.test(k));
    expect(names).toHaveLength(bidirectional ? 8 : 4);
    const { y, dx, byName } = runLayer(layer, c, Object.fromEntries(names.map((n) => [n, c[n]!])), true);
    expect(relativeError(y, c['y']!)).toBeLessThan(1e-5);
    expect(relativeError(dx, c['dx']!)).toBeLessThan(1e-5);
    for (const n of names) expect(relativeError(byName(n), c[`d_${n}`]!)).toBeLessThan(1e-5);
    const last = new TorchRnn({ cell, units: 3, returnSequences: false, bidirectional });
    last.apply(tensor(c['x']!));
    last.setWeights(layer.getWeights());
    const lastStep = (y.arraySync() as number[][][]).map((seq) => seq[seq.length - 1]!);
    expect(relativeError(last.apply(tensor(c['x']!)) as tf.Tensor, lastStep)).toBeLessThan(1e-6);
  });

  const snake = (k: string) => k.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);

  it('MultiHeadAttention (nn.MultiheadAttention, Q = K = V): output and gradients', () => {
    const c = fixture['attention']!;
    const w = c['weights'] as unknown as Record<string, Nested>;
    const layer = new MultiHeadAttention({ heads: c['heads'] as number });
    const { y, dx, byName } = runLayer(layer, c, Object.fromEntries(Object.entries(w).map(([k, v]) => [snake(k), v])), true);
    expect(relativeError(y, c['y']!)).toBeLessThan(1e-5);
    expect(relativeError(dx, c['dx']!)).toBeLessThan(1e-5);
    for (const [k, v] of Object.entries(c['grads'] as unknown as Record<string, Nested>)) expect(relativeError(byName(snake(k)), v)).toBeLessThan(1e-5);
  });

  it('TransformerEncoderLayer (post-LN, ReLU): output and gradients', () => {
    const c = fixture['encoder']!;
    const w = c['weights'] as unknown as Record<string, Nested>;
    const layer = new TransformerEncoderLayer({ heads: c['heads'] as number, feedForward: c['feedForward'] as number, dropout: 0 });
    const { y, dx, byName } = runLayer(layer, c, Object.fromEntries(Object.entries(w).map(([k, v]) => [snake(k), v])), true);
    expect(relativeError(y, c['y']!)).toBeLessThan(1e-5);
    expect(relativeError(dx, c['dx']!)).toBeLessThan(1e-5);
    for (const [k, v] of Object.entries(c['grads'] as unknown as Record<string, Nested>)) expect(relativeError(byName(snake(k)), v)).toBeLessThan(1e-5);
  });

  it('adaptive average pooling, and VGG’s 7 × 7 channel-and-time quirk in torch’s feature order', () => {
    const c = fixture['pooling']!;
    const x = tensor(c['x']!);
    expect(relativeError(new AdaptiveAvgPool1D({ timeBins: 6 }).apply(x) as tf.Tensor, c['time6']!)).toBeLessThan(1e-6);
    const quirk = tf.reshape(new AdaptiveAvgPool1D({ timeBins: 7, channelBins: 7 }).apply(x) as tf.Tensor, [2, 49]);
    expect(relativeError(quirk, c['vggQuirk']!)).toBeLessThan(1e-6);
  });

  it('sinusoidal positions equal the paper code’s table', () => {
    const table = Array.from(sinusoidTable(7, 6));
    expect(relativeError(table, fixture.positions.flat())).toBeLessThan(1e-6);
  });
});
