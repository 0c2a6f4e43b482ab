import * as tf from '@tensorflow/tfjs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { itemsOf, loadPtbxl, SignalStore } from '../data/index';
import { sigmoidFocalLoss } from '../ml/loss/losses';
import { smallPipeline } from '../test/small-pipeline';
import { fixturePath } from '../test/shared-data';
import { checkpointWeightsPath } from './checkpoint';
import { trainConfigSchema } from './config';
import { recordTrainingData, type TrainingData } from './data-source';
import { adamWGroup, trainableVariables, trainLoop } from './loop';
import { loadModelWeights, readTensors, saveModelWeights } from './weights-io';

/**
 * A tiny conv net: enough to learn something from 12 records in seconds on the cpu backend.
 * Seeded initial weights: unseeded, 4 epochs on 12 records once ended above the first epoch's
 * loss (0.0666 → 0.0672, full-suite run 2026-12-04), so "lowers the loss" was left to chance.
 * Seeds 1–8 all lower it; seed 1 from 0.086 to 0.064, the same on every run.
 */
function tinyModel(): tf.LayersModel {
  const seed = 1;
  const input = tf.input({ shape: [250, 12] });
  let x = tf.layers.conv1d({ filters: 8, kernelSize: 7, strides: 2, padding: 'same', useBias: false, kernelInitializer: tf.initializers.glorotUniform({ seed }) }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling1d().apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ rate: 0.2 }).apply(x) as tf.SymbolicTensor; // dropout too must replay on resume
  const out = tf.layers.dense({ units: 5, name: 'logits', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

const pipeline = smallPipeline({ augment: false });
const config = trainConfigSchema.parse({ epochs: 4, batchSize: 4, learningRate: 1e-2, patience: 0, selection: 'valLoss' });

let data: TrainingData;
let initial: tf.Tensor[];

beforeAll(async () => {
  await tf.setBackend('cpu');
  const ds = await loadPtbxl(fixturePath('train', 'ptbxl'), { fs: 100 });
  const train = itemsOf(ds, 'train');
  const val = itemsOf(ds, 'val');
  const store = await SignalStore.build([...train, ...val], { pipeline });
  data = recordTrainingData(
    store,
    { ids: train.map((i) => i.id), labels: train.map((i) => i.labels) },
    { ids: val.map((i) => i.id), labels: val.map((i) => i.labels) },
    { mode: 'centre' },
  );
  initial = tinyModel().getWeights().map((w) => w.clone());
});

function run(checkpointDir: string, signal?: AbortSignal, onEpoch?: (epoch: number) => void) {
  const model = tinyModel();
  model.setWeights(initial);
  const groups = [adamWGroup(trainableVariables(model), config.learningRate, config.weightDecay)];
  const loss = (y: tf.Tensor, z: tf.Tensor) => sigmoidFocalLoss(y, z);
  const result = trainLoop(
    { model, data, config, loss, groups, checkpointDir, jobKey: 'tiny' },
    { ...(signal ? { signal } : {}), onProgress: (e) => (e.kind === 'epoch' ? onEpoch?.(e.epoch) : undefined) },
  );
  return { model, result };
}

async function lastWeights(dir: string): Promise<number[][]> {
  const tensors = await readTensors(await checkpointWeightsPath(dir, 'last'));
  const out = tensors.map((t) => Array.from(t.tensor.dataSync()));
  tensors.forEach((t) => t.tensor.dispose());
  return out;
}

describe('training loop on real PTB-XL records (100 Hz, tiny model, cpu backend)', () => {
  it('lowers the loss, and a cancelled run resumed from its checkpoint ends where an uninterrupted one does', async () => {
    const dirA = await mkdtemp(path.join(tmpdir(), 'einthoven-train-a-'));
    const a = await run(dirA).result;
    expect(a.history).toHaveLength(4);
    const losses = a.history.map((h) => h.trainLoss);
    expect(losses[3] as number).toBeLessThan(losses[0] as number);

    const dirB = await mkdtemp(path.join(tmpdir(), 'einthoven-train-b-'));
    const controller = new AbortController();
    const b = await run(dirB, controller.signal, (epoch) => epoch === 2 && controller.abort()).result;
    expect(b.cancelled).toBe(true);
    expect(b.history).toHaveLength(2);

    const c = await run(dirB).result;
    expect(c.resumedFromEpoch).toBe(2);
    expect(c.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
    // Bit-identical: same crops, augmentation, dropout masks and optimizer state.
    expect(await lastWeights(dirB)).toEqual(await lastWeights(dirA));
    expect(c.history.map((h) => h.trainLoss)).toEqual(a.history.map((h) => h.trainLoss));
  });

  it('keeps the best epoch on cancel and round-trips weights exactly', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'einthoven-train-rt-'));
    const controller = new AbortController();
    const { model, result } = run(dir, controller.signal, (epoch) => epoch === 3 && controller.abort());
    const r = await result;
    expect(r.cancelled).toBe(true);
    const best = tinyModel();
    await loadModelWeights(best, await checkpointWeightsPath(dir, 'best'));
    const expected = best.getWeights().map((w) => Array.from(w.dataSync()));
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(expected);

    await saveModelWeights(model, path.join(dir, 'copy'));
    const copy = tinyModel();
    await loadModelWeights(copy, path.join(dir, 'copy'));
    expect(copy.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(expected);
  });

  it('refuses to resume a checkpoint of another job', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'einthoven-train-job-'));
    const controller = new AbortController();
    await run(dir, controller.signal, () => controller.abort()).result;
    const model = tinyModel();
    const groups = [adamWGroup(trainableVariables(model), 1e-3, 0)];
    await expect(trainLoop({ model, data, config, loss: sigmoidFocalLoss, groups, checkpointDir: dir, jobKey: 'other' })).rejects.toThrow(/different job/);
  });
});
