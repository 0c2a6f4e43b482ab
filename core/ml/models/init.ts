import * as tf from '@tensorflow/tfjs';
import type { Initializer } from '@tensorflow/tfjs-layers/dist/initializers';

/**
 * Initialisers of the paper code (`utils.init_weights`, paper-spec §4 Init), expressed
 * with tfjs's serialisable built-ins so saved models reload without custom classes.
 */

/** Conv1d: kaiming_normal(mode='fan_out', nonlinearity='relu') → N(0, 2 / (cout·k)). */
export function kaimingFanOut(filters: number, kernelSize: number): Initializer {
  return tf.initializers.randomNormal({ mean: 0, stddev: Math.sqrt(2 / (filters * kernelSize)) });
}

/** Linear (also the transformer's feed-forward): N(0, 0.01). */
export function linearNormal(): Initializer {
  return tf.initializers.randomNormal({ mean: 0, stddev: 0.01 });
}

/** Attention projections and RNN input weights: xavier_uniform. */
export function xavierUniform(): Initializer {
  return tf.initializers.glorotUniform({});
}

/** BatchNorm as torch: eps 1e-5, momentum 0.1 (tfjs counts momentum the other way). */
export const torchBatchNorm = { epsilon: 1e-5, momentum: 0.9 } as const;
