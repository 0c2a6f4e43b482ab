import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { encodeModel, onnxOpset, type OnnxNode, type OnnxValue } from '../onnx/proto';
import { onnxDisabledReason } from '../onnx/setting';

/**
 * The wasm backend's two heaviest training kernels — Conv2D for conv1d shapes (the forward
 * convs, and the input gradients, which conv-backprop-input*.ts build on Conv2D) and large
 * BatchMatMuls (the filter gradients, conv-backprop-filter.ts, and dense layers) — run on
 * onnxruntime's MLAS kernels when the optional onnxruntime-node is installed. tfjs-backend-wasm's
 * XNNPACK build is 128-bit SIMD without FMA (~28 GFLOP/s here); MLAS uses the CPU's AVX2/AVX-512
 * FMA (docs/benchmarks.md, "Training kernels on onnxruntime"). Everything else — batch norm,
 * pools, activations, the optimiser, autodiff — stays tfjs on wasm; the data never leaves the
 * process.
 *
 * tfjs kernels are synchronous, and onnxruntime-node's public InferenceSession.run is a promise
 * around a synchronous native call: we call that native session (its `dist/binding`) directly.
 * One small single-operator model per shape is built on first use and kept. Inputs are passed
 * as views of the wasm heap (the call is synchronous, so the heap cannot grow under it); the
 * output is copied into a new wasm tensor. Each session runs on its caller's thread, as the
 * wasm kernels do: data-parallel training's workers use one core each.
 */

interface NativeTensor {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

interface NativeSession {
  loadModel(buffer: ArrayBuffer, byteOffset: number, byteLength: number, options: object): void;
  run(feeds: Record<string, unknown>, fetches: Record<string, null>, options: object): Record<string, NativeTensor>;
}

interface Native {
  readonly Session: new () => NativeSession;
  readonly Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => unknown;
}

/** The parts of the wasm backend these kernels use (BackendWasm is not exported as a type). */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

let native: Native | null | undefined;
let nativeReason = '';

/** onnxruntime's synchronous native session, or null (with the reason) where it is absent or turned off. */
function loadNative(): Native | null {
  if (native !== undefined) return native;
  const disabled = onnxDisabledReason();
  if (disabled) {
    nativeReason = disabled;
    return (native = null);
  }
  try {
    const require = createRequire(import.meta.url);
    const { binding, initOrt } = require('onnxruntime-node/dist/binding') as { binding: { InferenceSession: Native['Session'] }; initOrt: () => void };
    const { Tensor } = require('onnxruntime-node') as { Tensor: Native['Tensor'] };
    initOrt();
    native = { Session: binding.InferenceSession, Tensor };
  } catch (error) {
    nativeReason = `onnxruntime-node is not installed (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
    native = null;
  }
  return native;
}

/** Why the training kernels run on XNNPACK instead, or undefined when they run on onnxruntime. */
export function ortKernelsUnavailable(): string | undefined {
  return loadNative() ? undefined : nativeReason;
}

const sessions = new Map<string, NativeSession>();
const maxSessions = 512;

/** How many single-operator models were built so far (one per shape): tests check that a path ran here. */
export function ortKernelSessionCount(): number {
  return sessions.size;
}

interface SingleOpModel {
  readonly nodes: OnnxNode[];
  readonly inputs: OnnxValue[];
  readonly outputs: OnnxValue[];
}

function sessionFor(key: string, build: () => SingleOpModel): NativeSession {
  const cached = sessions.get(key);
  if (cached) return cached;
  const ort = loadNative()!;
  const { nodes, inputs, outputs } = build();
  const bytes = encodeModel({ name: key, nodes, initializers: [], inputs, outputs }, onnxOpset);
  const session = new ort.Session();
  session.loadModel(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength, {
    // One thread, as tfjs's wasm kernels: cores are used by data-parallel workers, one each.
    // (Two intra-op threads on the engine's thread spin against each other and any other job
    // on a shared machine: a conv gradient took 3× longer at load 5.)
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
  });
  sessions.set(key, session);
  // Bounded: shapes come and go with models and batch sizes; a dropped session is freed by GC.
  if (sessions.size > maxSessions) sessions.delete(sessions.keys().next().value as string);
  return session;
}

/** Runs a session on heap views of the inputs; the output lands in a new wasm tensor. */
function runOnHeap(backend: WasmHeapBackend, session: NativeSession, feeds: Record<string, { info: tf.TensorInfo; dims: number[] }>, outShape: number[]): tf.TensorInfo {
  const ort = loadNative()!;
  const tensors = Object.fromEntries(Object.entries(feeds).map(([name, f]) => [name, new ort.Tensor('float32', backend.typedArrayFromHeap(f.info) as Float32Array, f.dims)]));
  const result = session.run(tensors, { y: null }, {}).y!;
  const out = backend.makeOutput(outShape, 'float32');
  (backend.typedArrayFromHeap(out) as Float32Array).set(result.data);
  return out;
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown };

interface Conv2DAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dilations: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

const pair = (v: [number, number] | number): [number, number] => (typeof v === 'number' ? [v, v] : v);

/**
 * conv1d as tfjs runs it (NHWC, height 1, filter [1, k, cin, cout]) on onnxruntime: the input is
 * transposed to [B, cin, W] and the filter to [cout, cin, k] inside the model, Conv, and back.
 */
function conv1dOnOrt(backend: WasmHeapBackend, x: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const { batchSize, inWidth, inChannels: cin, outWidth, outChannels: cout, filterWidth: k, strideWidth: s } = info;
  const { left, right } = info.padInfo;
  const key = `conv|${inWidth}|${cin}|${cout}|${k}|${s}|${left}|${right}`;
  const session = sessionFor(key, (): SingleOpModel => ({
    nodes: [
      { op: 'Transpose', inputs: ['x'], outputs: ['xc'], attributes: { perm: { ints: [0, 2, 1] } } },
      { op: 'Transpose', inputs: ['w'], outputs: ['wc'], attributes: { perm: { ints: [2, 1, 0] } } },
      { op: 'Conv', inputs: ['xc', 'wc'], outputs: ['yc'], attributes: { kernel_shape: { ints: [k] }, strides: { ints: [s] }, pads: { ints: [left, right] } } },
      { op: 'Transpose', inputs: ['yc'], outputs: ['y'], attributes: { perm: { ints: [0, 2, 1] } } },
    ],
    inputs: [
      { name: 'x', dims: [null, inWidth, cin] },
      { name: 'w', dims: [k, cin, cout] },
    ],
    outputs: [{ name: 'y', dims: [null, outWidth, cout] }],
  }));
  return runOnHeap(backend, session, { x: { info: x, dims: [batchSize, inWidth, cin] }, w: { info: filter, dims: [k, cin, cout] } }, [batchSize, 1, outWidth, cout]);
}

/** A conv onnxruntime takes: a conv1d (height 1 everywhere, no dilation) in NHWC with a positive out width. */
function conv1dInfo(x: tf.TensorInfo, filter: tf.TensorInfo, attrs: Conv2DAttrs): tf.backend_util.Conv2DInfo | undefined {
  if (attrs.dataFormat !== 'NHWC' || x.dtype !== 'float32' || pair(attrs.dilations).some((d) => d !== 1)) return undefined;
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filter.shape as [number, number, number, number], pair(attrs.strides), 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
  const { top, bottom, left, right } = info.padInfo;
  const flat = info.inHeight === 1 && info.filterHeight === 1 && info.strideHeight === 1 && top === 0 && bottom === 0;
  return flat && info.outWidth > 0 && left >= 0 && right >= 0 ? info : undefined;
}

/** FLOPs under which a product stays on XNNPACK: onnxruntime's call costs tens of microseconds. */
const minimumFlops = 4e6;

/** Conv2D on onnxruntime for conv1d shapes, the original kernel for the rest. */
export function ortConv2DKernel(original: tf.KernelConfig): tf.KernelConfig {
  return {
    ...original,
    kernelFunc: (args) => {
      const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
      const info = conv1dInfo(x, filter, args.attrs as unknown as Conv2DAttrs);
      if (!info || 2 * info.batchSize * info.outWidth * info.inChannels * info.outChannels * info.filterWidth < minimumFlops) return original.kernelFunc(args);
      return conv1dOnOrt(args.backend as WasmHeapBackend, x, filter, info);
    },
  };
}

/**
 * BatchMatMul on onnxruntime for a large product: a plain matrix pair as one Gemm (with its
 * transpose flags), equal batches as MatMul after explicit transposes inside the model.
 */
export function ortBatchMatMulKernel(original: tf.KernelConfig): tf.KernelConfig {
  return {
    ...original,
    kernelFunc: (args: KernelArgs) => {
      const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
      if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length !== b.shape.length || a.shape.slice(0, -2).join() !== b.shape.slice(0, -2).join()) {
        return original.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
      }
      const rank = a.shape.length;
      const batch = a.shape.slice(0, -2);
      const [ar, ac] = a.shape.slice(-2) as [number, number];
      const [br, bc] = b.shape.slice(-2) as [number, number];
      const [m, k] = transposeA ? [ac, ar] : [ar, ac];
      const n = transposeB ? br : bc;
      const count = batch.reduce((x, y) => x * y, 1);
      if (2 * count * m * k * n < minimumFlops) return original.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
      const key = `mm|${a.shape.join('x')}|${b.shape.join('x')}|${transposeA}|${transposeB}`;
      const swap = [...Array(rank - 2).keys(), rank - 1, rank - 2];
      const session = sessionFor(key, () => {
        const nodes: OnnxNode[] = [];
        if (rank === 2) {
          nodes.push({ op: 'Gemm', inputs: ['a', 'b'], outputs: ['y'], attributes: { transA: { int: transposeA ? 1 : 0 }, transB: { int: transposeB ? 1 : 0 } } });
        } else {
          if (transposeA) nodes.push({ op: 'Transpose', inputs: ['a'], outputs: ['at'], attributes: { perm: { ints: swap } } });
          if (transposeB) nodes.push({ op: 'Transpose', inputs: ['b'], outputs: ['bt'], attributes: { perm: { ints: swap } } });
          nodes.push({ op: 'MatMul', inputs: [transposeA ? 'at' : 'a', transposeB ? 'bt' : 'b'], outputs: ['y'] });
        }
        return {
          nodes,
          inputs: [
            { name: 'a', dims: [...a.shape] },
            { name: 'b', dims: [...b.shape] },
          ],
          outputs: [{ name: 'y', dims: [...batch, m, n] }],
        };
      });
      return runOnHeap(args.backend as WasmHeapBackend, session, { a: { info: a, dims: [...a.shape] }, b: { info: b, dims: [...b.shape] } }, [...batch, m, n]);
    },
  };
}
