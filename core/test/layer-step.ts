import * as tf from '@tensorflow/tfjs';

/**
 * One training step of a layer alone (forward in training mode, gradients of Σ y for its trainable
 * weights) on the active backend, run three times: the second's change in live tensors (after a
 * first step has built whatever the layer keeps) and the kernels the third ran, by name.
 */
export async function layerTrainingStep(layer: tf.layers.Layer, x: tf.Tensor): Promise<{ leaked: number; kernels: Set<string> }> {
  layer.build(x.shape);
  const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const step = () => {
    const { value, grads } = tf.variableGrads(() => tf.sum(layer.apply(x, { training: true }) as tf.Tensor), weights);
    tf.dispose([value, ...Object.values(grads)]);
  };
  step();
  const live = tf.memory().numTensors;
  step();
  const leaked = tf.memory().numTensors - live;
  const info = await tf.profile(step);
  return { leaked, kernels: new Set(info.kernels.map((k) => k.name)) };
}
