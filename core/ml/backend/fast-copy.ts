import * as tf from '@tensorflow/tfjs';

/** The parts of the wasm backend this kernel uses (BackendWasm is not exported as a type). */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** A slice as a few axes: contiguous inner runs of `run` elements at `offsets` strides. */
export interface CollapsedSlice {
  base: number;
  /** Outer axes (outermost first): how many runs and the input stride between them. */
  counts: number[];
  strides: number[];
  run: number;
}

/**
 * Merges axes so that the innermost copy is as long as possible: an axis the slice covers
 * completely joins the axis outside it, and single-element outer axes only move the base offset.
 */
export function collapseSlice(shape: readonly number[], begin: readonly number[], size: readonly number[]): CollapsedSlice {
  const rank = shape.length;
  let base = 0;
  let stride = 1;
  let run = 1;
  let i = rank - 1;
  // Innermost group: axes covered completely, then one partial axis.
  for (; i >= 0; i--) {
    base += begin[i]! * stride;
    run *= size[i]!;
    const full = begin[i] === 0 && size[i] === shape[i];
    stride *= shape[i]!;
    if (!full) {
      i--;
      break;
    }
  }
  const counts: number[] = [];
  const strides: number[] = [];
  for (; i >= 0; i--) {
    base += begin[i]! * stride;
    if (size[i]! > 1) {
      counts.unshift(size[i]!);
      strides.unshift(stride);
    }
    stride *= shape[i]!;
  }
  return { base, counts, strides, run };
}

/** Copies the runs of a collapsed slice (or of a transpose that keeps the innermost axis); short runs by a loop, long ones by TypedArray.set. Input and output have the same dtype. */
export function copySlice(input: Float32Array | Int32Array | Uint8Array, output: Float32Array | Int32Array | Uint8Array, slice: CollapsedSlice): void {
  const { base, counts, strides, run } = slice;
  const outer = counts.reduce((a, b) => a * b, 1);
  const index = new Array<number>(counts.length).fill(0);
  let offset = base;
  let out = 0;
  for (let r = 0; r < outer; r++) {
    if (run >= 64) output.set(input.subarray(offset, offset + run), out);
    else for (let e = 0; e < run; e++) output[out + e] = input[offset + e]!;
    out += run;
    // Odometer over the outer axes.
    for (let a = counts.length - 1; a >= 0; a--) {
      index[a]! += 1;
      offset += strides[a]!;
      if (index[a]! < counts[a]!) break;
      offset -= strides[a]! * counts[a]!;
      index[a] = 0;
    }
  }
}

/**
 * Slice for the wasm backend. tfjs-backend-wasm's own copies the WHOLE input out of the heap
 * (readSync) and then copies one innermost row per `set` call; taking one filter tap out of a
 * large activation cost ~8 ms per million values. This reads the heap in place and copies
 * merged runs. Strings go to the original kernel.
 */
export function fastSliceKernel(original: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown }) => {
    const x = args.inputs['x']!;
    if (x.dtype === 'string') return original.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
    const attrs = args.attrs ?? {};
    const [begin, size] = tf.slice_util.parseSliceParams(x, attrs['begin'] as number[], attrs['size'] as number[]) as [
      number[],
      number[],
    ];
    const backend = args.backend as WasmHeapBackend;
    const out = backend.makeOutput(size, x.dtype);
    if (size.some((s) => s === 0)) return out;
    // Views are taken after makeOutput: growing the heap detaches older views.
    const input = backend.typedArrayFromHeap(x);
    const output = backend.typedArrayFromHeap(out);
    copySlice(input, output, collapseSlice(x.shape, begin, size));
    return out;
  };
  return { kernelName: original.kernelName, backendName: original.backendName, kernelFunc: kernelFunc as tf.KernelFunc };
}

/**
 * Reverse along ONE axis for the wasm backend, as runs of the inner axes copied in reverse
 * order (wasm's native kernel visits every element through generic index arithmetic). Several
 * axes, or strings, go to the original kernel, whose setupFunc is kept.
 */
export function fastReverseKernel(original: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown }) => {
    const x = args.inputs['x']!;
    const dims = args.attrs?.['dims'] as number | number[];
    const axes = x.shape.length === 0 ? [] : tf.util.parseAxisParam(dims, x.shape).filter((a) => x.shape[a]! > 1);
    if (x.dtype === 'string' || axes.length !== 1) return original.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
    const axis = axes[0]!;
    const backend = args.backend as WasmHeapBackend;
    const out = backend.makeOutput([...x.shape], x.dtype);
    const input = backend.typedArrayFromHeap(x);
    const output = backend.typedArrayFromHeap(out);
    const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
    const length = x.shape[axis]!;
    const inner = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    for (let o = 0; o < outer; o++) {
      const base = o * length * inner;
      for (let i = 0; i < length; i++) {
        const from = base + i * inner;
        const to = base + (length - 1 - i) * inner;
        if (inner >= 64) output.set(input.subarray(from, from + inner), to);
        else for (let e = 0; e < inner; e++) output[to + e] = input[from + e]!;
      }
    }
    return out;
  };
  const config: tf.KernelConfig = { kernelName: original.kernelName, backendName: original.backendName, kernelFunc: kernelFunc as tf.KernelFunc };
  if (original.setupFunc) config.setupFunc = original.setupFunc;
  return config;
}

/**
 * Unpack (tf.unstack) for the wasm backend: wasm's calls its own Slice once per output, which
 * copies the whole input out of the heap each time — T full copies to split T time steps.
 */
export function fastUnpackKernel(original: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown }) => {
    const value = args.inputs['value']!;
    if (value.dtype === 'string') return original.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
    const rank = value.shape.length;
    let axis = (args.attrs?.['axis'] as number | undefined) ?? 0;
    if (axis < 0) axis += rank;
    const backend = args.backend as WasmHeapBackend;
    const outShape = value.shape.filter((_, i) => i !== axis);
    const size = value.shape.map((s, i) => (i === axis ? 1 : s));
    const outs = Array.from({ length: value.shape[axis]! }, () => backend.makeOutput([...outShape], value.dtype));
    // Views after every makeOutput: growing the heap detaches older views.
    const input = backend.typedArrayFromHeap(value);
    outs.forEach((out, i) => {
      const begin = value.shape.map((_, a) => (a === axis ? i : 0));
      copySlice(input, backend.typedArrayFromHeap(out), collapseSlice(value.shape, begin, size));
    });
    return outs;
  };
  return { kernelName: original.kernelName, backendName: original.backendName, kernelFunc: kernelFunc as tf.KernelFunc };
}
