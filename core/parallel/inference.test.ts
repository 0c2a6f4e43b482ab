import * as tf from '@tensorflow/tfjs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemsOf, loadPtbxl, SignalStore, type DatasetItem } from '../data/index';
import { initBackend } from '../ml/backend/init';
import { smallPipeline } from '../test/small-pipeline';
import { createRng } from '../signal/rng';
import { fixturePath } from '../test/shared-data';
import { cachedFeatureData, trunkOf } from '../train/head';
import { recordLogits } from '../train/predict';
import { withSeededRandom } from '../train/step';
import { InferencePool } from './inference';
import { liveWorkerThreads } from './pool';

const pipeline = smallPipeline();

function smallModel(): tf.LayersModel {
  const input = tf.input({ shape: [250, 12] });
  let x = tf.layers.conv1d({ filters: 6, kernelSize: 5, padding: 'same', activation: 'relu' }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling1d().apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 5, name: 'logits' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

let pool: InferencePool;
let items: DatasetItem[];
let store: SignalStore;
let model: tf.LayersModel;

beforeAll(async () => {
  await initBackend({ force: 'wasm' });
  const ds = await loadPtbxl(fixturePath('train', 'ptbxl'), { fs: 100 });
  // One item whose file is missing: both paths must list it as a failure, in the same place.
  const broken: DatasetItem = { ...(ds.items[0] as DatasetItem), id: 'missing', files: [fixturePath('train', 'ptbxl', 'no-such-record.hea')] };
  items = [...itemsOf(ds, 'train'), broken, ...itemsOf(ds, 'val')];
  store = await SignalStore.build(items, { pipeline });
  model = withSeededRandom(createRng(11), smallModel);
  pool = InferencePool.start(2) as InferencePool;
});

afterAll(async () => {
  await pool?.close();
  expect(liveWorkerThreads()).toBe(0);
  model?.dispose();
});

const flat = (rows: number[][]) => rows.flat();

describe('the worker pool for work over records (real PTB-XL records, wasm)', () => {
  it('decodes and filters a dataset in the workers to the same signals and failures as this thread', async () => {
    let progress = 0;
    const parallel = await SignalStore.build(items, { pipeline, decoder: pool.decoder(pipeline, undefined), onProgress: (done) => (progress = done) });
    expect(progress).toBe(items.length);
    expect(parallel.failures.map((f) => f.id)).toEqual(['missing']);
    expect(parallel.failures).toEqual(store.failures);
    for (const item of items.filter((i) => store.has(i.id))) {
      expect(parallel.sample(item.id, 'eval')).toEqual(store.sample(item.id, 'eval'));
      expect(parallel.seconds(item.id)).toBe(store.seconds(item.id));
    }
  });

  it('gives the logits of this thread for centre crops and sliding windows, with the current weights', async () => {
    const ids = items.filter((i) => store.has(i.id)).map((i) => i.id);
    for (const evaluation of [{ mode: 'centre' as const }, { mode: 'windows' as const, stride: 125, aggregate: 'max' as const }]) {
      const expected = flat(await recordLogits(model, store, ids, evaluation));
      const got = flat(await pool.recordLogits(model, store, ids, evaluation));
      got.forEach((v, k) => expect(v).toBeCloseTo(expected[k] as number, 5));
    }
    // A disk-backed store (data larger than memory): workers read the shared cache files themselves.
    const cacheDir = await mkdtemp(path.join(tmpdir(), 'einthoven-pool-cache-'));
    const onDisk = await SignalStore.build(items, { pipeline, cacheDir, inMemory: false, decoder: pool.decoder(pipeline, cacheDir) });
    expect(onDisk.share().buffer).toBeNull();
    const fromDisk = flat(await pool.recordLogits(model, onDisk, ids, { mode: 'centre' }));
    const centre = flat(await recordLogits(model, store, ids, { mode: 'centre' }));
    fromDisk.forEach((v, k) => expect(v).toBeCloseTo(centre[k] as number, 5));
    // New weights reach the replicas without a reload of the topology.
    model.setWeights(model.getWeights().map((w) => tf.mul(w, 0.5)));
    const expected = flat(await recordLogits(model, store, ids, { mode: 'centre' }));
    const got = flat(await pool.recordLogits(model, store, ids, { mode: 'centre' }));
    got.forEach((v, k) => expect(v).toBeCloseTo(expected[k] as number, 5));
  });

  it('caches head-mode trunk features identical to this thread’s (per-record seeds)', async () => {
    const ids = items.filter((i) => store.has(i.id)).map((i) => i.id);
    const split = { ids: ids.slice(0, 6), labels: ids.slice(0, 6).map(() => [1, 0, 0, 0, 0]) };
    const val = { ids: ids.slice(6), labels: ids.slice(6).map(() => [0, 1, 0, 0, 0]) };
    const trunk = trunkOf(model);
    const evaluation = { mode: 'windows' as const, stride: 125 };
    const here = await cachedFeatureData(trunk, store, split, val, evaluation, 3, 20);
    const there = await cachedFeatureData(trunk, store, split, val, evaluation, 3, 20, pool);
    expect(there.featureCount).toBe(here.featureCount);
    const a = here.trainInputs([0, 1, 2, 3, 4, 5], split.ids.map((_, k) => createRng(k))).data;
    const b = there.trainInputs([0, 1, 2, 3, 4, 5], split.ids.map((_, k) => createRng(k))).data;
    Array.from(b).forEach((v, k) => expect(v).toBeCloseTo(a[k] as number, 5));
    const headLike = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [here.featureCount], kernelInitializer: 'ones' })] });
    const hereLogits = flat(await here.valLogits(headLike));
    flat(await there.valLogits(headLike)).forEach((v, k) => expect(v).toBeCloseTo(hereLogits[k] as number, 4));
    headLike.dispose();
  });
});
