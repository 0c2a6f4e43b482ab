import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { itemsOf, loadPtbxl, SignalStore } from '../data/index';
import { evalInputReads } from '../data/store';
import { sigmoidFocalLoss } from '../ml/loss/losses';
import { createRng } from '../signal/rng';
import { fixturePath } from '../test/shared-data';
import { smallPipeline } from '../test/small-pipeline';
import { trainConfigSchema } from './config';
import { recordTrainingData, type TrainingData } from './data-source';
import { adamWGroup, trainableVariables, trainLoop, type EpochRecord } from './loop';
import { EvalInputCache, recordLogits } from './predict';
import { withSeededRandom } from './step';

/** A tiny conv net on 2.5 s at 100 Hz (the small pipeline's crop), seeded, with batch norm and dropout. */
function tinyModel(): tf.LayersModel {
  const input = tf.input({ shape: [250, 12] });
  let x = tf.layers.conv1d({ filters: 8, kernelSize: 7, strides: 2, padding: 'same' }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling1d().apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ rate: 0.2 }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 5, name: 'logits' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

const config = trainConfigSchema.parse({ epochs: 3, batchSize: 4, learningRate: 1e-2, patience: 0, selection: 'valLoss' });
let store: SignalStore;
let valIds: string[];
let data: TrainingData;

beforeAll(async () => {
  await tf.setBackend('cpu');
  const ds = await loadPtbxl(fixturePath('train', 'ptbxl'), { fs: 100 });
  const train = itemsOf(ds, 'train');
  const val = itemsOf(ds, 'val');
  store = await SignalStore.build([...train, ...val], { pipeline: smallPipeline({ augment: false }) });
  valIds = val.map((i) => i.id);
  data = recordTrainingData(store, { ids: train.map((i) => i.id), labels: train.map((i) => [...i.labels]) }, { ids: valIds, labels: val.map((i) => [...i.labels]) }, { mode: 'centre' });
});

/** What an epoch's record says that does not depend on the clock. */
const figures = (h: readonly EpochRecord[]) => h.map(({ epoch, trainLoss, valLoss, f1Macro, aucMacro, mapMacro }) => ({ epoch, trainLoss, valLoss, f1Macro, aucMacro, mapMacro }));

/** Trains 3 epochs from the same seeded weights; counts the validation inputs this thread computed. */
async function train(workers: number, validationCacheBytes?: number) {
  const model = withSeededRandom(createRng(3), tinyModel);
  const groups = [adamWGroup(trainableVariables(model), config.learningRate, config.weightDecay)];
  const before = evalInputReads.count;
  const result = await trainLoop({ model, data, config, loss: (y, z) => sigmoidFocalLoss(y, z), lossSpec: { name: 'focal' }, groups, jobKey: 'val-once', workers, ...(validationCacheBytes === undefined ? {} : { validationCacheBytes }) });
  const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
  model.dispose();
  return { history: figures(result.history), weights, evalInputs: evalInputReads.count - before, workers: result.workers };
}

describe('validation inputs computed once per training job', () => {
  it('crops and normalises the validation records once over the epochs, with the same weights and figures as every epoch', async () => {
    expect(valIds.length).toBeGreaterThan(0);
    const kept = await train(1);
    const recomputed = await train(1, 0);
    expect(recomputed.evalInputs).toBe(3 * valIds.length);
    expect(kept.evalInputs).toBe(valIds.length);
    expect(kept.history).toHaveLength(3);
    expect(kept.history).toEqual(recomputed.history);
    expect(kept.weights).toEqual(recomputed.weights);
  });

  it('gives the same weights and figures with 2 workers keeping their shares', async () => {
    const kept = await train(2);
    const recomputed = await train(2, 0);
    expect(kept.workers).toBe(2);
    expect(kept.history).toEqual(recomputed.history);
    expect(kept.weights).toEqual(recomputed.weights);
  });

  it('keeps inputs within its bound only, for the same call only, and drops them on release', async () => {
    const model = withSeededRandom(createRng(3), tinyModel);
    for (const mode of ['centre', 'windows'] as const) {
      const options = { mode, stride: 100, batchSize: 3 };
      const plain = await recordLogits(model, store, valIds, options);
      const cache = new EvalInputCache(64 * 1024 * 1024);
      expect(await recordLogits(model, store, valIds, options, cache)).toEqual(plain);
      expect(cache.bytes).toBeGreaterThan(0);
      const before = evalInputReads.count;
      expect(await recordLogits(model, store, valIds, options, cache)).toEqual(plain);
      expect(evalInputReads.count).toBe(before); // from the cache
      // Other records are computed afresh (and replace what was kept).
      expect(await recordLogits(model, store, valIds.slice(1), options, cache)).toEqual(plain.slice(1));
      expect(evalInputReads.count).toBe(before + valIds.length - 1);
      cache.release();
      expect(cache.bytes).toBe(0);
      // A bound below the inputs' size keeps nothing: every call computes its own.
      const small = new EvalInputCache(1024);
      expect(await recordLogits(model, store, valIds, options, small)).toEqual(plain);
      expect(small.bytes).toBe(0);
    }
    model.dispose();
  });
});
