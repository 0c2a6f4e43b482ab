import * as tf from '@tensorflow/tfjs';
import { explicitTransposeMatMul } from './batch-matmul';
import { conv2dBackpropFilterKernel } from './conv-backprop-filter';
import { conv2dBackpropInputKernel } from './conv-backprop-input';
import { fastReverseKernel, fastSliceKernel, fastUnpackKernel } from './fast-copy';
import { fastTransposeKernel } from './fast-transpose';
import { fastMaxPoolGradKernel } from './max-pool-grad';
import { ortBatchMatMulKernel, ortConv2DKernel, ortKernelsUnavailable } from './ort-kernels';

/** Kernels this module replaces or adds on the wasm backend. */
export const wasmTrainingKernels = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'BatchMatMul', '_FusedMatMul', 'Slice', 'Reverse', 'MaxPoolGrad', 'Transpose', 'Unpack', 'Conv2D'] as const;

let registered = false;

/**
 * Makes the wasm backend able to train convolutions, and faster at it (stack.md §1):
 * adds Conv2DBackpropFilter (missing), replaces the naive Conv2DBackpropInput with one
 * built on the XNNPACK conv2d, wraps (Fused)BatchMatMul so that no operand reaches the
 * native kernel transposed, and replaces Slice, Unpack, Transpose, single-axis Reverse and MaxPoolGrad,
 * whose wasm versions work element by element (Slice even copies the whole input out of the heap first);
 * where onnxruntime-node is installed, conv1d-shaped Conv2D and large BatchMatMuls run on its
 * AVX2/AVX-512 kernels (ort-kernels.ts).
 * Must run after the wasm backend module is imported; idempotent.
 */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  for (const name of ['Conv2DBackpropFilter', 'Conv2DBackpropInput'] as const) {
    if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
  }
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: conv2dBackpropFilterKernel as tf.KernelFunc,
  });
  tf.registerKernel({
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    kernelFunc: conv2dBackpropInputKernel as tf.KernelFunc,
  });
  for (const [name, fast] of [
    ['Slice', fastSliceKernel],
    ['Reverse', fastReverseKernel],
    ['MaxPoolGrad', fastMaxPoolGradKernel],
    ['Transpose', fastTransposeKernel],
    ['Unpack', fastUnpackKernel],
  ] as const) {
    const original = tf.getKernel(name, 'wasm');
    if (!original) continue;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(fast(original));
  }
  const onOrt = ortKernelsUnavailable() === undefined;
  for (const name of ['BatchMatMul', '_FusedMatMul'] as const) {
    const original = tf.getKernel(name, 'wasm');
    if (!original) continue;
    tf.unregisterKernel(name, 'wasm');
    const wrapped = explicitTransposeMatMul(original);
    tf.registerKernel(onOrt && name === 'BatchMatMul' ? ortBatchMatMulKernel(wrapped) : wrapped);
  }
  const conv = tf.getKernel('Conv2D', 'wasm');
  if (onOrt && conv) {
    tf.unregisterKernel('Conv2D', 'wasm');
    tf.registerKernel(ortConv2DKernel(conv));
  }
  registered = true;
}
