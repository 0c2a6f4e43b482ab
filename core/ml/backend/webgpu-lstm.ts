import * as tf from '@tensorflow/tfjs';
import { lstmKernels } from '../models/layers/lstm-kernels';

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

class LstmProgram {
  readonly workgroupSize: [number, number, number] = [128, 1, 1];
  readonly size = true;
  readonly uniforms = 'units : i32,';
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];
  constructor(
    readonly shaderKey: string,
    readonly variableNames: string[],
    readonly outputShape: number[],
    private readonly body: string,
  ) {
    this.dispatchLayout = { x: outputShape.map((_, i) => i) };
    this.dispatch = [Math.ceil(tf.util.sizeFromShape(outputShape) / 128), 1, 1];
  }
  getUserCode(): string {
    return `fn main(index : i32) { if (index < uniforms.size) { ${this.body} } }`;
  }
}

interface WebgpuBackendLike {
  runWebGPUProgram(program: object, inputs: tf.TensorInfo[], dtype: tf.DataType, uniforms: { type: string; data: number[] }[]): tf.TensorInfo;
}
type KernelArgs = { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown };
type LstmInputs = { xp: tf.TensorInfo; hp: tf.TensorInfo; bias: tf.TensorInfo; hc: tf.TensorInfo; dy?: tf.TensorInfo };

/** Index → (b, j) over a row of `width` units, and the unit u = j mod H. */
const position = (width: string) => `let b = index / (${width}); let j = index % (${width}); let u = j % uniforms.units;`;

function cellKernel({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const { xp, hp, bias, hc } = inputs as unknown as LstmInputs;
  const units = hc.shape[1]! / 2;
  const body = `${position('2 * uniforms.units')} ${cell} setOutputAtIndex(index, select(cNext, o * tc, j < uniforms.units));`;
  const program = new LstmProgram('einthovenLstmCell', ['xps', 'hps', 'biases', 'hcs'], [...hc.shape], body);
  return (backend as WebgpuBackendLike).runWebGPUProgram(program, [xp, hp, bias, hc], 'float32', [{ type: 'int32', data: [units] }]);
}

function cellGradsKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
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
  const program = new LstmProgram(`einthovenLstmCellGrads${part}`, ['xps', 'hps', 'biases', 'hcs', 'dys'], shape, body);
  return (backend as WebgpuBackendLike).runWebGPUProgram(program, [xp, hp, bias, hc, dy!], 'float32', [{ type: 'int32', data: [units] }]);
}

let registered = false;

/** Registers the fused LSTM kernels for webgpu (after @tensorflow/tfjs-backend-webgpu is imported). Idempotent. */
export function registerWebgpuLstm(): void {
  if (registered) return;
  tf.registerKernel({ kernelName: lstmKernels.cell, backendName: 'webgpu', kernelFunc: cellKernel as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: lstmKernels.cellGrads, backendName: 'webgpu', kernelFunc: cellGradsKernel as unknown as tf.KernelFunc });
  registered = true;
}
