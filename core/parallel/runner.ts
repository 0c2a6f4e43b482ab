import * as tf from '@tensorflow/tfjs';
import type { TrainingData } from '../train/data-source';
import { applyGroupGradients, type ParamGroup } from '../train/step';
import type { StepRunner } from '../train/step-runner';
import { DataParallelTrainer } from './data-parallel';
import type { LossSpec, WorkerStart } from './protocol';

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

/** Starts a data-parallel runner on `workers` threads (see DataParallelTrainer). */
export async function startParallelRunner(model: tf.LayersModel, data: TrainingData, groups: readonly ParamGroup[], loss: LossSpec, workers: number): Promise<StepRunner> {
  const records = data.records;
  const backend = parallelBackend(tf.getBackend());
  if (!records || !backend) throw new Error('startParallelRunner: record data on the wasm or cpu backend only');
  const trainer = await DataParallelTrainer.start({ model, store: records.store, trainIds: records.trainIds, trainLabels: data.trainLabels, loss, workers, backend });
  return {
    workers,
    async step(plan, next) {
      const { loss: value, grads } = await trainer.step(plan, next);
      try {
        tf.tidy(() => applyGroupGradients(groups, grads));
      } finally {
        tf.dispose(Object.values(grads));
      }
      return value;
    },
    // 'random' evaluation (paperExact on CPSC/HSM) draws one sequence of crops over all records: kept in one thread.
    valLogits: () => (records.evaluation.mode === 'random' ? data.valLogits(model) : trainer.logits(records.valIds, records.evaluation)),
    close: () => trainer.close(),
  };
}
