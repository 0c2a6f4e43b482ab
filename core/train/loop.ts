import { chunk, shuffledIndices } from '../data/batches';
import { readScalar } from '../ml/backend/read';
import { metricsReport } from '../ml/metrics/index';
import { createRng } from '../signal/rng';
import { loadCheckpoint, saveCheckpoint, type EpochRecord, type TrainState } from './checkpoint';
import type { TrainConfig } from './config';
import type { TrainingData } from './data-source';
import type { JobContext } from './progress';
import * as tf from '@tensorflow/tfjs';
import { startParallelRunner, whySingleThread } from '../parallel/runner';
import type { LossSpec } from '../parallel/protocol';
import { sampleSeed } from './seeds';
import { learningRateFactor, type LossFn, type ParamGroup } from './step';
import { inProcessRunner, validationCacheBytes, type BatchPlan, type StepRunner } from './step-runner';

export { adamWGroup, trainableVariables, type LossFn, type ParamGroup } from './step';
export type { EpochRecord } from './checkpoint';

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
  /** Called after each epoch with its record; true stops the run (HPO's median pruner). */
  readonly shouldStop?: (record: EpochRecord) => boolean;
  /**
   * Worker threads for data-parallel training (core/parallel); 1 or absent: this thread. Needs
   * record data and `lossSpec`; not part of the job key, so a checkpoint resumes with any N.
   */
  readonly workers?: number;
  /** The loss by name, for workers to rebuild (`loss` must be the same function). */
  readonly lossSpec?: LossSpec;
  /**
   * Most bytes of validation inputs a thread keeps from one epoch's validation to the next
   * (default `validationCacheBytes`); 0 crops and normalises them every epoch. Results are the same.
   */
  readonly validationCacheBytes?: number;
}

export interface TrainLoopResult {
  readonly history: EpochRecord[];
  readonly bestEpoch: number;
  readonly bestScore: number;
  readonly stoppedEarly: boolean;
  readonly pruned: boolean;
  readonly cancelled: boolean;
  readonly resumedFromEpoch: number;
  /** Threads that computed the steps. */
  readonly workers: number;
}

/** Higher is better for every selection metric except the validation loss; undefined (NaN) ranks last. */
export function selectionScore(record: EpochRecord, config: TrainConfig): number {
  const score = config.selection === 'valLoss' ? -record.valLoss : record[config.selection];
  return Number.isFinite(score) ? score : -Infinity;
}

type ValidationFigures = Pick<EpochRecord, 'valLoss' | 'f1Macro' | 'aucMacro' | 'mapMacro'>;

async function validate(options: TrainLoopOptions, runner: StepRunner): Promise<ValidationFigures> {
  const logits = await runner.valLogits();
  const labels = options.data.valLabels;
  const lossTensor = tf.tidy(() => options.loss(tf.tensor2d(labels as number[][]), tf.tensor2d(logits)));
  const valLoss = await readScalar(lossTensor).finally(() => lossTensor.dispose());
  const probs = logits.map((row) => row.map((z) => 1 / (1 + Math.exp(-z))));
  const m = metricsReport(labels, probs, { classes: [] });
  return { valLoss, f1Macro: m.f1Macro, aucMacro: m.aucMacro, mapMacro: m.mapMacro };
}

/** Replaces `held` by a copy of the model's current weights. */
function snapshot(model: tf.LayersModel, held: tf.Tensor[] | undefined): tf.Tensor[] {
  held?.forEach((t) => t.dispose());
  return model.getWeights().map((w) => w.clone());
}

/** Sets every group's learning rate for a global step under the schedule. */
function applySchedule(groups: readonly ParamGroup[], config: TrainConfig, globalStep: number, totalSteps: number): void {
  const factor = learningRateFactor(config.schedule, globalStep, totalSteps);
  for (const group of groups) group.optimizer.learningRate = group.baseLearningRate * factor;
}

/** The cheap part of an epoch: batches of the seeded shuffle. */
function epochBatches(config: TrainConfig, n: number, epoch: number) {
  const rng = createRng(config.seed * 7919 + epoch);
  return { batches: chunk(shuffledIndices(n, rng), config.batchSize, config.dropLast && n > config.batchSize) };
}

/** A step's plan: its rows, a crop/augmentation seed per sample and the dropout seed, all from (seed, epoch, step). */
function planOf(config: TrainConfig, epoch: number, step: number, rows: readonly number[]): BatchPlan {
  return {
    step: epoch * 1_000_000 + step,
    rows,
    seeds: rows.map((_, b) => sampleSeed(config.seed, epoch, step, b)),
    dropoutSeed: (config.seed * 7919 + epoch) * 100_003 + step,
  };
}

/** Data-parallel workers when asked for and possible, else this thread. */
async function startRunner(options: TrainLoopOptions, context: JobContext): Promise<StepRunner> {
  const workers = options.workers ?? 1;
  const why = whySingleThread(workers, options.data, options.lossSpec, tf.getBackend());
  const cacheBytes = options.validationCacheBytes ?? validationCacheBytes;
  if (why === undefined && options.lossSpec) return startParallelRunner(options.model, options.data, options.groups, options.lossSpec, workers, cacheBytes);
  if (workers > 1) context.onProgress?.({ kind: 'phase', phase: 'training', message: `training in one thread: ${why ?? ''}` });
  return inProcessRunner(options.model, options.data, options.groups, options.loss, cacheBytes);
}

/**
 * Trains with validation every epoch, model selection and early stopping on validation only,
 * a checkpoint every epoch and resume from it. On cancel (AbortSignal) or at the end the model
 * holds the best epoch's weights. Shuffles, crops, augmentation and dropout come from
 * generators seeded by (seed, epoch, step), and the optimizer state is restored exactly, so a
 * resumed run ends with the same weights as an uninterrupted one.
 */
export async function trainLoop(options: TrainLoopOptions, context: JobContext = {}): Promise<TrainLoopResult> {
  const { model, data, config } = options;
  let state: TrainState = { jobKey: options.jobKey, epoch: 0, bestEpoch: 0, bestScore: -Infinity, history: [], optimizerSteps: [] };
  let best: tf.Tensor[] | undefined;
  if (options.checkpointDir) {
    const resumed = await loadCheckpoint(options.checkpointDir, options);
    if (resumed) ({ state, best } = resumed);
  }
  const resumedFromEpoch = state.epoch;
  const n = data.trainLabels.length;
  const steps = epochBatches(config, n, 1).batches.length;
  let cancelled = false;
  let stoppedEarly = false;
  let pruned = false;
  const runner = await startRunner(options, context);
  try {
    const started = performance.now();
    for (let epoch = state.epoch + 1; epoch <= config.epochs && !cancelled; epoch++) {
      const { batches } = epochBatches(config, n, epoch);
      const epochStart = performance.now();
      let lossSum = 0;
      for (const [step, rows] of batches.entries()) {
        if (context.signal?.aborted) {
          cancelled = true;
          break;
        }
        applySchedule(options.groups, config, (epoch - 1) * steps + step, config.epochs * steps);
        const nextRows = batches[step + 1];
        const loss = await runner.step(planOf(config, epoch, step, rows), nextRows ? planOf(config, epoch, step + 1, nextRows) : undefined);
        lossSum += loss;
        const elapsed = (performance.now() - epochStart) / 1000;
        const remainingSteps = steps - step - 1 + (config.epochs - epoch) * steps;
        context.onProgress?.({
          kind: 'step',
          epoch,
          epochs: config.epochs,
          step: step + 1,
          steps,
          loss,
          samplesPerSecond: ((step + 1) * rows.length) / Math.max(elapsed, 1e-9),
          etaSeconds: (elapsed / (step + 1)) * remainingSteps,
        });
        await new Promise((resolve) => setImmediate(resolve)); // lets a cancel request arrive
      }
      runner.syncModel();
      if (cancelled) break;
      const trainSeconds = (performance.now() - epochStart) / 1000;
      const v = await validate(options, runner);
      const record: EpochRecord = {
        epoch,
        trainLoss: lossSum / Math.max(1, batches.length),
        ...v,
        seconds: (performance.now() - epochStart) / 1000,
        samplesPerSecond: batches.reduce((s, b) => s + b.length, 0) / Math.max(trainSeconds, 1e-9),
      };
      const score = selectionScore(record, config);
      const improved = state.bestEpoch === 0 || score > state.bestScore;
      if (improved) best = snapshot(model, best);
      state = { ...state, epoch, history: [...state.history, record], ...(improved ? { bestEpoch: epoch, bestScore: score } : {}) };
      if (options.checkpointDir) await saveCheckpoint(options.checkpointDir, state, options, improved);
      const perEpoch = (performance.now() - started) / 1000 / (epoch - resumedFromEpoch);
      context.onProgress?.({
        kind: 'epoch',
        epoch,
        epochs: config.epochs,
        trainLoss: record.trainLoss,
        valLoss: v.valLoss,
        val: { f1Macro: v.f1Macro, aucMacro: v.aucMacro, mapMacro: v.mapMacro },
        improved,
        seconds: record.seconds,
        samplesPerSecond: record.samplesPerSecond,
        etaSeconds: perEpoch * (config.epochs - epoch),
      });
      if (options.shouldStop?.(record)) {
        pruned = true;
        break;
      }
      if (config.patience > 0 && !config.paperExact && epoch - state.bestEpoch >= config.patience) {
        stoppedEarly = true;
        break;
      }
    }
  } finally {
    await runner.close(); // a cancel ends every worker here, after the step in flight
  }
  if (best) {
    model.setWeights(best);
    best.forEach((t) => t.dispose());
  }
  return { history: state.history, bestEpoch: state.bestEpoch, bestScore: state.bestScore, stoppedEarly, pruned, cancelled, resumedFromEpoch, workers: runner.workers };
}
