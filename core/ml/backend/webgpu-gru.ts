import type * as tf from '@tensorflow/tfjs';
import { gruKernels } from '../models/layers/gru-kernels';
import { ElementwiseProgram, int32, type WebgpuBackendLike, type WebgpuKernelArgs } from './webgpu-program';

/**
 * The fused GRU step (models/layers/gru-kernels.ts) on webgpu: one element-wise program per output,
 * each thread recomputing its unit's gates from xp, hp, b_hh and h (a dozen flops against a
 * kernel call's ~95 µs of host time on the H200; docs/benchmarks.md).
 */

/** WGSL computing r, z, n, h and the pre-activation h_n + b_n of batch row `b`, unit `u`. */
const gates = `
  let H = uniforms.units;
  let row = b * 3 * H;
  let hr = hps[row + u] + biases[u];
  let hz = hps[row + H + u] + biases[H + u];
  let hn = hps[row + 2 * H + u] + biases[2 * H + u];
  let r = 1.0 / (1.0 + exp(-(xps[row + u] + hr)));
  let z = 1.0 / (1.0 + exp(-(xps[row + H + u] + hz)));
  let n = tanh(xps[row + 2 * H + u] + r * hn);
  let hPrev = hs[b * H + u];
`;

/** Gate gradients from dy: the pre-activation gradients of r, z and n. */
const gateGradients = `
  let g = dys[b * H + u];
  let dan = g * (1.0 - z) * (1.0 - n * n);
  let dar = dan * hn * r * (1.0 - r);
  let daz = g * (hPrev - n) * z * (1.0 - z);
`;

type GruInputs = { xp: tf.TensorInfo; hp: tf.TensorInfo; bias: tf.TensorInfo; h: tf.TensorInfo; dy?: tf.TensorInfo };

function gatesKernel({ inputs, backend }: WebgpuKernelArgs): tf.TensorInfo {
  const { xp, hp, bias, h } = inputs as unknown as GruInputs;
  const [batch, units] = h.shape as [number, number];
  const body = `let b = index / uniforms.units; let u = index % uniforms.units; ${gates} setOutputAtIndex(index, (1.0 - z) * n + z * hPrev);`;
  const program = new ElementwiseProgram('einthovenGruGates', ['xps', 'hps', 'biases', 'hs'], 'units : i32,', [batch, units], body);
  return (backend as WebgpuBackendLike).runWebGPUProgram(program, [xp, hp, bias, h], 'float32', [int32(units)]);
}

function gateGradsKernel({ inputs, backend, attrs }: WebgpuKernelArgs): tf.TensorInfo {
  const { xp, hp, bias, h, dy } = inputs as unknown as GruInputs;
  const [batch, units] = h.shape as [number, number];
  const part = Number(attrs?.['part']);
  // Parts 0 and 1 index [B, 3H] by (b, gate, u); part 2 indexes [B, H].
  const position = part === 2 ? 'let b = index / uniforms.units; let u = index % uniforms.units;' : 'let b = index / (3 * uniforms.units); let j = index % (3 * uniforms.units); let gate = j / uniforms.units; let u = j % uniforms.units;';
  const value = [
    // d(xp): the pre-activation gradients themselves.
    'select(select(dan, daz, gate == 1), dar, gate == 0)',
    // d(hp): the same for r and z; for n, through r·(h_n + b_n).
    'select(select(dan * r, daz, gate == 1), dar, gate == 0)',
    // The direct path h′ = … + z·h.
    'g * z',
  ][part];
  const body = `${position} ${gates} ${gateGradients} setOutputAtIndex(index, ${value});`;
  const shape = part === 2 ? [batch, units] : [batch, 3 * units];
  const program = new ElementwiseProgram(`einthovenGruGateGrads${part}`, ['xps', 'hps', 'biases', 'hs', 'dys'], 'units : i32,', shape, body);
  return (backend as WebgpuBackendLike).runWebGPUProgram(program, [xp, hp, bias, h, dy!], 'float32', [int32(units)]);
}

/** The kernels this module adds to webgpu (registered by webgpu-kernels.ts). */
export const webgpuGruKernels: tf.KernelConfig[] = [
  { kernelName: gruKernels.gates, backendName: 'webgpu', kernelFunc: gatesKernel as unknown as tf.KernelFunc },
  { kernelName: gruKernels.gateGrads, backendName: 'webgpu', kernelFunc: gateGradsKernel as unknown as tf.KernelFunc },
];
