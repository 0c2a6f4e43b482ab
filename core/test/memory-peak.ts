import * as tf from '@tensorflow/tfjs';
import { makeLoss } from '../ml/loss/losses';
import { adamWGroup, trainableVariables, trainStep } from '../train/step';

/**
 * Runs `run` while recording the highest `tf.memory().numBytes` any allocation reached: the
 * engine's byte counter is replaced by an accessor for the duration, so the peak inside a
 * step's tidy (every forward output and backward gradient alive at once) is seen, not only the
 * count before and after.
 */
export async function peakNumBytes(run: () => Promise<void>): Promise<number> {
  const state = tf.engine().state;
  let current = state.numBytes;
  let peak = current;
  Object.defineProperty(state, 'numBytes', {
    configurable: true,
    get: () => current,
    set: (value: number) => {
      current = value;
      peak = Math.max(peak, value);
    },
  });
  try {
    await run();
  } finally {
    delete (state as { numBytes?: number }).numBytes;
    state.numBytes = current;
  }
  return peak;
}

/**
 * The peak tensor bytes of one real training step of `model` (the engine's trainStep: forward,
 * focal loss, backward, AdamW) at `batch` rows of random signals, measured on a second step so
 * the optimizer's moments exist as they do for the rest of a run.
 */
export async function measureTrainingStepPeak(model: tf.LayersModel, batch: number, classes: number): Promise<number> {
  const [length, leads] = [model.inputs[0]?.shape[1] ?? 1, model.inputs[0]?.shape[2] ?? 12];
  const x = tf.randomNormal([batch, length, leads]);
  const y = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([batch, classes]), 0.5), 'float32'));
  const groups = [adamWGroup(trainableVariables(model), 1e-3, 0.01)];
  const loss = makeLoss('focal');
  try {
    await trainStep(model, groups, loss, x, y, 1);
    return await peakNumBytes(async () => {
      await trainStep(model, groups, loss, x, y, 2);
    });
  } finally {
    tf.dispose([x, y]);
    for (const g of groups) g.optimizer.dispose();
  }
}
