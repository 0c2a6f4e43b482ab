import * as tf from '@tensorflow/tfjs';
import { wrapTensorInfo } from './tensor-wrap';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown };

/** Swaps the last two axes, the layout a transposed operand of a matMul needs. */
function swapLastTwo(t: tf.Tensor): tf.Tensor {
  const rank = t.shape.length;
  return tf.transpose(t, [...Array(rank - 2).keys(), rank - 1, rank - 2]);
}

/** Elements over all batches. */
const sizeOf = (t: tf.TensorInfo) => t.shape.reduce((a, b) => a * b, 1);

/** Matrices in a product's batch (broadcast batch dimensions multiply out). */
function batchCount(a: tf.TensorInfo, b: tf.TensorInfo): number {
  const batches = (t: tf.TensorInfo) => t.shape.slice(0, -2).reduce((x, y) => x * y, 1);
  return Math.max(batches(a), batches(b));
}

/**
 * wasm's BatchMatMul runs XNNPACK only for a single matrix pair; batches (attention heads) go
 * to a scalar loop at ~1 GFLOP/s. This calls `call` once per pair — contiguous slices in, one
 * concat out — when one operand's batch broadcasts or both batches are equal; other broadcast
 * patterns keep the native path.
 */
function batchByBatch(a: tf.Tensor, b: tf.Tensor, call: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor): tf.Tensor {
  const [ba, bb] = [a.shape.slice(0, -2), b.shape.slice(0, -2)];
  const [na, nb] = [ba.reduce((x, y) => x * y, 1), bb.reduce((x, y) => x * y, 1)];
  const count = Math.max(na, nb);
  const simple = (na === nb && ba.join() === bb.join()) || na === 1 || nb === 1;
  if (count <= 1 || !simple) return call(a, b);
  const [m, k] = a.shape.slice(-2) as [number, number];
  const n = b.shape[b.rank - 1]!;
  const a3 = tf.reshape(a, [na, m, k]);
  const b3 = tf.reshape(b, [nb, k, n]);
  const pick = (t: tf.Tensor, total: number, i: number, rows: number, cols: number) =>
    total === 1 ? t : tf.slice(t, [i, 0, 0], [1, rows, cols]);
  const parts = Array.from({ length: count }, (_, i) => call(pick(a3, na, i, m, k), pick(b3, nb, i, k, n)));
  const batchShape = na >= nb ? ba : bb;
  return tf.reshape(tf.concat(parts, 0), [...batchShape, m, n]);
}

/** Compute C = op(A)·op(B) as it stands, or as (op(B)ᵀ·op(A)ᵀ)ᵀ: plain products only, either way. */
export type TransposePlan = 'operands' | 'result';

/**
 * Estimated cost (ns) of a plain XNNPACK product [m, k]·[k, n] on wasm, measured on the
 * development machine: ~30 GFLOP/s, ~18 when a narrow A meets a wide, deep B; the B operand is
 * re-packed on every call (~6 ns per value, as gradients and updated weights are new tensors);
 * an explicit transpose costs ~8 ns per value.
 */
function productCost(m: number, k: number, n: number, batches: number, transposed: number): number {
  const slow = m < n / 2 && k >= 1024 && n >= 1024;
  return (batches * 2 * m * k * n) / (slow ? 18 : 30) + 6 * batches * k * n + 8 * transposed;
}

/**
 * A·B with transposed operands can always be had with plain products (XNNPACK's only fast
 * path on wasm): transpose the flagged operands, or use (op(A)·op(B))ᵀ = op(B)ᵀ·op(A)ᵀ, which
 * transposes the *other* operands and the result instead. Picks the cheaper by productCost:
 * dy·Wᵀ for a 4096 × 4096 dense kernel thus transposes dy and a [4096 × batch] result, not the
 * 16.7 M-value kernel; xᵀ·dy for a transformer's feed-forward puts the wide operand first.
 */
export function transposePlan(a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean): TransposePlan {
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const batches = Math.max(sizeOf(a) / (ar * ac), sizeOf(b) / (br * bc));
  const [m, k] = transposeA ? [ac, ar] : [ar, ac];
  const n = transposeB ? br : bc;
  const operands = productCost(m, k, n, batches, (transposeA ? sizeOf(a) : 0) + (transposeB ? sizeOf(b) : 0));
  const result = productCost(n, k, m, batches, (transposeA ? 0 : sizeOf(a)) + (transposeB ? 0 : sizeOf(b)) + batches * m * n);
  return result < operands ? 'result' : 'operands';
}

/**
 * Wraps wasm's (Fused)BatchMatMul so that no call reaches the native kernel with a transposed
 * operand: those run ~6–40× slower than transpose + plain product (stack.md §1); plain products
 * too may be turned around when transposePlan finds that cheaper. The fused kernel (bias,
 * activation along the result's last axis) only uses the operand plan.
 */
export function explicitTransposeMatMul(original: tf.KernelConfig): tf.KernelConfig {
  const fused = original.kernelName === '_FusedMatMul';
  const kernelFunc = (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const attrs = args.attrs ?? {};
    const transposeA = attrs['transposeA'] === true;
    const transposeB = attrs['transposeB'] === true;
    const batched = batchCount(args.inputs['a']!, args.inputs['b']!) > 1;
    if (fused && !transposeA && !transposeB) return original.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
    if (!batched && !transposeA && !transposeB && transposePlan(args.inputs['a']!, args.inputs['b']!, false, false) === 'operands') {
      return original.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
    }
    /** A product with no transposed operand; batches one XNNPACK call at a time. */
    const plain = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => {
      const call = (x: tf.Tensor, y: tf.Tensor) =>
        tf.engine().makeTensorFromTensorInfo(
          original.kernelFunc({ ...args, inputs: { ...args.inputs, a: x, b: y }, attrs: { ...attrs, transposeA: false, transposeB: false } } as Parameters<
            tf.KernelFunc
          >[0]) as tf.TensorInfo,
        );
      return fused ? call(a, b) : batchByBatch(a, b, call);
    };
    const a = wrapTensorInfo(args.inputs['a']!);
    const b = wrapTensorInfo(args.inputs['b']!);
    try {
      if (fused || transposePlan(a, b, transposeA, transposeB) === 'operands') {
        return tf.tidy(() => plain(transposeA ? swapLastTwo(a) : a, transposeB ? swapLastTwo(b) : b));
      }
      // op(A)·op(B) = (op(B)ᵀ · op(A)ᵀ)ᵀ, where op(X)ᵀ is X itself when X was flagged.
      return tf.tidy(() => swapLastTwo(plain(transposeB ? b : swapLastTwo(b), transposeA ? a : swapLastTwo(a))));
    } finally {
      a.dispose();
      b.dispose();
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
