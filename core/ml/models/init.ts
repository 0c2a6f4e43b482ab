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

/** torch kaiming_normal_ defaults (fan_in, gain √2): fastai's init_cnn, used by xresnet1d for conv and linear. */
export function kaimingFanIn(fanIn: number): Initializer {
  return tf.initializers.randomNormal({ mean: 0, stddev: Math.sqrt(2 / fanIn) });
}
