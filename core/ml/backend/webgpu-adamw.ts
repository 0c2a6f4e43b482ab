import * as tf from '@tensorflow/tfjs';
import { adamwKernelName, type AdamWUpdateAttrs } from '../optim/adamw-kernel';

/**
 * The fused AdamW update (optim/adamw-kernel.ts) on the webgpu backend. On a real GPU a training
 * step is bound by the number of dispatches, not by arithmetic: the GPU check on an H200 measured
 * a ResNet18-1D step at ~300 ms of wall time for 66 ms of GPU kernels over ~2,400 dispatches
 * (docs/benchmarks.md). Built from ops the update is ~13 dispatches per variable; here it is three
 * (p′, m′ and v′: tfjs programs have one output each), every one reading p, m, v, g once.
 */

type Output = 0 | 1 | 2;

/** A program in the shape tfjs-backend-webgpu's runWebGPUProgram expects (as ConvBackpropFilterTiledProgram). */
class AdamWProgram {
  readonly variableNames = ['param', 'moment1', 'moment2', 'gradient'];
  readonly uniforms = 'decay : f32, beta1 : f32, beta2 : f32, stepSize : f32, epsHat : f32,';
  readonly workgroupSize: [number, number, number] = [128, 1, 1];
  readonly size = true;
  readonly outputShape: number[];
  readonly dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  shaderKey: string;
  constructor(
    shape: readonly number[],
    private readonly output: Output,
  ) {
    this.outputShape = [...shape];
    this.dispatchLayout = { x: shape.map((_, i) => i) };
    // runWebGPUProgram folds a dispatch over the per-dimension limit into y and z.
    this.dispatch = [Math.ceil(tf.util.sizeFromShape([...shape]) / this.workgroupSize[0]), 1, 1];
    this.shaderKey = `einthovenAdamW${output}`;
  }
  getUserCode(): string {
    const value = ['p', 'm', 'v'][this.output];
    // Same algebra as adamwUpdateInto: m̂/(√v̂ + ε) folded into stepSize and epsHat.
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let g = gradient[index];
          let m = uniforms.beta1 * moment1[index] + (1.0 - uniforms.beta1) * g;
          let v = uniforms.beta2 * moment2[index] + (1.0 - uniforms.beta2) * g * g;
          let p = param[index] * uniforms.decay - m / (sqrt(v) + uniforms.epsHat) * uniforms.stepSize;
          setOutputAtIndex(index, ${value});
        }
      }
    `;
  }
}

interface WebgpuBackendLike {
  runWebGPUProgram(program: object, inputs: tf.TensorInfo[], dtype: tf.DataType, uniforms: { type: string; data: number[] }[]): tf.TensorInfo;
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown };

function webgpuAdamW({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const { param, m, v, grad } = inputs as unknown as { param: tf.TensorInfo; m: tf.TensorInfo; v: tf.TensorInfo; grad: tf.TensorInfo };
  const a = attrs as unknown as AdamWUpdateAttrs;
  const gpu = backend as WebgpuBackendLike;
  const uniforms = [a.decay, a.beta1, a.beta2, a.stepSize, a.epsHat].map((value) => ({ type: 'float32', data: [value] }));
  return ([0, 1, 2] as const).map((output) => gpu.runWebGPUProgram(new AdamWProgram(param.shape, output), [param, m, v, grad], 'float32', uniforms));
}

let registered = false;

/** Registers the fused update for webgpu (after @tensorflow/tfjs-backend-webgpu is imported). Idempotent. */
export function registerWebgpuAdamW(): void {
  if (registered) return;
  tf.registerKernel({ kernelName: adamwKernelName, backendName: 'webgpu', kernelFunc: webgpuAdamW as unknown as tf.KernelFunc });
  registered = true;
}
