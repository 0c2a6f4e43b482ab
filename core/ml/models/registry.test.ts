import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init';
import { makeLoss } from '../loss/losses';
import { AdamW } from '../optim/adamw';
import { architectureNames, buildModel, countTrainableParams, listArchitectures } from './registry';

// Trainable parameters at 5 outputs, paper input 12×2048 (paper-spec §4). ResNet18's exact
// torch count is from stack.md §1; the others are the paper's rounded figures.
const paperParams: Record<string, { count: number; tolerance: number; paperExact: boolean }> = {
  resnet18: { count: 3_851_397, tolerance: 0, paperExact: false },
  alexnet: { count: 23.88e6, tolerance: 0.005e6, paperExact: false },
  vgg11bn: { count: 20.09e6, tolerance: 0.005e6, paperExact: true },
  attresnet: { count: 4.902e6, tolerance: 0.0005e6, paperExact: true },
  transformer: { count: 12.63e6, tolerance: 0.005e6, paperExact: false },
  restransformer: { count: 10.16e6, tolerance: 0.005e6, paperExact: false },
  // tfjs GRU/LSTM cells keep one bias vector where torch keeps two: 2 layers × 3h (GRU) / 4h (LSTM) fewer.
  'crnn-gru': { count: 4.836e6 - 2 * 3 * 256, tolerance: 0.0005e6, paperExact: true },
  'crnn-lstm': { count: 5.165e6 - 2 * 4 * 256, tolerance: 0.0005e6, paperExact: true },
};

describe('model registry', () => {
  beforeAll(async () => {
    await initBackend({ force: 'wasm' });
  });

  it('lists every architecture with its design input', () => {
    const list = listArchitectures();
    expect(list.map((a) => a.name)).toEqual([...architectureNames]);
    expect(list.find((a) => a.name === 'resnet18')).toMatchObject({ fs: 500, inputLength: 2048, leads: 12 });
    expect(list.find((a) => a.name === 'xresnet1d101')).toMatchObject({ fs: 100, inputLength: 250 });
  });

  it.each(Object.entries(paperParams))('%s has the paper parameter count', (name, expected) => {
    const model = buildModel(name, { numClasses: 5, paperExact: expected.paperExact });
    expect(Math.abs(countTrainableParams(model) - expected.count)).toBeLessThanOrEqual(expected.tolerance);
    expect(model.inputs[0]!.shape).toEqual([null, 2048, 12]);
    expect(model.outputs[0]!.shape).toEqual([null, 5]);
    model.dispose();
  });

  it('the sane VGG head pools time only (7 × 512 features)', () => {
    const model = buildModel('vgg11bn', { numClasses: 5 });
    expect(countTrainableParams(model)).toBe(20_089_157 + (7 * 512 - 49) * 4096);
    model.dispose();
  });

  it('refuses unknown names and inputs too short for the strides', () => {
    expect(() => buildModel('resnet50', { numClasses: 5 })).toThrow(/unknown architecture/);
    expect(() => buildModel('alexnet', { numClasses: 5, inputLength: 100 })).toThrow(/at least 256/);
    expect(() => buildModel('resnet18', { numClasses: 0 })).toThrow(/numClasses/);
  });
});

describe('no tensor leaks: predict and a training step, every architecture (wasm, batch 2, 256 samples)', () => {
  beforeAll(async () => {
    await initBackend({ force: 'wasm' });
  });

  it.each([...architectureNames])('%s', async (name) => {
    const model = buildModel(name, { numClasses: 3, inputLength: 256 });
    const x = tf.randomNormal([2, 256, 12]);
    const y = tf.tensor2d([
      [1, 0, 1],
      [0, 1, 0],
    ]);
    const optimizer = new AdamW({ learningRate: 1e-3 });
    model.compile({ optimizer, loss: makeLoss('focal') });
    await model.trainOnBatch(x, y); // creates the optimiser's moment variables once

    const beforePredict = tf.memory().numTensors;
    const prediction = model.predict(x) as tf.Tensor;
    expect(prediction.shape).toEqual([2, 3]);
    expect(Array.from(prediction.dataSync()).every(Number.isFinite)).toBe(true);
    prediction.dispose();
    expect(tf.memory().numTensors).toBe(beforePredict);

    const loss = (await model.trainOnBatch(x, y)) as number;
    expect(Number.isFinite(loss)).toBe(true);
    expect(tf.memory().numTensors).toBe(beforePredict);

    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  });
});
