import * as tf from '@tensorflow/tfjs';
import type { Initializer } from '@tensorflow/tfjs-layers/dist/initializers';

/**
 * Initialisers of the paper code (`utils.init_weights`, paper-spec §4 Init), expressed
 * with tfjs's serialisable built-ins so saved models reload without custom classes.
 */

let drawing = true;

/**
 * Runs `build` (which builds a model) with no initial weights drawn: the paper's random-normal
 * initialisers created inside it fill zeros instead. Only for a model whose every weight is set
 * right after — a package being loaded, a template whose layer order is read: tfjs draws normal
 * figures one by one in JavaScript (about 4 s for VGG11-bn's 35 million weights on CI's machine),
 * all of them overwritten at once. The initialisers keep their kind and parameters, so the model's
 * topology (saved in packages) is the same; each still takes the one `Math.random()` a draw takes
 * for its seed, so a seeded run's later figures (dropout masks) are those they were.
 */
export function withoutInitialDraws<T>(build: () => T): T {
  const before = drawing;
  drawing = false;
  try {
    return build();
  } finally {
    drawing = before;
  }
}

/**
 * A tfjs random-normal initialiser; zeros when made inside withoutInitialDraws, filled by the
 * backend itself: tfjs's zeros initialiser makes them as a JavaScript array and copies that into
 * the backend (wasm: about 0.2 s of CPU per 64 MB, so half a second of every VGG11-bn load), where
 * the backend's fill writes its own memory.
 */
function randomNormal(stddev: number): Initializer {
  const init = tf.initializers.randomNormal({ mean: 0, stddev });
  if (!drawing) {
    init.apply = (shape, dtype) => {
      Math.random(); // tfjs's draw seeds its generator with one Math.random(): the stream stays where it was
      return tf.fill(shape as number[], 0, dtype); // a weight's shape has no unknown (null) dimension
    };
  }
  return init;
}

/** Conv1d: kaiming_normal(mode='fan_out', nonlinearity='relu') → N(0, 2 / (cout·k)). */
export function kaimingFanOut(filters: number, kernelSize: number): Initializer {
  return randomNormal(Math.sqrt(2 / (filters * kernelSize)));
}

/** Linear (also the transformer's feed-forward): N(0, 0.01). */
export function linearNormal(): Initializer {
  return randomNormal(0.01);
}

/** torch kaiming_normal_ defaults (fan_in, gain √2): fastai's init_cnn, used by xresnet1d for conv and linear. */
export function kaimingFanIn(fanIn: number): Initializer {
  return randomNormal(Math.sqrt(2 / fanIn));
}
