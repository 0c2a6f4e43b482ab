import * as tf from '@tensorflow/tfjs';
import { activeBackendHas, runNamedKernel as run } from '../../named-kernels';
import { customGradN } from './custom-grad';

/**
 * One torch.nn.GRU step as two kernels that a backend may provide (webgpu does:
 * backend/webgpu-gru.ts). Op by op a step is ~16 kernels forward and ~30 backward, and a CRNN runs
 * 256–625 steps per batch: on the H200 a CRNN-GRU training step took 1.0–2.6 s, ~4 ms of host time
 * per time step (docs/benchmarks.md). Here a step is h·W_hh and one gate kernel forward; backward
 * three gate-gradient kernels, two products and one sum. Backends without the kernels keep the
 * op-by-op cell (torch-rnn.ts).
 */
export const gruKernels = {
  /** xp [B, 3H] (x·W_ih + b_ih), hp [B, 3H] (h·W_hh, no bias), bias [3H] (b_hh), h [B, H] → h′ [B, H]. */
  gates: 'EinthovenGruGates',
  /** dy [B, H], xp, hp, bias, h → d(xp) [B, 3H] (part 0), d(hp) [B, 3H] (part 1) or dy·z [B, H] (part 2). */
  gateGrads: 'EinthovenGruGateGrads',
} as const;

/** Whether the active backend has the fused GRU kernels. */
export function fusedGruAvailable(): boolean {
  return activeBackendHas(gruKernels);
}

/**
 * h′ = (1 − z)·n + z·h with r = σ(x_r + h_r), z = σ(x_z + h_z), n = tanh(x_n + r·h_n) where
 * h_* = (h·W_hh + b_hh)_* — torch's "reset after" cell. Gradients: for x·W_ih + b_ih (xp), h,
 * W_hh and b_hh.
 */
export const fusedGruStep = customGradN(([xp, h, recurrent, biasHh], save) => {
  const hp = tf.matMul(h as tf.Tensor2D, recurrent as tf.Tensor2D);
  const inputs = { xp: xp!, hp, bias: biasHh!, h: h! };
  save([xp!, hp, biasHh!, h!, recurrent!]);
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
    const [sxp, shp, sbias, sh, sw] = saved as [tf.Tensor, tf.Tensor2D, tf.Tensor, tf.Tensor2D, tf.Tensor2D];
    const args = { dy, xp: sxp, hp: shp, bias: sbias, h: sh };
    const dxp = run(gruKernels.gateGrads, args, { part: 0 });
    const dhp = run(gruKernels.gateGrads, args, { part: 1 }) as tf.Tensor2D;
    const dh = tf.add(run(gruKernels.gateGrads, args, { part: 2 }), tf.matMul(dhp, sw, false, true));
    return [dxp, dh, tf.matMul(sh, dhp, true, false), tf.sum(dhp, 0)];
  };
  return { value: run(gruKernels.gates, inputs), gradFunc };
});
