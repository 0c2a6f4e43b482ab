import * as tf from '@tensorflow/tfjs';

/**
 * Kernels of our own that only some backends register (fused AdamW, batch norm, RNN cells): the
 * callers look them up on the active backend and fall back to tf ops where they are missing.
 */

/** Whether the active backend registers every kernel named. */
export function activeBackendHas(names: Record<string, string>): boolean {
  const backend = tf.getBackend();
  return Object.values(names).every((name) => tf.getKernel(name, backend) !== undefined);
}

const runKernel = (name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, number>) =>
  tf.engine().runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap);

/** Runs a kernel of one output by name on the active backend. */
export function runNamedKernel(name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, number> = {}): tf.Tensor {
  return runKernel(name, inputs, attrs) as tf.Tensor;
}

/** Runs a kernel of several outputs by name on the active backend. */
export function runNamedKernelOutputs(name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, number> = {}): tf.Tensor[] {
  return runKernel(name, inputs, attrs) as tf.Tensor[];
}
