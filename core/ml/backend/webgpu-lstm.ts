import type * as tf from '@tensorflow/tfjs';
import { lstmKernels } from '../models/layers/lstm-kernels';
import { ElementwiseProgram, int32, type WebgpuBackendLike, type WebgpuKernelArgs } from './webgpu-program';

/**
 * The fused LSTM step (models/layers/lstm-kernels.ts) on webgpu: element-wise programs, each
 * thread recomputing its unit's gates from xp, hp, b_hh and c (as webgpu-gru.ts).
 */

/** WGSL: gates i, f, g, o, the previous cell c and the new cell c′ of batch row `b`, unit `u`. */
const cell = `
  let H = uniforms.units;
  let row = b * 4 * H;
  let i = 1.0 / (1.0 + exp(-(xps[row + u] + hps[row + u] + biases[u])));
  let f = 1.0 / (1.0 + exp(-(xps[row + H + u] + hps[row + H + u] + biases[H + u])));
  let g = tanh(xps[row + 2 * H + u] + hps[row + 2 * H + u] + biases[2 * H + u]);
  let o = 1.0 / (1.0 + exp(-(xps[row + 3 * H + u] + hps[row + 3 * H + u] + biases[3 * H + u])));
  let c = hcs[b * 2 * H + H + u];
  let cNext = f * c + i * g;
  let tc = tanh(cNext);
`;

/** dc through both paths (dh′·o·tanh′(c′) and dc′ from the next step) and the output gate's share. */
const cellGradients = `
  let dh = dys[b * 2 * H + u];
  let dcTotal = dys[b * 2 * H + H + u] + dh * o * (1.0 - tc * tc);
`;

type LstmInputs = { xp: tf.TensorInfo; hp: tf.TensorInfo; bias: tf.TensorInfo; hc: tf.TensorInfo; dy?: tf.TensorInfo };

/** Index → (b, j) over a row of `width` units, and the unit u = j mod H. */
const position = (width: string) => `let b = index / (${width}); let j = index % (${width}); let u = j % uniforms.units;`;

function cellKernel({ inputs, backend }: WebgpuKernelArgs): tf.TensorInfo {
  const { xp, hp, bias, hc } = inputs as unknown as LstmInputs;
  const units = hc.shape[1]! / 2;
  const body = `${position('2 * uniforms.units')} ${cell} setOutputAtIndex(index, select(cNext, o * tc, j < uniforms.units));`;
  const program = new ElementwiseProgram('einthovenLstmCell', ['xps', 'hps', 'biases', 'hcs'], 'units : i32,', [...hc.shape], body);
  return (backend as WebgpuBackendLike).runWebGPUProgram(program, [xp, hp, bias, hc], 'float32', [int32(units)]);
}

function cellGradsKernel({ inputs, backend, attrs }: WebgpuKernelArgs): tf.TensorInfo {
  const { xp, hp, bias, hc, dy } = inputs as unknown as LstmInputs;
  const units = hc.shape[1]! / 2;
  const part = Number(attrs?.['part']);
  const body =
    part === 0
      ? // d(gates) in torch's order i, f, g, o.
        `${position('4 * uniforms.units')} ${cell} ${cellGradients}
         let gate = j / uniforms.units;
         let di = dcTotal * g * i * (1.0 - i);
         let df = dcTotal * c * f * (1.0 - f);
         let dg = dcTotal * i * (1.0 - g * g);
         let dout = dh * tc * o * (1.0 - o);
         setOutputAtIndex(index, select(select(select(dout, dg, gate == 2), df, gate == 1), di, gate == 0));`
      : // The direct path to the previous state: nothing to h (it reaches h only through hp), dc·f to c.
        `${position('2 * uniforms.units')} ${cell} ${cellGradients}
         setOutputAtIndex(index, select(dcTotal * f, 0.0, j < uniforms.units));`;
  const shape = part === 0 ? [hc.shape[0]!, 4 * units] : [...hc.shape];
  const program = new ElementwiseProgram(`einthovenLstmCellGrads${part}`, ['xps', 'hps', 'biases', 'hcs', 'dys'], 'units : i32,', shape, body);
  return (backend as WebgpuBackendLike).runWebGPUProgram(program, [xp, hp, bias, hc, dy!], 'float32', [int32(units)]);
}

/** The kernels this module adds to webgpu (registered by webgpu-kernels.ts). */
export const webgpuLstmKernels: tf.KernelConfig[] = [
  { kernelName: lstmKernels.cell, backendName: 'webgpu', kernelFunc: cellKernel as unknown as tf.KernelFunc },
  { kernelName: lstmKernels.cellGrads, backendName: 'webgpu', kernelFunc: cellGradsKernel as unknown as tf.KernelFunc },
];
