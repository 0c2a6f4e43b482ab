import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../ml/backend/init';
import { buildModel, type ArchitectureName } from '../ml/models/registry';
import { measureTrainingStepPeak } from '../test/memory-peak';
import { assertMemoryFits, checkMemory, estimateTrainingMemory } from './memory-estimate';

/**
 * The estimate against the peak of `tf.memory().numBytes` in a real training step on the wasm
 * backend (the engine's CPU backend). Its two fitted constants came from these configurations
 * (docs/benchmarks.md "Training memory estimate": within 1.5 % of every measurement), so the
 * band here is the drift a change of kernels or layers may cause before it must be refitted.
 */
const tolerance = { low: 0.85, high: 1.15 };

describe('estimateTrainingMemory against a measured training step (wasm)', () => {
  beforeAll(async () => {
    await initBackend({ force: 'wasm' });
  });

  async function measured(architecture: ArchitectureName, inputLength: number, batch: number) {
    const model = buildModel(architecture, { numClasses: 5, inputLength });
    try {
      const peak = await measureTrainingStepPeak(model, batch, 5);
      const estimate = estimateTrainingMemory({ model, batchSize: batch, workers: 1, mode: 'scratch' });
      return { peak, estimate };
    } finally {
      model.dispose();
    }
  }

  it.each([
    ['xresnet1d50', 250, 4],
    ['xresnet1d50', 250, 16],
    ['resnet18', 256, 4],
  ] as const)('%s at %i samples, batch %i: within the tolerance of the measured peak', async (architecture, length, batch) => {
    const { peak, estimate } = await measured(architecture, length, batch);
    const ratio = estimate.bytes.total / peak;
    expect(ratio).toBeGreaterThan(tolerance.low);
    expect(ratio).toBeLessThan(tolerance.high);
    // One worker: the replica is the whole job.
    expect(estimate.bytes.perWorker).toBe(estimate.bytes.total);
  });

  it('grows with the batch as the measured peak does', async () => {
    const small = await measured('xresnet1d50', 250, 4);
    const large = await measured('xresnet1d50', 250, 16);
    const measuredGrowth = large.peak - small.peak;
    const estimatedGrowth = large.estimate.bytes.total - small.estimate.bytes.total;
    expect(estimatedGrowth / measuredGrowth).toBeGreaterThan(0.9);
    expect(estimatedGrowth / measuredGrowth).toBeLessThan(1.1);
    // Activations are what a larger batch adds; weights and optimizer state stay.
    expect(large.estimate.bytes.weights).toBe(small.estimate.bytes.weights);
    expect(large.estimate.bytes.activations).toBeCloseTo(4 * small.estimate.bytes.activations, 0);
  });
});

describe('estimateTrainingMemory: workers and modes', () => {
  beforeAll(async () => {
    await initBackend({ force: 'wasm' });
  });

  it('splits the batch across replicas, each with its own weights and gradients, the moments once', () => {
    const model = buildModel('resnet18', { numClasses: 5, inputLength: 256 });
    try {
      const one = estimateTrainingMemory({ model, batchSize: 64, workers: 1, mode: 'full' });
      const four = estimateTrainingMemory({ model, batchSize: 64, workers: 4, mode: 'full' });
      expect(four.rowsPerReplica).toBe(16);
      expect(estimateTrainingMemory({ model, batchSize: 65, workers: 4, mode: 'full' }).rowsPerReplica).toBe(17);
      expect(four.bytes.weights).toBe(one.bytes.weights * 5); // four replicas and the main thread's copy
      expect(four.bytes.optimizer).toBe(one.bytes.optimizer);
      expect(four.bytes.activations).toBeCloseTo(one.bytes.activations, 0);
      expect(four.bytes.perWorker).toBeLessThan(one.bytes.perWorker);
      expect(four.bytes.total).toBeGreaterThan(one.bytes.total);
    } finally {
      model.dispose();
    }
  });

  it('holds no more rows per step than there are training records, as the loop batches them', () => {
    const model = buildModel('resnet18', { numClasses: 5, inputLength: 256 });
    try {
      const twelve = estimateTrainingMemory({ model, batchSize: 64, trainRecords: 12, workers: 2, mode: 'full' });
      expect(twelve.rowsPerReplica).toBe(6);
      // What a batch of 12 needs, while the batch asked for stays on record.
      expect(twelve.bytes).toEqual(estimateTrainingMemory({ model, batchSize: 12, workers: 2, mode: 'full' }).bytes);
      expect(twelve.batchSize).toBe(64);
      expect(estimateTrainingMemory({ model, batchSize: 64, trainRecords: 1000, workers: 2, mode: 'full' })).toEqual(estimateTrainingMemory({ model, batchSize: 64, workers: 2, mode: 'full' }));
      expect(estimateTrainingMemory({ model, batchSize: 64, trainRecords: 12, workers: 2, mode: 'head' }).rowsPerReplica).toBe(12);
    } finally {
      model.dispose();
    }
  });

  it('head mode trains the output layer only, on cached features: no trunk activations', () => {
    const model = buildModel('xresnet1d50', { numClasses: 5, inputLength: 250 });
    try {
      const head = estimateTrainingMemory({ model, batchSize: 64, workers: 2, mode: 'head' });
      const full = estimateTrainingMemory({ model, batchSize: 64, workers: 2, mode: 'full' });
      const headWeights = (model.layers[model.layers.length - 1] as tf.layers.Layer).countParams();
      expect(head.trainableParameters).toBe(headWeights);
      expect(head.bytes.optimizer).toBe(headWeights * 4 * 2);
      expect(head.bytes.activations).toBeLessThan(full.bytes.activations / 1000);
      expect(head.bytes.total).toBeLessThan(full.bytes.total);
    } finally {
      model.dispose();
    }
  });

  it('builds the model itself from an architecture and its build options, and disposes it', () => {
    const before = tf.memory().numTensors;
    const built = estimateTrainingMemory({ model: { architecture: 'resnet18', buildOptions: { numClasses: 5, inputLength: 256 } }, batchSize: 8, workers: 1, mode: 'scratch' });
    expect(tf.memory().numTensors).toBe(before);
    const model = buildModel('resnet18', { numClasses: 5, inputLength: 256 });
    try {
      expect(estimateTrainingMemory({ model, batchSize: 8, workers: 1, mode: 'scratch' })).toEqual(built);
    } finally {
      model.dispose();
    }
  });
});

describe('checkMemory: the verdict against the workstation', () => {
  const gb = 1e9;
  const estimate = (total: number, perWorker = total) =>
    ({ mode: 'full', batchSize: 64, workers: 3, rowsPerReplica: 22, parameters: 1, trainableParameters: 1, activationValuesPerRow: 1, bytes: { weights: 0, gradients: 0, optimizer: 0, activations: 0.9 * gb, inputs: 0, perWorker, total } }) as const;

  it('fits under 60 % of free memory, is tight above, does not fit above the total', () => {
    const machine = { totalBytes: 15.6 * gb, freeBytes: 9.1 * gb };
    const fits = checkMemory(estimate(1.3 * gb), machine, 'wasm');
    expect(fits.verdict).toBe('fits');
    expect(fits.advice).toBeNull();
    expect(fits.line).toBe("Estimated memory: 1.3 GB (activations 0.9 GB across 3 workers) of this computer's 15.6 GB, 9.1 GB free");
    expect(checkMemory(estimate(6 * gb, 2 * gb), machine, 'wasm').verdict).toBe('tight');
    const over = checkMemory(estimate(16 * gb, 2 * gb), machine, 'wasm');
    expect(over.verdict).toBe('does-not-fit');
    expect(over.advice).toMatch(/lower the batch size or the workers/);
    expect(() => assertMemoryFits(over, false)).toThrow(/E_VALIDATION|not enough memory/);
    expect(() => assertMemoryFits(over, true)).not.toThrow();
  });

  it('does not fit when one replica is over a wasm instance’s 4 GiB, on wasm only', () => {
    const machine = { totalBytes: 64 * gb, freeBytes: 60 * gb };
    expect(checkMemory(estimate(5 * gb, 5 * gb), machine, 'wasm').verdict).toBe('does-not-fit');
    expect(checkMemory(estimate(5 * gb, 5 * gb), machine, 'tensorflow').verdict).toBe('fits');
  });
});
