import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { itemsOf, loadPtbxl, SignalStore } from '../data/index';
import { pipelineConfigSchema } from '../signal/pipeline-config';
import { fixturePath } from '../test/shared-data';
import { logitsOf, recordLogits } from './predict';

let store: SignalStore;
let ids: string[];
let model: tf.LayersModel;

beforeAll(async () => {
  await tf.setBackend('cpu');
  const ds = await loadPtbxl(fixturePath('train', 'ptbxl'), { fs: 100 });
  const items = itemsOf(ds, 'test');
  ids = items.map((i) => i.id);
  const pipeline = pipelineConfigSchema.parse({ version: 1, stages: [{ kind: 'crop', length: 250 }, { kind: 'normalise', method: 'zscore' }] });
  store = await SignalStore.build(items, { pipeline });
  const input = tf.input({ shape: [250, 12] });
  const pooled = tf.layers.globalAveragePooling1d().apply(tf.layers.conv1d({ filters: 4, kernelSize: 9, activation: 'tanh' }).apply(input) as tf.SymbolicTensor) as tf.SymbolicTensor;
  model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 3 }).apply(pooled) as tf.SymbolicTensor });
});

describe('record evaluation: centre crop and sliding windows', () => {
  it('centre: one input per record, the pipeline’s centre crop', async () => {
    const got = await recordLogits(model, store, ids, { mode: 'centre', batchSize: 2 });
    expect(got).toEqual(await logitsOf(model, ids.map((id) => store.sample(id, 'eval')), 32));
  });

  it('windows: every window over the 10 s record, combined by mean or max per class', async () => {
    const perRecord = await Promise.all(ids.map((id) => logitsOf(model, store.windows(id, 125), 32)));
    expect(perRecord.every((w) => w.length === 7)).toBe(true); // 1000 samples, 250 long, stride 125
    const mean = await recordLogits(model, store, ids, { mode: 'windows', stride: 125, aggregate: 'mean' });
    const max = await recordLogits(model, store, ids, { mode: 'windows', stride: 125, aggregate: 'max' });
    perRecord.forEach((windows, r) => {
      for (let j = 0; j < 3; j++) {
        const column = windows.map((w) => w[j] as number);
        expect(mean[r]?.[j]).toBeCloseTo(column.reduce((a, b) => a + b, 0) / column.length, 6);
        expect(max[r]?.[j]).toBe(Math.max(...column));
      }
    });
    await expect(recordLogits(model, store, ids, { mode: 'windows' })).rejects.toThrow(/positive stride/);
  });
});
