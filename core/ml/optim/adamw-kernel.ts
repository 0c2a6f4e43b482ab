import * as tf from '@tensorflow/tfjs';
import { activeBackendHas, runNamedKernelOutputs } from '../named-kernels';

/**
 * The whole AdamW update of one variable as one kernel: one pass reading p, m, v, g and writing
 * p', m', v'. Built from ops it is 13 full passes (and 10 temporaries) per variable; on the wasm
 * backend that was ~1 s per ResNet18 step on a loaded 2-core machine. Data-parallel workers run
 * the same loop on their shares of the shared weights (core/parallel/shared-update.ts). Values
 * are computed in double precision and rounded once, so they can differ from the op-by-op
 * float32 chain in the last bit.
 */
export const adamwKernelName = 'EinthovenAdamWUpdate';

export interface AdamWUpdateAttrs {
  /** 1 − lr·weightDecay (decoupled decay). */
  readonly decay: number;
  readonly beta1: number;
  readonly beta2: number;
  /** lr·√(1−β2ᵗ)/(1−β1ᵗ). */
  readonly stepSize: number;
  /** ε·√(1−β2ᵗ). */
  readonly epsHat: number;
}

type Floats = Float32Array;

export function adamwUpdateInto(p: Floats, m: Floats, v: Floats, g: Floats, outP: Floats, outM: Floats, outV: Floats, a: AdamWUpdateAttrs): void {
  const { decay, beta1, beta2, stepSize, epsHat } = a;
  const c1 = 1 - beta1;
  const c2 = 1 - beta2;
  for (let k = 0; k < p.length; k++) {
    const gk = g[k] as number;
    const mk = beta1 * (m[k] as number) + c1 * gk;
    const vk = beta2 * (v[k] as number) + c2 * gk * gk;
    outM[k] = mk;
    outV[k] = vk;
    outP[k] = (p[k] as number) * decay - (Math.fround(mk) / (Math.sqrt(Math.fround(vk)) + epsHat)) * stepSize;
  }
}

/** The wasm backend's heap access (BackendWasm is not exported as a type). */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

interface CpuBackend {
  data: { get(dataId: tf.DataId): { values: tf.backend_util.BackendValues } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

type Inputs = { param: tf.TensorInfo; m: tf.TensorInfo; v: tf.TensorInfo; grad: tf.TensorInfo };

function wasmKernel({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo[] {
  const { param, m, v, grad } = inputs as unknown as Inputs;
  const heap = backend as WasmHeapBackend;
  // Every output first: an allocation may grow the heap and detach views taken before it.
  const outs = [heap.makeOutput([...param.shape], 'float32'), heap.makeOutput([...param.shape], 'float32'), heap.makeOutput([...param.shape], 'float32')] as const;
  const view = (t: tf.TensorInfo) => heap.typedArrayFromHeap(t) as Float32Array;
  adamwUpdateInto(view(param), view(m), view(v), view(grad), view(outs[0]), view(outs[1]), view(outs[2]), attrs as unknown as AdamWUpdateAttrs);
  return [...outs];
}

function cpuKernel({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo[] {
  const { param, m, v, grad } = inputs as unknown as Inputs;
  const cpu = backend as CpuBackend;
  const values = (t: tf.TensorInfo) => cpu.data.get(t.dataId).values as Float32Array;
  const size = values(param).length;
  const [outP, outM, outV] = [new Float32Array(size), new Float32Array(size), new Float32Array(size)];
  adamwUpdateInto(values(param), values(m), values(v), values(grad), outP, outM, outV, attrs as unknown as AdamWUpdateAttrs);
  return [outP, outM, outV].map((out) => cpu.makeTensorInfo([...param.shape], 'float32', out));
}

let registered = false;

/** Registers the kernel for wasm and cpu (other backends keep the op-by-op update). Idempotent. */
export function registerAdamWKernels(): void {
  if (registered) return;
  tf.registerKernel({ kernelName: adamwKernelName, backendName: 'wasm', kernelFunc: wasmKernel as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: adamwKernelName, backendName: 'cpu', kernelFunc: cpuKernel as unknown as tf.KernelFunc });
  registered = true;
}

/** The fused update on the active backend, or undefined where it has no such kernel. */
export function fusedAdamWUpdate(param: tf.Tensor, m: tf.Tensor, v: tf.Tensor, grad: tf.Tensor, attrs: AdamWUpdateAttrs): [tf.Tensor, tf.Tensor, tf.Tensor] | undefined {
  registerAdamWKernels();
  if (grad.dtype !== 'float32' || !activeBackendHas({ adamwKernelName })) return undefined;
  const [p, mNext, vNext] = runNamedKernelOutputs(adamwKernelName, { param, m, v, grad }, { ...attrs });
  return [p!, mNext!, vNext!];
}
