import type * as tf from '@tensorflow/tfjs';
import { copySlice } from './fast-copy';

/** The parts of the wasm backend this kernel uses (BackendWasm is not exported as a type). */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** A permutation after merging input axes that stay adjacent and dropping size-1 axes. */
export function collapsePermutation(shape: readonly number[], perm: readonly number[]): { shape: number[]; perm: number[] } {
  const kept = perm.filter((a) => shape[a]! > 1);
  const groups: number[][] = [];
  for (const axis of kept) {
    const last = groups[groups.length - 1];
    if (last && last[last.length - 1]! + 1 === axis) last.push(axis);
    else groups.push([axis]);
  }
  // Number the merged axes in input order.
  const order = [...groups].sort((a, b) => a[0]! - b[0]!);
  return {
    shape: order.map((g) => g.reduce((n, a) => n * shape[a]!, 1)),
    perm: groups.map((g) => order.indexOf(g)),
  };
}

/** out[j, i] = in[i, j] for each of `batch` [rows, cols] matrices, in 32 × 32 tiles (cache-friendly). */
function transposeTiles(input: ArrayLike<number>, output: { [i: number]: number }, batch: number, rows: number, cols: number): void {
  const tile = 32;
  for (let b = 0; b < batch; b++) {
    const base = b * rows * cols;
    for (let i0 = 0; i0 < rows; i0 += tile) {
      const i1 = Math.min(rows, i0 + tile);
      for (let j0 = 0; j0 < cols; j0 += tile) {
        const j1 = Math.min(cols, j0 + tile);
        for (let i = i0; i < i1; i++) {
          const from = base + i * cols;
          for (let j = j0; j < j1; j++) output[base + j * rows + i] = input[from + j]!;
        }
      }
    }
  }
}

/** Copies when the innermost axis stays innermost: contiguous runs visited in output order. */
function copyRuns(input: Float32Array | Int32Array | Uint8Array, output: Float32Array | Int32Array | Uint8Array, shape: number[], perm: number[]): void {
  const rank = shape.length;
  const inStrides = new Array<number>(rank);
  inStrides[rank - 1] = 1;
  for (let a = rank - 2; a >= 0; a--) inStrides[a] = inStrides[a + 1]! * shape[a + 1]!;
  // The runs are visited in output order: the outer axes in permuted order, with their input strides.
  copySlice(input, output, { base: 0, counts: perm.slice(0, -1).map((a) => shape[a]!), strides: perm.slice(0, -1).map((a) => inStrides[a]!), run: shape[rank - 1]! });
}

/**
 * Transpose for the wasm backend. Once adjacent axes are merged, nearly every permutation the
 * engine makes is either "innermost axis stays" (contiguous runs, e.g. splitting attention
 * heads) or a batch of 2-D transposes (weights, im2col phases), done here in cache-sized tiles;
 * wasm's kernel walks the output element by element with generic index arithmetic (~15 ns per
 * value for a 4096 × 4096 matrix). Anything else goes to the original kernel.
 */
export function fastTransposeKernel(original: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown }) => {
    const x = args.inputs['x']!;
    const perm = args.attrs?.['perm'] as number[];
    if (x.dtype === 'string') return original.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
    const collapsed = collapsePermutation(x.shape, perm);
    const rank = collapsed.perm.length;
    const identity = collapsed.perm.every((a, i) => a === i);
    const runs = rank > 0 && collapsed.perm[rank - 1] === rank - 1;
    const [rows, cols] = collapsed.shape.slice(-2) as [number, number];
    // Tiles beat wasm's loop on large matrices only (measured: 4096², 2048 × 512; not 32768 × 128).
    const batched2d =
      rank >= 2 &&
      rows >= 256 &&
      cols >= 256 &&
      collapsed.perm[rank - 1] === rank - 2 &&
      collapsed.perm[rank - 2] === rank - 1 &&
      collapsed.perm.slice(0, -2).every((a, i) => a === i);
    if (!identity && !runs && !batched2d) return original.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
    const backend = args.backend as WasmHeapBackend;
    const out = backend.makeOutput(perm.map((a) => x.shape[a]!), x.dtype);
    // Views after makeOutput: growing the heap detaches older views.
    const input = backend.typedArrayFromHeap(x);
    const output = backend.typedArrayFromHeap(out);
    if (identity) output.set(input);
    else if (runs) copyRuns(input, output, collapsed.shape, collapsed.perm);
    else transposeTiles(input, output, input.length / (rows * cols), rows, cols);
    return out;
  };
  const config: tf.KernelConfig = { kernelName: original.kernelName, backendName: original.backendName, kernelFunc: kernelFunc as tf.KernelFunc };
  if (original.setupFunc) config.setupFunc = original.setupFunc;
  return config;
}
