import * as tf from '@tensorflow/tfjs';
import { createRng } from '../signal/rng';
import type { TrainingData } from './data-source';
import { EvalInputCache } from './predict';
import { trainStep, type LossFn, type ParamGroup } from './step';

/** One step's global batch: training rows, one crop/augmentation seed per row, and the dropout seed. */
export interface BatchPlan {
  readonly step: number;
  readonly rows: readonly number[];
  readonly seeds: readonly number[];
  readonly dropoutSeed: number;
}

/** Runs the loop's steps and validation passes: in this thread, or on worker threads (core/parallel). */
export interface StepRunner {
  /** Threads that compute (1 for the in-process runner). */
  readonly workers: number;
  /** One optimisation step (forward, backward, update); returns the batch's mean loss. `next` may be prepared ahead. */
  step(plan: BatchPlan, next: BatchPlan | undefined): Promise<number>;
  /**
   * Brings the model's weights and its optimizers' state level with the runner's: data-parallel
   * workers update in shared memory, and the loop reads the model (selection snapshot,
   * checkpoint, the final weights) only after calling this. Nothing to do in this thread.
   */
  syncModel(): void;
  /** Logits of every validation record with the current weights. */
  valLogits(): Promise<number[][]>;
  /** Ends whatever the runner started (every worker thread). */
  close(): Promise<void>;
}

/**
 * Most bytes of validation inputs one thread keeps between epochs (EvalInputCache): 256 MiB,
 * about 2,700 validation records read by centre crop at 500 Hz (12 leads × 2048 samples), 22,000
 * at 100 Hz (12 × 250); a thread whose share is larger crops and normalises it every epoch.
 */
export const validationCacheBytes = 256 * 1024 * 1024;

/** Steps on this thread's backend, inputs drawn here; validation inputs kept (within `cacheBytes`) until close. */
export function inProcessRunner(model: tf.LayersModel, data: TrainingData, groups: readonly ParamGroup[], loss: LossFn, cacheBytes = validationCacheBytes): StepRunner {
  const validation = new EvalInputCache(cacheBytes);
  return {
    workers: 1,
    async step(plan) {
      const { data: xData, shape } = data.trainInputs(plan.rows, plan.seeds.map((s) => createRng(s)));
      const x = tf.tensor(xData, shape);
      const y = tf.tensor2d(plan.rows.map((r) => [...(data.trainLabels[r] as readonly number[])]));
      try {
        return await trainStep(model, groups, loss, x, y, plan.dropoutSeed);
      } finally {
        tf.dispose([x, y]);
      }
    },
    syncModel: () => undefined,
    valLogits: () => data.valLogits(model, validation),
    close: () => {
      validation.release();
      return Promise.resolve();
    },
  };
}
