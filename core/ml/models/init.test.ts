import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init';
import { createRng, withSeededRandom } from '../../signal/rng';
import { withoutInitialDraws } from './init';
import { buildModel } from './registry';

/** Weights of a model by layer class, as plain arrays with their shapes. */
function weightsOf(model: tf.LayersModel, className: string): { name: string; shape: number[]; values: Float32Array }[] {
  return model.layers
    .filter((l) => l.getClassName() === className)
    .flatMap((l) => l.weights.map((w) => ({ name: w.name, shape: w.shape as number[], values: w.read().dataSync() as Float32Array })));
}

function std(values: Float32Array): number {
  let mean = 0;
  values.forEach((v) => (mean += v / values.length));
  let sq = 0;
  values.forEach((v) => (sq += (v - mean) ** 2 / values.length));
  return Math.sqrt(sq);
}

const maxAbs = (values: Float32Array) => values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
/**
 * A uniform bound as float32 weights can meet it: a draw from U(−l, l) is computed and stored in
 * float32, so it may exceed the float64 bound by an ulp (0.06846532226 against 0.06846531969 once,
 * on an unseeded draw).
 */
const float32Bound = (limit: number) => limit * (1 + 2 ** -20);
const allEqual = (values: Float32Array, target: number) => values.every((v) => v === target);

describe('initialisation as the paper code (utils.init_weights, paper-spec §4 Init)', () => {
  beforeAll(async () => {
    await initBackend({ force: 'wasm' });
  });

  it('ResNet18: conv kaiming-normal fan-out, linear N(0, 0.01) with zero bias, BN 1/0', () => {
    const model = buildModel('resnet18', { numClasses: 5, inputLength: 64 });
    for (const w of weightsOf(model, 'Conv1D').filter((w) => w.name.endsWith('kernel') && w.values.length > 4000)) {
      const [k, , cout] = w.shape as [number, number, number];
      expect(std(w.values) / Math.sqrt(2 / (cout * k))).toBeCloseTo(1, 1);
    }
    const [kernel, bias] = weightsOf(model, 'Dense');
    expect(std(kernel!.values) / 0.01).toBeCloseTo(1, 1);
    expect(allEqual(bias!.values, 0)).toBe(true);
    const bn = weightsOf(model, 'EinthovenBatchNorm');
    expect(bn.filter((w) => w.name.endsWith('gamma')).every((w) => allEqual(w.values, 1))).toBe(true);
    expect(bn.filter((w) => /beta|moving_mean/.test(w.name)).every((w) => allEqual(w.values, 0))).toBe(true);
    expect(bn.filter((w) => w.name.endsWith('moving_variance')).every((w) => allEqual(w.values, 1))).toBe(true);
    model.dispose();
  });

  it.each(['gru', 'lstm'] as const)('CRNN-%s: W_ih xavier-uniform, W_hh orthogonal, biases 0 (LSTM forget slice 1 in both)', (cell) => {
    const model = buildModel(`crnn-${cell}`, { numClasses: 5, inputLength: 64 });
    const weights = weightsOf(model, 'EinthovenTorchRnn');
    const units = 256;
    const gates = cell === 'gru' ? 3 : 4;
    for (const w of weights) {
      if (w.name.endsWith('/kernel')) {
        const limit = Math.sqrt(6 / (w.shape[0]! + gates * units));
        expect(maxAbs(w.values)).toBeLessThanOrEqual(float32Bound(limit));
        expect(std(w.values) / (limit / Math.sqrt(3))).toBeCloseTo(1, 1);
      } else if (w.name.endsWith('recurrent_kernel')) {
        // Rows of W_hhᵀ [h, G·h] are orthonormal: W·Wᵀ = I.
        const product = tf.tidy(() => {
          const m = tf.tensor2d(w.values, [units, gates * units]);
          return tf.sub(tf.matMul(m, tf.transpose(m)), tf.eye(units)).abs().max().dataSync()[0]!;
        });
        expect(product).toBeLessThan(1e-4);
      } else {
        const expected = Float32Array.from({ length: gates * units }, (_, i) => (cell === 'lstm' && i >= units && i < 2 * units ? 1 : 0));
        expect(Array.from(w.values)).toEqual(Array.from(expected));
      }
    }
    expect(weights.filter((w) => /bias_(ih|hh)$/.test(w.name))).toHaveLength(4);
    model.dispose();
  });

  it('attention and transformer layers: in/out projections xavier-uniform, biases 0, FFN N(0, 0.01), LayerNorm 1/0', () => {
    const att = buildModel('attresnet', { numClasses: 5, inputLength: 64, paperExact: true });
    const [inKernel, inBias, outKernel, outBias] = weightsOf(att, 'EinthovenMultiHeadAttention');
    expect(maxAbs(inKernel!.values)).toBeLessThanOrEqual(float32Bound(Math.sqrt(6 / (512 + 1536))));
    expect(maxAbs(outKernel!.values)).toBeLessThanOrEqual(float32Bound(Math.sqrt(6 / 1024)));
    expect(allEqual(inBias!.values, 0) && allEqual(outBias!.values, 0)).toBe(true);
    expect(att.layers.find((l) => l.getClassName() === 'EinthovenMultiHeadAttention')!.getConfig()['heads']).toBe(8);
    att.dispose();
    const transformer = buildModel('transformer', { numClasses: 5, inputLength: 32 });
    const encoder = weightsOf(transformer, 'EinthovenTransformerEncoderLayer');
    const named = (suffix: string) => encoder.filter((w) => w.name.endsWith(suffix));
    expect(named('ff1_kernel')).toHaveLength(4);
    for (const w of [...named('ff1_kernel'), ...named('ff2_kernel')]) expect(std(w.values) / 0.01).toBeCloseTo(1, 1);
    expect(named('ln1_gamma').every((w) => allEqual(w.values, 1))).toBe(true);
    expect([...named('ff1_bias'), ...named('ln2_beta'), ...named('in_bias')].every((w) => allEqual(w.values, 0))).toBe(true);
    transformer.dispose();
  });

  it('xresnet1d50 (fastai init_cnn): kaiming-normal fan-in convs, γ = 0 on the last BN of every block', () => {
    const model = buildModel('xresnet1d50', { numClasses: 5, inputLength: 64 });
    for (const w of weightsOf(model, 'Conv1D').filter((w) => w.values.length > 4000)) {
      const [k, cin] = w.shape as [number, number];
      expect(std(w.values) / Math.sqrt(2 / (cin * k))).toBeCloseTo(1, 1);
    }
    const zeroGamma = weightsOf(model, 'EinthovenBatchNorm').filter((w) => w.name.endsWith('gamma') && allEqual(w.values, 0));
    expect(zeroGamma).toHaveLength(3 + 4 + 6 + 3);
    model.dispose();
  });
});

describe('withoutInitialDraws: a model whose weights are all set right after (a package being loaded) draws none', () => {
  beforeAll(async () => {
    await initBackend({ force: 'wasm' });
  });

  const initialisers = (model: tf.LayersModel) => model.layers.map((l) => JSON.stringify([l.getClassName(), l.getConfig()['kernelInitializer']]));

  it('fills zeros where the random-normal initialisers would draw, with the same initialisers in its topology', () => {
    const shell = withoutInitialDraws(() => buildModel('transformer', { numClasses: 5, inputLength: 32 }));
    const drawn = buildModel('transformer', { numClasses: 5, inputLength: 32 });
    expect(weightsOf(shell, 'Dense').every((w) => allEqual(w.values, 0))).toBe(true);
    expect(weightsOf(shell, 'Conv1D').every((w) => allEqual(w.values, 0))).toBe(true);
    const feedForward = shell.layers.filter((l) => l.getClassName() === 'EinthovenTransformerEncoderLayer').flatMap((l) => l.weights.filter((w) => /ff\d_kernel/.test(w.name)));
    expect(feedForward.length).toBeGreaterThan(0);
    expect(feedForward.every((w) => allEqual(w.read().dataSync() as Float32Array, 0))).toBe(true);
    expect(weightsOf(drawn, 'Dense').some((w) => !allEqual(w.values, 0))).toBe(true);
    expect(initialisers(shell)).toEqual(initialisers(drawn));
    shell.dispose();
    drawn.dispose();
  });

  it("fills those zeros with the backend's own fill, not a JavaScript array copied in (0.2 s of CPU per 64 MB on wasm)", async () => {
    let shell: tf.LayersModel | undefined;
    const { kernels } = await tf.profile(() => {
      shell = withoutInitialDraws(() => buildModel('transformer', { numClasses: 5, inputLength: 32 }));
    });
    const filled = kernels.filter((k) => k.name === 'Fill').length;
    // The random-normal weights: zeros in the shell, drawn in a model built the usual way.
    const drawn = buildModel('transformer', { numClasses: 5, inputLength: 32 });
    const values = (m: tf.LayersModel) => m.weights.map((w) => w.read().dataSync() as Float32Array);
    const drawnValues = values(drawn);
    const randomNormal = values(shell!).filter((v, i) => allEqual(v, 0) && !allEqual(drawnValues[i]!, 0)).length;
    drawn.dispose();
    expect(randomNormal).toBeGreaterThan(0);
    expect(filled).toBeGreaterThanOrEqual(randomNormal);
    shell!.dispose();
  });

  it('leaves Math.random where a drawing build leaves it, so a seeded run goes on with the same figures', () => {
    const after = (build: () => tf.LayersModel) =>
      withSeededRandom(createRng(3), () => {
        build().dispose();
        return Math.random();
      });
    const build = () => buildModel('resnet18', { numClasses: 5, inputLength: 64 });
    expect(after(() => withoutInitialDraws(build))).toBe(after(build));
  });

  it('draws again once it returns, and after a build that threw', () => {
    const throwing = () =>
      withoutInitialDraws(() => {
        buildModel('resnet18', { numClasses: 5, inputLength: 64 }).dispose();
        throw new Error('a build step failed');
      });
    expect(throwing).toThrow('a build step failed');
    const model = buildModel('resnet18', { numClasses: 5, inputLength: 64 });
    expect(weightsOf(model, 'Dense').filter((w) => w.name.endsWith('kernel')).every((w) => !allEqual(w.values, 0))).toBe(true);
    model.dispose();
  });
});
