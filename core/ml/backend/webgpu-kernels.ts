import * as tf from '@tensorflow/tfjs';
import { wrapTensorInfo } from './tensor-wrap';
import { webgpuAdamWKernels } from './webgpu-adamw';
import { webgpuBatchNormKernels } from './webgpu-batch-norm';
import { webgpuGruKernels } from './webgpu-gru';
import { webgpuLstmKernels } from './webgpu-lstm';
import { tiledConvBackpropFilter } from './webgpu-conv-backprop-filter';

/** Kernels this module replaces on the webgpu backend. */
export const webgpuKernels = ['Conv2DBackpropFilter', 'BatchMatMul', '_FusedMatMul'] as const;

type KernelArgs = { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown };

/**
 * tfjs-backend-webgpu 4.22 picks its split-K matMul shader for a single product with a long
 * inner dimension (≥ 2000) and few output tiles, and that shader reads a transposed B operand
 * four values along the wrong axis: dH = dA·W1ᵀ of a transformer's feed-forward block (inner
 * 2048) came out 10–150 % wrong. Such a B is transposed explicitly first; every other product
 * goes to the stock kernel untouched.
 */
export function splitKSafeMatMul(original: tf.KernelConfig): tf.KernelConfig {
  const stock = original.kernelFunc;
  const kernelFunc = (args: KernelArgs) => {
    const attrs = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const batches = (t: tf.TensorInfo) => t.shape.slice(0, -2).reduce((x, y) => x * y, 1);
    const inner = b.shape[b.shape.length - 1]!;
    if (!attrs.transposeB || Math.max(batches(a), batches(b)) !== 1 || inner < 2000) return stock(args as Parameters<tf.KernelFunc>[0]);
    const bTensor = wrapTensorInfo(b);
    const rank = b.shape.length;
    const bPlain = tf.transpose(bTensor, [...Array(rank - 2).keys(), rank - 1, rank - 2]);
    try {
      return stock({ ...args, inputs: { ...args.inputs, b: bPlain }, attrs: { ...args.attrs, transposeB: false } } as Parameters<tf.KernelFunc>[0]);
    } finally {
      tf.dispose([bTensor, bPlain]);
    }
  };
  return { ...original, kernelFunc: kernelFunc as tf.KernelFunc };
}

let registered = false;
const stock = new Map<string, tf.KernelFunc>();

/**
 * Replaces stock webgpu kernels with ours: the tiled Conv2DBackpropFilter
 * (webgpu-conv-backprop-filter.ts) and the split-K-safe (Fused)BatchMatMul, and adds the fused
 * AdamW update (webgpu-adamw.ts), training-mode batch norm (webgpu-batch-norm.ts) and the GRU and
 * LSTM steps (webgpu-gru.ts, webgpu-lstm.ts). Runs after
 * @tensorflow/tfjs-backend-webgpu is imported; idempotent.
 */
export function registerWebgpuKernels(): void {
  if (registered) return;
  const filter = tf.getKernel('Conv2DBackpropFilter', 'webgpu');
  if (filter) {
    stock.set('Conv2DBackpropFilter', filter.kernelFunc);
    tf.unregisterKernel('Conv2DBackpropFilter', 'webgpu');
    tf.registerKernel({ ...filter, kernelFunc: tiledConvBackpropFilter(filter.kernelFunc) });
  }
  for (const name of ['BatchMatMul', '_FusedMatMul'] as const) {
    const original = tf.getKernel(name, 'webgpu');
    if (!original) continue;
    stock.set(name, original.kernelFunc);
    tf.unregisterKernel(name, 'webgpu');
    tf.registerKernel(splitKSafeMatMul(original));
  }
  for (const config of [...webgpuAdamWKernels, ...webgpuBatchNormKernels, ...webgpuGruKernels, ...webgpuLstmKernels]) tf.registerKernel(config);
  registered = true;
}

/** The stock kernel a replacement wraps, for tests and benches that compare ours against it. */
export function stockWebgpuKernel(name: (typeof webgpuKernels)[number]): tf.KernelFunc | undefined {
  return stock.get(name);
}
