import * as tf from '@tensorflow/tfjs';
import { chunk, shuffledIndices } from '../data/batches';
import { metricsReport } from '../ml/metrics/index';
import { createRng } from '../signal/rng';
import { loadCheckpoint, saveCheckpoint, type TrainState } from './checkpoint';
import type { TrainConfig } from './config';
import type { TrainingData } from './data-source';
import type { JobContext } from './progress';

/** Loss of raw logits against 0/1 targets, reduced to a scalar. */
export type LossFn = (labels: tf.Tensor, logits: tf.Tensor) => tf.Scalar;

/**
 * A set of variables trained with its own optimizer (e.g. a trunk at a lower learning rate).
 * With `weightDecay`, p ← p·(1 − lr·wd) before the optimizer's step: with tfjs Adam this is
 * exactly torch's AdamW, and Adam's state can be checkpointed (getWeights/setWeights).
 */
export interface ParamGroup {
  readonly variables: readonly tf.Variable[];
  readonly optimizer: tf.Optimizer;
  readonly learningRate: number;
  readonly weightDecay: number;
}

/** An AdamW group (torch defaults: betas 0.9/0.999, ε 1e-8) over the given variables. */
export function adamWGroup(variables: readonly tf.Variable[], learningRate: number, weightDecay: number): ParamGroup {
  return { variables, optimizer: tf.train.adam(learningRate, 0.9, 0.999, 1e-8), learningRate, weightDecay };
}

/** The trainable variables of a model, in layer order (a stable order matters for optimizer state). */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

export interface TrainLoopOptions {
  readonly model: tf.LayersModel;
  readonly data: TrainingData;
  readonly config: TrainConfig;
  readonly loss: LossFn;
  readonly groups: readonly ParamGroup[];
  /** Folder for per-epoch checkpoints; a run resumes from it when it holds one of the same job. */
  readonly checkpointDir?: string;
  /** Identifies the job, so a checkpoint of a different job is never resumed. */
  readonly jobKey: string;
}

export interface EpochRecord {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly valLoss: number;
  readonly f1Macro: number;
  readonly aucMacro: number;
  readonly mapMacro: number;
  readonly seconds: number;
}

export interface TrainLoopResult {
  readonly history: EpochRecord[];
  readonly bestEpoch: number;
  readonly bestScore: number;
  readonly stoppedEarly: boolean;
  readonly cancelled: boolean;
  readonly resumedFromEpoch: number;
}

/** Higher is better for every selection metric except the validation loss. */
function selectionScore(record: EpochRecord, config: TrainConfig): number {
  return config.selection === 'valLoss' ? -record.valLoss : record[config.selection];
}

function trainStep(options: TrainLoopOptions, x: tf.Tensor, y: tf.Tensor): number {
  const variables = options.groups.flatMap((g) => g.variables);
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => options.loss(y, options.model.apply(x, { training: true }) as tf.Tensor), variables);
    for (const group of options.groups) {
      if (group.weightDecay > 0) {
        const keep = 1 - group.learningRate * group.weightDecay;
        for (const v of group.variables) v.assign(tf.mul(v, keep));
      }
      group.optimizer.applyGradients(Object.fromEntries(group.variables.map((v) => [v.name, grads[v.name] as tf.Tensor])));
    }
    return value.dataSync()[0] as number;
  });
}

function validate(options: TrainLoopOptions): { valLoss: number; f1Macro: number; aucMacro: number; mapMacro: number } {
  const logits = options.data.valLogits(options.model);
  const labels = options.data.valLabels;
  const valLoss = tf.tidy(() => options.loss(tf.tensor2d(labels as number[][]), tf.tensor2d(logits)).dataSync()[0] as number);
  const probs = logits.map((row) => row.map((z) => 1 / (1 + Math.exp(-z))));
  const m = metricsReport(labels, probs, { classes: [] });
  return { valLoss, f1Macro: m.f1Macro, aucMacro: m.aucMacro, mapMacro: m.mapMacro };
}

/** Replaces `held` by a copy of the model's current weights. */
function snapshot(model: tf.LayersModel, held: tf.Tensor[] | undefined): tf.Tensor[] {
  held?.forEach((t) => t.dispose());
  return model.getWeights().map((w) => w.clone());
}

/**
 * Trains with validation every epoch, model selection and early stopping on validation only,
 * a checkpoint every epoch and resume from it. On cancel (AbortSignal) or at the end the model
 * holds the best epoch's weights. Shuffles and crops come from per-epoch seeded generators, so a
 * resumed run continues exactly as an uninterrupted one would (bar dropout, which tfjs does not seed).
 */
export async function trainLoop(options: TrainLoopOptions, context: JobContext = {}): Promise<TrainLoopResult> {
  const { model, data, config } = options;
  let state: TrainState = { jobKey: options.jobKey, epoch: 0, bestEpoch: 0, bestScore: -Infinity, history: [] };
  let best: tf.Tensor[] | undefined;
  if (options.checkpointDir) {
    const resumed = await loadCheckpoint(options.checkpointDir, options);
    if (resumed) ({ state, best } = resumed);
  }
  const resumedFromEpoch = state.epoch;
  const n = data.trainLabels.length;
  const steps = chunk(Array.from({ length: n }, (_, i) => i), config.batchSize, config.dropLast && n > config.batchSize).length;
  let cancelled = false;
  let stoppedEarly = false;
  const started = performance.now();
  for (let epoch = state.epoch + 1; epoch <= config.epochs && !cancelled; epoch++) {
    const rng = createRng(config.seed * 7919 + epoch);
    const batches = chunk(shuffledIndices(n, rng), config.batchSize, config.dropLast && n > config.batchSize);
    const epochStart = performance.now();
    let lossSum = 0;
    for (const [step, rows] of batches.entries()) {
      if (context.signal?.aborted) {
        cancelled = true;
        break;
      }
      const { data: xData, shape } = data.trainInputs(rows, rng);
      const x = tf.tensor(xData, shape);
      const y = tf.tensor2d(rows.map((r) => [...(data.trainLabels[r] as readonly number[])]));
      const loss = trainStep(options, x, y);
      tf.dispose([x, y]);
      lossSum += loss;
      const elapsed = (performance.now() - epochStart) / 1000;
      const perStep = elapsed / (step + 1);
      const remainingSteps = steps - step - 1 + (config.epochs - epoch) * steps;
      context.onProgress?.({ kind: 'step', epoch, epochs: config.epochs, step: step + 1, steps, loss, samplesPerSecond: ((step + 1) * config.batchSize) / Math.max(elapsed, 1e-9), etaSeconds: perStep * remainingSteps });
      await new Promise((resolve) => setImmediate(resolve)); // lets a cancel request arrive
    }
    if (cancelled) break;
    const v = validate(options);
    const record: EpochRecord = { epoch, trainLoss: lossSum / Math.max(1, batches.length), ...v, seconds: (performance.now() - epochStart) / 1000 };
    const score = selectionScore(record, config);
    const improved = score > state.bestScore || state.bestEpoch === 0;
    if (improved) best = snapshot(model, best);
    state = { ...state, epoch, history: [...state.history, record], ...(improved ? { bestEpoch: epoch, bestScore: score } : {}) };
    if (options.checkpointDir) await saveCheckpoint(options.checkpointDir, state, options, improved);
    const perEpoch = (performance.now() - started) / 1000 / (epoch - resumedFromEpoch);
    context.onProgress?.({ kind: 'epoch', epoch, epochs: config.epochs, trainLoss: record.trainLoss, valLoss: v.valLoss, val: { f1Macro: v.f1Macro, aucMacro: v.aucMacro, mapMacro: v.mapMacro }, improved, seconds: record.seconds, etaSeconds: perEpoch * (config.epochs - epoch) });
    if (config.patience > 0 && !config.paperExact && epoch - state.bestEpoch >= config.patience) {
      stoppedEarly = true;
      break;
    }
  }
  if (best) {
    model.setWeights(best);
    best.forEach((t) => t.dispose());
  }
  return { history: state.history as EpochRecord[], bestEpoch: state.bestEpoch, bestScore: state.bestScore, stoppedEarly, cancelled, resumedFromEpoch };
}
