import * as tf from '@tensorflow/tfjs';
import { activeBackendHas, runNamedKernel as run } from '../../named-kernels';
import { customGradN } from './custom-grad';

/**
 * One torch.nn.LSTM step as two kernels that a backend may provide (webgpu does:
 * backend/webgpu-lstm.ts), for the same reason as gru-kernels.ts: ~20 kernels forward and ~40
 * backward per time step become one product and one kernel forward, two kernels, two products
 * and a sum backward. The step's output is the packed state hc = [h ‖ c] of [B, 2H] (tf.customGrad
 * has one output); the caller slices h from it, for its output and for the next step's h·W_hh.
 */
export const lstmKernels = {
  /** xp [B, 4H] (x·W_ih + b_ih), hp [B, 4H] (h·W_hh), bias [4H] (b_hh), hc [B, 2H] → hc′ [B, 2H]. */
  cell: 'EinthovenLstmCell',
  /** dy [B, 2H] (dh′ ‖ dc′), xp, hp, bias, hc → d(gates) [B, 4H] (part 0) or d(hc) [B, 2H] = [0 ‖ dc·f] (part 1: h reaches h′ only through h·W_hh). */
  cellGrads: 'EinthovenLstmCellGrads',
} as const;

/** Whether the active backend has the fused LSTM kernels. */
export function fusedLstmAvailable(): boolean {
  return activeBackendHas(lstmKernels);
}

/**
 * hc′ = [o·tanh(c′) ‖ c′] with c′ = f·c + i·g and (i, f, g, o) = (σ, σ, tanh, σ)(xp + h·W_hh + b_hh),
 * torch's gate order; h is hc's first half (passed apart: the caller has sliced it already).
 * Gradients: for xp, h, hc (its c half), W_hh and b_hh.
 */
export const fusedLstmStep = customGradN(([xp, h, hc, recurrent, biasHh], save) => {
  const hp = tf.matMul(h as tf.Tensor2D, recurrent as tf.Tensor2D);
  save([xp!, hp, biasHh!, hc!, h!, recurrent!]);
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
    const [sxp, shp, sbias, shc, sh, sw] = saved as [tf.Tensor, tf.Tensor2D, tf.Tensor, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const args = { dy, xp: sxp, hp: shp, bias: sbias, hc: shc };
    const dGates = run(lstmKernels.cellGrads, args, { part: 0 }) as tf.Tensor2D;
    // Gates are xp + h·W_hh + b_hh: all three take d(gates).
    return [dGates, tf.matMul(dGates, sw, false, true), run(lstmKernels.cellGrads, args, { part: 1 }), tf.matMul(sh, dGates, true, false), tf.sum(dGates, 0)];
  };
  return { value: run(lstmKernels.cell, { xp: xp!, hp, bias: biasHh!, hc: hc! }), gradFunc };
});
