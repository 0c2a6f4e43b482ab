import * as tf from '@tensorflow/tfjs';
import { createRng, withSeededRandom } from '../../signal/rng';
import { makeLoss } from '../loss/losses';
import { architectureNames, buildModel, type ArchitectureName } from '../models/registry';

/**
 * Backend parity of every architecture: the same weights, input, labels and dropout masks on a
 * reference backend (wasm in the unit tests, cpu in `npm run bench -- parity` and the GPU check) and
 * a target (webgpu); the forward logits, the loss and every trainable variable's gradient of one
 * training step compared. Used by the unit tests (webgpu-parity-cnn/seq.test.ts) and the bench.
 *
 * The reference must run first: tfjs moves tensors between backends through the source's
 * synchronous read, which the webgpu backend lacks in Node, so data only ever flows reference → webgpu.
 */

/**
 * Input per architecture: the smallest each accepts (every stride and pool still exercised) at
 * batch 2 — the cpu reference is pure JavaScript, and VGG11 at 224 samples already takes ~45 s
 * there per step — except the xresnets, whose batch norms in training mode at batch 2 × 64 samples
 * see 4 values per channel in the last stage: that is so ill-conditioned that cpu and wasm differ
 * by 4e-3 there; at batch 8 × 128 they agree to 1e-4.
 */
export const parityInputs: Record<ArchitectureName, { length: number; batch: number }> = {
  resnet18: { length: 64, batch: 2 },
  'crnn-gru': { length: 64, batch: 2 },
  'crnn-lstm': { length: 64, batch: 2 },
  alexnet: { length: 256, batch: 2 },
  vgg11bn: { length: 224, batch: 2 },
  attresnet: { length: 64, batch: 2 },
  transformer: { length: 32, batch: 2 },
  restransformer: { length: 64, batch: 2 },
  xresnet1d50: { length: 128, batch: 8 },
  xresnet1d101: { length: 128, batch: 8 },
};

export interface ParityResult {
  name: ArchitectureName;
  length: number;
  batch: number;
  /** max |a − b| / max |a| of the inference-mode logits. */
  forwardRel: number;
  lossRel: number;
  /** The largest, over trainable variables, of max |a − b| / max(max |a|, gradientFloor × the largest gradient). */
  maxGradRel: number;
  worstVariable: string;
  variables: number;
  referenceMs: number;
  targetMs: number;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/**
 * A gradient is compared to its own scale, but never to less than this fraction of the largest
 * gradient in the network: some are pure rounding noise in exact arithmetic (a batch-norm shift
 * whose output's gradient sums to zero over the batch), and the cpu and wasm backends already
 * differ by 100 % there.
 */
export const gradientFloor = 1e-3;

/** max |a − b| / max |a|: the difference relative to the tensor's own scale (no blow-up at zeros). */
export function relativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(a[i]!));
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
  }
  if (a.length !== b.length) return Infinity;
  return scale === 0 ? diff : diff / scale;
}


interface Outputs {
  logits: Float32Array;
  loss: number;
  grads: Float32Array[];
  ms: number;
}

async function runOn(model: tf.LayersModel, weights: { data: Float32Array; shape: number[] }[], x: { data: Float32Array; shape: number[] }, labels: number[][]): Promise<Outputs> {
  const t0 = performance.now();
  const initial = weights.map((w) => tf.tensor(w.data, w.shape));
  model.setWeights(initial);
  tf.dispose(initial);
  const xt = tf.tensor(x.data, x.shape);
  const yt = tf.tensor2d(labels);
  const logitsT = model.predict(xt) as tf.Tensor;
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  // Seeded Math.random: dropout masks (tf.layers.dropout and ours) are drawn in JavaScript, so both
  // backends see the same ones.
  const result = withSeededRandom(createRng(7), () => tf.variableGrads(() => makeLoss('focal')(yt, model.apply(xt, { training: true }) as tf.Tensor), variables));
  const grads = await Promise.all(variables.map((v) => result.grads[v.name]!.data() as Promise<Float32Array>));
  const out = { logits: (await logitsT.data()) as Float32Array, loss: (await result.value.data())[0]!, grads, ms: performance.now() - t0 };
  tf.dispose([xt, yt, logitsT, result.value, ...Object.values(result.grads)]);
  return out;
}

/**
 * Parity of one architecture between two already-initialised backends (tf.setBackend switches
 * between them without re-creating either).
 */
export async function architectureParity(name: ArchitectureName, options: { reference: string; target: string; batch?: number; length?: number; seed?: number }): Promise<ParityResult> {
  const length = options.length ?? parityInputs[name].length;
  const batch = options.batch ?? parityInputs[name].batch;
  const seed = options.seed ?? 1;
  await tf.setBackend(options.reference);
  // Seeded initial weights (tfjs initialisers draw their seeds from Math.random): the same figures every run.
  const model = withSeededRandom(createRng(seed), () => buildModel(name, { numClasses: 3, inputLength: length }));
  try {
    const weights = await Promise.all(model.getWeights().map(async (w) => ({ data: (await w.data()) as Float32Array, shape: w.shape })));
    const xr = tf.randomNormal([batch, length, 12], 0, 1, 'float32', seed);
    const x = { data: (await xr.data()) as Float32Array, shape: xr.shape };
    xr.dispose();
    const labels = Array.from({ length: batch }, (_, b) => [b % 2, (b + 1) % 2, 1]);
    const ref = await runOn(model, weights, x, labels);
    await tf.setBackend(options.target);
    const got = await runOn(model, weights, x, labels);
    const scales = ref.grads.map(maxAbs);
    const globalScale = Math.max(...scales);
    const floor = gradientFloor * globalScale;
    const gradRel = ref.grads.map((g, i) => maxAbsDiff(g, got.grads[i]!) / Math.max(scales[i]!, floor, Number.MIN_VALUE));
    const worst = gradRel.reduce((best, v, i) => (v > gradRel[best]! ? i : best), 0);
    return {
      name,
      length,
      batch,
      forwardRel: relativeDifference(ref.logits, got.logits),
      lossRel: Math.abs(ref.loss - got.loss) / Math.max(Math.abs(ref.loss), 1e-12),
      maxGradRel: gradRel[worst] ?? 0,
      worstVariable: model.trainableWeights[worst]?.name ?? '',
      variables: gradRel.length,
      referenceMs: Math.round(ref.ms),
      targetMs: Math.round(got.ms),
    };
  } finally {
    model.dispose();
  }
}

export { architectureNames };
