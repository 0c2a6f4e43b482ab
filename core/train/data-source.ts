import type * as tf from '@tensorflow/tfjs';
import { packChannelsLast } from '../data/batches';
import type { SignalStore } from '../data/store';
import type { Rng } from '../signal/rng';
import { recordLogits, type EvalInputCache, type EvalOptions } from './predict';

/** What the training loop needs from its data: training inputs on demand, and validation logits. */
export interface TrainingData {
  readonly trainLabels: readonly (readonly number[])[];
  readonly valLabels: readonly (readonly number[])[];
  /** Model inputs of the given training rows (random crops/augmentation drawn from one generator per row). */
  trainInputs(rows: readonly number[], rngs: readonly Rng[]): { data: Float32Array; shape: number[] };
  /**
   * Logits of every validation record (read asynchronously: GPU backends have no synchronous
   * read). With `cache`, the validation inputs are computed once and kept there for later calls.
   */
  valLogits(model: tf.LayersModel, cache?: EvalInputCache): Promise<number[][]>;
  /** What worker threads need to draw the same inputs themselves (record data only). */
  readonly records?: RecordSource;
}

/** Decoded records and the ids of each split: what data-parallel workers share. */
export interface RecordSource {
  readonly store: SignalStore;
  readonly trainIds: readonly string[];
  readonly valIds: readonly string[];
  readonly evaluation: EvalOptions;
}

/** Training data drawn from decoded records: random crops + augmentation per sample, evaluation as configured. */
export function recordTrainingData(
  store: SignalStore,
  train: { ids: readonly string[]; labels: readonly (readonly number[])[] },
  val: { ids: readonly string[]; labels: readonly (readonly number[])[] },
  evaluation: EvalOptions,
): TrainingData {
  return {
    trainLabels: train.labels,
    valLabels: val.labels,
    trainInputs(rows, rngs) {
      return packChannelsLast(rows.map((r, b) => store.sample(train.ids[r] as string, 'train', rngs[b])));
    },
    valLogits(model, cache) {
      return recordLogits(model, store, val.ids, evaluation, cache);
    },
    records: { store, trainIds: train.ids, valIds: val.ids, evaluation },
  };
}
