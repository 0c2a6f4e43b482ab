import * as tf from '@tensorflow/tfjs';
import type { TrainingData } from '../train/data-source';
import { trainableVariables, type ParamGroup } from '../train/step';
import type { StepRunner } from '../train/step-runner';
import { DataParallelTrainer } from './data-parallel';
import type { LossSpec, WorkerStart } from './protocol';
import { SharedAdamW } from './shared-adamw';

/** Backends whose workers we can start: tensorflow (native) already uses every core itself. */
export function parallelBackend(active: string): WorkerStart['backend'] | undefined {
  return active === 'wasm' || active === 'cpu' ? active : undefined;
}

/** Why a job that asked for workers runs in one thread, or undefined when it can use them. */
export function whySingleThread(workers: number, data: TrainingData, loss: LossSpec | undefined, active: string): string | undefined {
  if (workers <= 1) return 'one worker asked for';
  if (!parallelBackend(active)) return `the ${active} backend runs its own threads`;
  if (!data.records) return 'cached features train in one thread (a small dense layer)';
  if (!loss) return 'no loss specification for workers';
  return undefined;
}

/**
 * Starts a data-parallel runner on `workers` threads (see DataParallelTrainer): the workers
 * update the shared weights and AdamW moments with the groups' constants each step; the main
 * model and optimizers are brought level by syncModel (the loop calls it after each epoch's
 * steps, validation calls it first). Each worker keeps its share of the validation inputs
 * (within `cacheBytes`) from one epoch to the next; they go with the workers at close.
 */
export async function startParallelRunner(model: tf.LayersModel, data: TrainingData, groups: readonly ParamGroup[], loss: LossSpec, workers: number, cacheBytes = 0): Promise<StepRunner> {
  const records = data.records;
  const backend = parallelBackend(tf.getBackend());
  if (!records || !backend) throw new Error('startParallelRunner: record data on the wasm or cpu backend only');
  const trainer = await DataParallelTrainer.start({ model, store: records.store, trainIds: records.trainIds, trainLabels: data.trainLabels, loss, workers, backend });
  const optimizers = new SharedAdamW(groups, trainableVariables(model), trainer.update);
  /** Whether the shared weights and moments are newer than the main model's and optimizers'. */
  let sharedAhead = false;
  const syncModel = () => {
    if (!sharedAhead) return;
    trainer.pullWeights();
    optimizers.pull();
    sharedAhead = false;
  };
  return {
    workers,
    async step(plan, next) {
      if (!sharedAhead) {
        // The main thread's state is the latest (start, or after a sync): the workers start from it.
        trainer.publish();
        optimizers.publish();
      }
      const value = await trainer.step(plan, optimizers.nextAttrs(), next);
      optimizers.stepped();
      sharedAhead = true;
      return value;
    },
    syncModel,
    // 'random' evaluation (paperExact on CPSC/HSM) draws one sequence of crops over all records: kept in one thread.
    valLogits: () => {
      syncModel();
      return records.evaluation.mode === 'random' ? data.valLogits(model) : trainer.logits(records.valIds, records.evaluation, cacheBytes);
    },
    close: () => trainer.close(),
  };
}
