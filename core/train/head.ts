import * as tf from '@tensorflow/tfjs';
import type { SignalStore } from '../data/store';
import { EinthovenError } from '../errors';
import { linearNormal } from '../ml/models/init';
import { createRng, type Rng } from '../signal/rng';
import type { TrainingData } from './data-source';
import { readRows } from '../ml/backend/read';
import { aggregateLogits, logitsOf, type EvalOptions } from './predict';
import type { LabelledIds } from './jobs/prepare';
import type { InferencePool } from '../parallel/inference';
import { mixSeed } from './seeds';

/** The model's output layer: the Dense that makes the logits (every registry model ends with one). */
export function outputLayer(model: tf.LayersModel): tf.layers.Layer {
  const last = model.layers[model.layers.length - 1];
  if (!last || last.getClassName() !== 'Dense') throw new EinthovenError('E_MODEL', `${model.name}: the last layer is not a Dense output layer`);
  return last;
}

/** The trunk: the model up to the input of its output layer (inference mode: BN statistics fixed). */
export function trunkOf(model: tf.LayersModel): tf.LayersModel {
  const input = outputLayer(model).input;
  if (Array.isArray(input)) throw new EinthovenError('E_MODEL', `${model.name}: the output layer has several inputs`);
  return tf.model({ inputs: model.inputs, outputs: input });
}

/** A fresh head: one Dense from the trunk's features to the new classes, initialised N(0, 0.01) as the paper. */
export function buildHead(features: number, classes: number): tf.LayersModel {
  const input = tf.input({ shape: [features] });
  const out = tf.layers.dense({ units: classes, kernelInitializer: linearNormal(), biasInitializer: 'zeros', name: 'logits' }).apply(input) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'head' });
}

/** Copies a trained head into the full model's output layer. */
export function installHead(model: tf.LayersModel, head: tf.LayersModel): void {
  outputLayer(model).setWeights(outputLayer(head).getWeights());
}

/**
 * Training data for `head` fine-tuning: trunk features computed once — `crops` random crops per
 * training record (record i's drawn from its own seed, so any number of workers computes the
 * same features) and every evaluation window of each validation record — so each epoch is only
 * a small dense layer's work. The trunk runs in inference mode, so its weights and batch-norm
 * statistics stay exactly those of the base model. With a pool the records are split across
 * its workers.
 */
export async function cachedFeatureData(trunk: tf.LayersModel, store: SignalStore, train: LabelledIds, val: LabelledIds, evaluation: EvalOptions, crops: number, seed: number, pool?: InferencePool): Promise<TrainingData & { featureCount: number }> {
  const batchSize = evaluation.batchSize ?? 32;
  const seeds = train.ids.map((_, i) => mixSeed(seed, i));
  const evalFeatures = (id: string) => logitsOf(trunk, evaluation.mode === 'windows' ? store.windows(id, evaluation.stride ?? 1) : [store.sample(id, 'eval')], batchSize);
  // One record at a time: each read finishes before the next record's tensors exist.
  const sequential = async (ids: readonly string[], features: (id: string, i: number) => Promise<number[][]>) => {
    const out: number[][][] = [];
    for (const [i, id] of ids.entries()) out.push(await features(id, i));
    return out;
  };
  const trainFeatures = pool
    ? await pool.features(trunk, store, train.ids, { crops, seeds, evaluation, batchSize })
    : await sequential(train.ids, (id, i) => {
        const rng = createRng(seeds[i] as number);
        return logitsOf(trunk, Array.from({ length: crops }, () => store.sample(id, 'train', rng)), batchSize);
      });
  const valFeatures = pool ? await pool.features(trunk, store, val.ids, { crops: 0, seeds: [], evaluation, batchSize }) : await sequential(val.ids, evalFeatures);
  const featureCount = trainFeatures[0]?.[0]?.length ?? 0;
  return {
    featureCount,
    trainLabels: train.labels,
    valLabels: val.labels,
    trainInputs(rows, picks) {
      const data = new Float32Array(rows.length * featureCount);
      rows.forEach((r, b) => {
        const options = trainFeatures[r] as number[][];
        data.set(options[(picks[b] as Rng).int(0, options.length - 1)] as number[], b * featureCount);
      });
      return { data, shape: [rows.length, featureCount] };
    },
    async valLogits(head) {
      const out: number[][] = [];
      for (const windows of valFeatures) {
        const y = tf.tidy(() => head.predict(tf.tensor2d(windows)) as tf.Tensor);
        out.push(aggregateLogits(await readRows(y).finally(() => y.dispose()), evaluation.aggregate));
      }
      return out;
    },
  };
}
