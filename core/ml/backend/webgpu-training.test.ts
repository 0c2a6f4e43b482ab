import * as tf from '@tensorflow/tfjs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../signal/rng';
import { trainConfigSchema } from '../../train/config';
import type { TrainingData } from '../../train/data-source';
import { adamWGroup, trainableVariables, trainLoop, type TrainLoopResult } from '../../train/loop';
import { modelArtifacts } from '../../train/package/io';
import { logitsOf } from '../../train/predict';
import { trainStep, withSeededRandom } from '../../train/step';
import { makeLoss } from '../loss/losses';
import { withoutInitialDraws } from '../models/init';
import { buildModel } from '../models/registry';
import { initBackend } from './init';
import { relativeDifference } from './parity';
import { readRows } from './read';
import { overrideBufferLimit } from './webgpu-memory';
import { webgpuTestsCanRun } from './webgpu-test-gate';

/**
 * Training on webgpu (a software adapter in CI) as the engine does it: the training loop against
 * wasm with the same seed, tensor leaks, packages across backends, micro-batches past the buffer
 * limit, and a lost device. Small inputs (ResNet18 at 64 samples, 8 records): llvmpipe is slow.
 */

const length = 64;
const classes = 3;
const config = trainConfigSchema.parse({ epochs: 3, batchSize: 4, learningRate: 1e-3, patience: 0, selection: 'valLoss' });

/** Synthetic records with a learnable rule (class j when lead j's mean is positive). */
function syntheticData(records: number, seed: number): { inputs: Float32Array[][]; labels: number[][] } {
  const rng = createRng(seed);
  const inputs: Float32Array[][] = [];
  const labels: number[][] = [];
  for (let r = 0; r < records; r++) {
    const leads = Array.from({ length: 12 }, (_, l) => Float32Array.from({ length }, () => rng.next() * 2 - 1 + (l < classes && (r + l) % 2 === 0 ? 0.5 : 0)));
    inputs.push(leads);
    labels.push(Array.from({ length: classes }, (_, j) => ((r + j) % 2 === 0 ? 1 : 0)));
  }
  return { inputs, labels };
}

const train = syntheticData(8, 1);
const val = syntheticData(4, 2);

const data: TrainingData = {
  trainLabels: train.labels,
  valLabels: val.labels,
  trainInputs(rows) {
    const out = new Float32Array(rows.length * length * 12);
    rows.forEach((r, b) => train.inputs[r]!.forEach((lead, l) => lead.forEach((v, t) => (out[(b * length + t) * 12 + l] = v))));
    return { data: out, shape: [rows.length, length, 12] };
  },
  valLogits: (model) => logitsOf(model, val.inputs, 4),
};

let initial: { data: Float32Array; shape: number[] }[];

/**
 * ResNet18 with the same initial weights on whichever backend is active. Built without drawing
 * initial weights (0.4 s of JavaScript each here), since every one is set at once.
 */
function freshModel(): tf.LayersModel {
  const model = withoutInitialDraws(() => buildModel('resnet18', { numClasses: classes, inputLength: length }));
  const tensors = initial.map((w) => tf.tensor(w.data, w.shape));
  model.setWeights(tensors);
  tf.dispose(tensors);
  return model;
}

async function trainOn(backend: string, checkpointDir?: string, onEpoch?: (epoch: number) => void): Promise<{ result: TrainLoopResult; model: tf.LayersModel; tensorsPerEpoch: number[] }> {
  await tf.setBackend(backend);
  const model = freshModel();
  const groups = [adamWGroup(trainableVariables(model), config.learningRate, config.weightDecay)];
  const tensorsPerEpoch: number[] = [];
  const result = await trainLoop(
    { model, data, config, loss: makeLoss('focal'), groups, jobKey: 'webgpu-test', ...(checkpointDir ? { checkpointDir } : {}) },
    {
      onProgress: (e) => {
        if (e.kind !== 'epoch') return;
        tensorsPerEpoch.push(tf.memory().numTensors);
        onEpoch?.(e.epoch);
      },
    },
  );
  groups.forEach((g) => g.optimizer.dispose());
  return { result, model, tensorsPerEpoch };
}

// Generous time limit: llvmpipe is slow, more so on a busy machine.
describe.runIf(await webgpuTestsCanRun())('training on webgpu', { timeout: 900_000 }, () => {
  beforeAll(async () => {
    await initBackend({ force: 'wasm' });
    // Seeded initial weights (tfjs initialisers draw their seeds from Math.random): the same run every time.
    const model = withSeededRandom(createRng(3), () => buildModel('resnet18', { numClasses: classes, inputLength: length }));
    initial = await Promise.all(model.getWeights().map(async (w) => ({ data: (await w.data()) as Float32Array, shape: w.shape })));
    model.dispose();
    await initBackend({ force: 'webgpu' });
  });
  afterAll(async () => {
    overrideBufferLimit(undefined);
    await tf.setBackend('wasm');
  });

  it('three epochs give the losses wasm gives with the same seed, without leaking tensors between epochs', async () => {
    const wasm = await trainOn('wasm');
    wasm.model.dispose();
    const gpu = await trainOn('webgpu');
    gpu.model.dispose();
    expect(gpu.result.history).toHaveLength(3);
    // Float rounding differs between the backends and training amplifies it (Adam, and batch norm
    // over 8 values per channel in the last stage at this size), while the loss itself falls toward
    // zero: the first epoch within 1e-3 relative, every epoch within 1 % of the first epoch's loss
    // (measured: 6e-6 / 2e-4 in epoch 1, at most 1.8e-3 of it by epoch 3).
    const first = wasm.result.history[0]!;
    for (const [i, h] of gpu.result.history.entries()) {
      const ref = wasm.result.history[i]!;
      if (i === 0) {
        expect(Math.abs(h.trainLoss - ref.trainLoss) / ref.trainLoss, 'epoch 1 train loss').toBeLessThan(1e-3);
        expect(Math.abs(h.valLoss - ref.valLoss) / ref.valLoss, 'epoch 1 validation loss').toBeLessThan(1e-3);
      }
      expect(Math.abs(h.trainLoss - ref.trainLoss) / first.trainLoss, `epoch ${h.epoch} train loss`).toBeLessThan(1e-2);
      expect(Math.abs(h.valLoss - ref.valLoss) / first.valLoss, `epoch ${h.epoch} validation loss`).toBeLessThan(1e-2);
    }
    // The same number of live tensors after every epoch: nothing accumulates per step or epoch.
    expect(new Set(gpu.tensorsPerEpoch).size, JSON.stringify(gpu.tensorsPerEpoch)).toBe(1);
  });

  it('a model trained on webgpu predicts the same on wasm from its saved weights, and the reverse', async () => {
    const x = data.trainInputs([0, 1, 2, 3], [0, 1, 2, 3].map((r) => createRng(r)));
    for (const [from, to] of [
      ['webgpu', 'wasm'],
      ['wasm', 'webgpu'],
    ] as const) {
      await tf.setBackend(from);
      const model = freshModel();
      const groups = [adamWGroup(trainableVariables(model), 1e-2, 0)];
      const xt = tf.tensor(x.data, x.shape);
      const yt = tf.tensor2d(train.labels.slice(0, 4));
      await trainStep(model, groups, makeLoss('focal'), xt, yt, 1);
      const y = model.predict(xt) as tf.Tensor;
      const expected = await readRows(y);
      const { weights } = await modelArtifacts(model);
      tf.dispose([xt, yt, y]);
      groups.forEach((g) => g.optimizer.dispose());
      model.dispose();

      await tf.setBackend(to);
      const loaded = withoutInitialDraws(() => buildModel('resnet18', { numClasses: classes, inputLength: length })); // every weight set below
      const all = new Float32Array(weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength));
      let offset = 0;
      const tensors = loaded.weights.map((w) => {
        const size = w.shape.reduce((a: number, b) => a * (b ?? 1), 1);
        const t = tf.tensor(all.subarray(offset, offset + size), w.shape as number[]);
        offset += size;
        return t;
      });
      loaded.setWeights(tensors);
      tf.dispose(tensors);
      const got = await logitsOf(loaded, [0, 1, 2, 3].map((r) => train.inputs[r]!), 4);
      loaded.dispose();
      expect(relativeDifference(expected.flat(), got.flat()), `${from} → ${to}`).toBeLessThan(1e-4);
    }
  });

  it('a batch past the buffer limit trains as micro-batches with the same update; one record past it is refused naming the limit', async () => {
    await tf.setBackend('webgpu');
    // No batch norm: micro-batches then give exactly the whole batch's gradient.
    const net = () => {
      const input = tf.input({ shape: [length, 12] });
      const conv = tf.layers.conv1d({ filters: 8, kernelSize: 5, padding: 'same' }).apply(input) as tf.SymbolicTensor;
      const pooled = tf.layers.globalAveragePooling1d().apply(conv) as tf.SymbolicTensor;
      return tf.model({ inputs: input, outputs: tf.layers.dense({ units: classes }).apply(pooled) as tf.SymbolicTensor });
    };
    const x = data.trainInputs([0, 1, 2, 3], [0, 1, 2, 3].map((r) => createRng(r)));
    const weightsAfter = async (limit: number | undefined): Promise<Float32Array[]> => {
      overrideBufferLimit(limit);
      const model = net();
      model.setWeights(model.getWeights().map((w, i) => tf.fill(w.shape, 0.01 * (i + 1))));
      const groups = [adamWGroup(trainableVariables(model), 1e-2, 0)];
      const xt = tf.tensor(x.data, x.shape);
      const yt = tf.tensor2d(train.labels.slice(0, 4));
      await trainStep(model, groups, makeLoss('bce'), xt, yt, 1);
      const out = await Promise.all(model.getWeights().map((w) => w.data() as Promise<Float32Array>));
      tf.dispose([xt, yt]);
      groups.forEach((g) => g.optimizer.dispose());
      model.dispose();
      return out;
    };
    try {
      const whole = await weightsAfter(undefined);
      const perRecord = length * 12 * 4; // the input is the largest buffer: 3 KiB per record
      const split = await weightsAfter(2 * perRecord); // micro-batches of 2
      whole.forEach((w, i) => expect(relativeDifference(w, split[i]!), `weight ${i}`).toBeLessThan(1e-5));
      await expect(weightsAfter(perRecord - 4)).rejects.toMatchObject({ code: 'E_TOO_LARGE', message: expect.stringMatching(/one record needs .* buffer limit \(test override\)/) });
    } finally {
      overrideBufferLimit(undefined);
    }
  });

  it('a lost device ends the job with E_DEVICE and a checkpoint that resumes on another backend', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'einthoven-webgpu-lost-'));
    // Destroying the device is what a driver reset looks like to WebGPU.
    const destroyAfterFirstEpoch = (epoch: number) => {
      if (epoch === 1) (tf.backend() as unknown as { device: { destroy(): void } }).device.destroy();
    };
    await expect(trainOn('webgpu', dir, destroyAfterFirstEpoch)).rejects.toMatchObject({ code: 'E_DEVICE', message: expect.stringMatching(/GPU device was lost.*checkpoint can be resumed/) });
    const resumed = await trainOn('wasm', dir);
    resumed.model.dispose();
    expect(resumed.result.resumedFromEpoch).toBe(1);
    expect(resumed.result.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    // A fresh device for whatever runs next in this process.
    await initBackend({ force: 'webgpu' });
    expect(tf.getBackend()).toBe('webgpu');
  });
});
