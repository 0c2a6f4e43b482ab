import * as tf from '@tensorflow/tfjs';
import { wrapTensorInfo } from './tensor-wrap';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown };

/** Swaps the last two axes, the layout a transposed operand of a matMul needs. */
function swapLastTwo(info: tf.TensorInfo): tf.Tensor {
  const t = wrapTensorInfo(info);
  const rank = t.shape.length;
  const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
  const out = tf.transpose(t, perm);
  t.dispose();
  return out;
}

/**
 * Wraps wasm's (Fused)BatchMatMul so that transposeA/B are done by an explicit transpose:
 * the native kernel with a transposed operand is ~12× slower than transpose + plain matMul.
 */
export function explicitTransposeMatMul(original: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const attrs = args.attrs ?? {};
    const transposeA = attrs['transposeA'] === true;
    const transposeB = attrs['transposeB'] === true;
    const call = (inputs: tf.NamedTensorInfoMap) =>
      original.kernelFunc({ ...args, inputs, attrs: { ...attrs, transposeA: false, transposeB: false } } as Parameters<
        tf.KernelFunc
      >[0]);
    if (!transposeA && !transposeB) return original.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
    const a = transposeA ? swapLastTwo(args.inputs['a']!) : undefined;
    const b = transposeB ? swapLastTwo(args.inputs['b']!) : undefined;
    try {
      return call({ ...args.inputs, a: a ?? args.inputs['a']!, b: b ?? args.inputs['b']! });
    } finally {
      a?.dispose();
      b?.dispose();
    }
  };
  const config: tf.KernelConfig = {
    kernelName: original.kernelName,
    backendName: original.backendName,
    kernelFunc: kernelFunc as tf.KernelFunc,
  };
  // setupFunc binds the native function; without it: "wasmBatchMatMul is not a function".
  if (original.setupFunc) config.setupFunc = original.setupFunc;
  return config;
}
