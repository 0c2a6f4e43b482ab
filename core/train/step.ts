import * as tf from '@tensorflow/tfjs';
import { readScalar } from '../ml/backend/read';
import { assertDeviceAlive } from '../ml/backend/webgpu-backend';
import { microBatchSize } from '../ml/backend/webgpu-memory';
import { AdamW } from '../ml/optim/adamw';
import { createRng, withSeededRandom } from '../signal/rng';
import { accumulatedTrainStep } from './step-microbatch';

/** Loss of raw logits against 0/1 targets, reduced to a scalar. */
export type LossFn = (labels: tf.Tensor, logits: tf.Tensor) => tf.Scalar;

/**
 * A set of variables trained with its own AdamW (e.g. a trunk at a lower learning rate than
 * the head). `baseLearningRate` is the rate before any schedule factor.
 */
export interface ParamGroup {
  readonly name: string;
  readonly variables: readonly tf.Variable[];
  readonly optimizer: AdamW;
  readonly baseLearningRate: number;
}

/** An AdamW group (torch defaults: betas 0.9/0.999, ε 1e-8, decoupled weight decay). */
export function adamWGroup(variables: readonly tf.Variable[], learningRate: number, weightDecay: number, name = 'all'): ParamGroup {
  return { name, variables, optimizer: new AdamW({ learningRate, weightDecay }), baseLearningRate: learningRate };
}

/** The trainable variables of a model, in layer order (a stable order matters for optimizer state). */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

export const schedules = ['constant', 'onecycle'] as const;
export type Schedule = (typeof schedules)[number];

/**
 * Learning-rate factor at a step. 'constant' is the paper's (no scheduler); 'onecycle' is
 * fastai's fit_one_cycle as Strodthoff et al. train: cosine warm-up from 1/25 over the first
 * 25 % of steps, then cosine annealing to 1/(25·10⁴) — it converges in far fewer epochs.
 */
export function learningRateFactor(schedule: Schedule, step: number, totalSteps: number): number {
  if (schedule === 'constant' || totalSteps <= 1) return 1;
  const warm = Math.max(1, Math.round(totalSteps * 0.25));
  const cosine = (from: number, to: number, t: number) => to + ((from - to) * (1 + Math.cos(Math.PI * Math.min(1, t)))) / 2;
  if (step < warm) return cosine(1 / 25, 1, step / warm);
  return cosine(1, 1 / 25 / 1e4, (step - warm) / Math.max(1, totalSteps - warm));
}

export { withSeededRandom } from '../signal/rng';

/** Each group's optimizer applies its variables' gradients (keyed by variable name). */
export function applyGroupGradients(groups: readonly ParamGroup[], grads: Readonly<Record<string, tf.Tensor>>): void {
  for (const group of groups) group.optimizer.applyGradients(Object.fromEntries(group.variables.map((v) => [v.name, grads[v.name] as tf.Tensor])));
}

/**
 * One optimisation step on a batch; returns the batch loss. Dropout is seeded by `seed`. The loss
 * is read asynchronously (a GPU backend has no synchronous read; a lost device ends in E_DEVICE).
 */
export async function trainStep(model: tf.LayersModel, groups: readonly ParamGroup[], loss: LossFn, x: tf.Tensor, y: tf.Tensor, seed: number): Promise<number> {
  assertDeviceAlive();
  // A batch beyond the GPU's buffer limits goes as micro-batches (webgpu only).
  const micro = microBatchSize(model, x.shape[0]!);
  if (micro !== undefined) return accumulatedTrainStep(model, groups, loss, x, y, seed, micro);
  const variables = groups.flatMap((g) => g.variables);
  const value = withSeededRandom(createRng(seed), () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => loss(y, model.apply(x, { training: true }) as tf.Tensor), variables);
      applyGroupGradients(groups, grads);
      return value;
    }),
  );
  try {
    return await readScalar(value);
  } finally {
    value.dispose();
  }
}
