import * as tf from '@tensorflow/tfjs';

/**
 * Turns a kernel's input TensorInfo into a Tensor we may dispose. The engine does not
 * take a backend reference for the new Tensor, so without incRef disposing the wrapper
 * would free the caller's buffer (stack.md §1: "Maximum call stack size exceeded").
 */
export function wrapTensorInfo(info: tf.TensorInfo): tf.Tensor {
  const engine = tf.engine();
  const tensor = engine.makeTensorFromTensorInfo(info);
  engine.backend.incRef(info.dataId);
  return tensor;
}

/** Normalises a stride attribute to [height, width]. */
export function pairOf(value: [number, number] | number): [number, number] {
  return typeof value === 'number' ? [value, value] : value;
}
