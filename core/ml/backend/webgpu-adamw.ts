import type * as tf from '@tensorflow/tfjs';
import { adamwKernelName, type AdamWUpdateAttrs } from '../optim/adamw-kernel';
import { ElementwiseProgram, float32, type WebgpuBackendLike, type WebgpuKernelArgs } from './webgpu-program';

/**
 * The fused AdamW update (optim/adamw-kernel.ts) on the webgpu backend. On a real GPU a training
 * step is bound by the number of dispatches, not by arithmetic: the GPU check on an H200 measured
 * a ResNet18-1D step at ~300 ms of wall time for 66 ms of GPU kernels over ~2,400 kernel calls
 * (docs/benchmarks.md). Built from ops the update is ~13 dispatches per variable; here it is three
 * (p′, m′ and v′: tfjs programs have one output each), every one reading p, m, v, g once.
 */

/** p′, m′, v′ — the same algebra as adamwUpdateInto, m̂/(√v̂ + ε) folded into stepSize and epsHat. */
const outputs = ['p', 'm', 'v'] as const;
const update = `
  let g = gradient[index];
  let m = uniforms.beta1 * moment1[index] + (1.0 - uniforms.beta1) * g;
  let v = uniforms.beta2 * moment2[index] + (1.0 - uniforms.beta2) * g * g;
  let p = param[index] * uniforms.decay - m / (sqrt(v) + uniforms.epsHat) * uniforms.stepSize;
`;

function webgpuAdamW({ inputs, backend, attrs }: WebgpuKernelArgs): tf.TensorInfo[] {
  const { param, m, v, grad } = inputs as unknown as { param: tf.TensorInfo; m: tf.TensorInfo; v: tf.TensorInfo; grad: tf.TensorInfo };
  const a = attrs as unknown as AdamWUpdateAttrs;
  const gpu = backend as WebgpuBackendLike;
  const uniforms = [a.decay, a.beta1, a.beta2, a.stepSize, a.epsHat].map(float32);
  return outputs.map((output) => {
    const program = new ElementwiseProgram(`einthovenAdamW_${output}`, ['param', 'moment1', 'moment2', 'gradient'], 'decay : f32, beta1 : f32, beta2 : f32, stepSize : f32, epsHat : f32,', [...param.shape], `${update} setOutputAtIndex(index, ${output});`);
    return gpu.runWebGPUProgram(program, [param, m, v, grad], 'float32', uniforms);
  });
}

/** The kernel this module adds to webgpu (registered by webgpu-kernels.ts). */
export const webgpuAdamWKernels: tf.KernelConfig[] = [{ kernelName: adamwKernelName, backendName: 'webgpu', kernelFunc: webgpuAdamW as unknown as tf.KernelFunc }];
