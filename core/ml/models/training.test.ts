import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init';
import { makeLoss } from '../loss/losses';
import { AdamW } from '../optim/adamw';
import { architectureNames, buildModel } from './registry';

/** Short inputs keep the suite fast; each is the shortest that exercises every stride and pool. */
const lengthOf: Record<string, number> = { alexnet: 256, vgg11bn: 224, transformer: 32 };

/**
 * Whether every value is finite, read in place: AlexNet's and VGG's gradients hold 24 and 35
 * million values, and copying them into a JavaScript array first (Array.from) took 14 of the
 * file's seconds.
 */
function allFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

describe('every architecture trains on wasm without leaking tensors (batch 2)', () => {
  beforeAll(async () => {
    await initBackend({ force: 'wasm' });
  });

  it.each([...architectureNames])('%s: predict and training steps return tf.memory() to its start', async (name) => {
    const length = lengthOf[name] ?? 64;
    const model = buildModel(name, { numClasses: 3, inputLength: length });
    const x = tf.randomNormal([2, length, 12]);
    const y = tf.tensor2d([
      [1, 0, 1],
      [0, 1, 0],
    ]);
    const optimizer = new AdamW({ learningRate: 1e-3 });
    model.compile({ optimizer, loss: makeLoss('focal') });
    await model.trainOnBatch(x, y); // creates the optimiser's moment variables once

    const start = tf.memory().numTensors;
    const prediction = model.predict(x) as tf.Tensor;
    expect(prediction.shape).toEqual([2, 3]);
    expect(allFinite(prediction.dataSync())).toBe(true);
    prediction.dispose();
    expect(tf.memory().numTensors).toBe(start);

    const loss = (await model.trainOnBatch(x, y)) as number;
    expect(Number.isFinite(loss)).toBe(true);
    expect(tf.memory().numTensors).toBe(start);

    // The engine's own training step (core/train/step.ts) goes through variableGrads instead of fit.
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => makeLoss('focal')(y, model.apply(x, { training: true }) as tf.Tensor), variables);
      expect(Object.values(grads).every((g) => allFinite(g.dataSync()))).toBe(true);
      optimizer.applyGradients(grads);
    });
    expect(tf.memory().numTensors).toBe(start);

    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  });
});
