import type * as tf from '@tensorflow/tfjs';
import { activeBackendHas, runNamedKernel as run, runNamedKernelOutputs } from '../../named-kernels';
import { customGrad3 } from './custom-grad';

/**
 * Training-mode batch norm as six kernels that a backend may provide (webgpu does:
 * backend/webgpu-batch-norm.ts, ten dispatches per layer and step instead of ~32). Same algebra as
 * batchNormTraining's closed form in batch-norm.ts, with x − μ recomputed in the backward pass
 * instead of saved. Backends without the kernels keep the op-by-op form.
 */
export const batchNormKernels = {
  /** x → [2, C]: per-channel mean and biased variance. */
  stats: 'EinthovenBatchNormStats',
  /** x, stats, gamma, beta → y. Attr epsilon. */
  apply: 'EinthovenBatchNormApply',
  /** moving, stats → moving·(1 − momentum) + momentum·factor·stats[row]. Attrs momentum, factor, row. */
  running: 'EinthovenBatchNormRunning',
  /** dy, x, stats → [2, C]: Σdy and Σdy·(x − μ). */
  gradSums: 'EinthovenBatchNormGradSums',
  /** dy, x, stats, sums, gamma → dx. Attrs epsilon, count. */
  dx: 'EinthovenBatchNormDx',
  /** stats, sums → [dγ, dβ]. Attr epsilon. */
  paramGrads: 'EinthovenBatchNormParamGrads',
} as const;

/** Whether the active backend has every fused batch-norm kernel. */
export function fusedBatchNormAvailable(): boolean {
  return activeBackendHas(batchNormKernels);
}

/** The running average of one statistic (row 0: mean; row 1: variance, scaled by `factor`). */
export function fusedRunningStatistic(moving: tf.Tensor, stats: tf.Tensor, row: 0 | 1, momentum: number, factor: number): tf.Tensor {
  return run(batchNormKernels.running, { moving, stats }, { momentum, factor, row });
}

/** Training-mode batch norm on the fused kernels; `onStats` gets the [2, C] statistics (for running averages). */
export function fusedBatchNormTraining(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number, onStats?: (stats: tf.Tensor) => void): tf.Tensor {
  const count = x.size / (x.shape[x.rank - 1] as number);
  const forward = customGrad3((input, g, b, save) => {
    const stats = run(batchNormKernels.stats, { x: input });
    onStats?.(stats);
    save([input, stats, g]);
    const value = run(batchNormKernels.apply, { x: input, stats, gamma: g, beta: b }, { epsilon });
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, st, gs] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      const sums = run(batchNormKernels.gradSums, { dy, x: xs, stats: st });
      const dx = run(batchNormKernels.dx, { dy, x: xs, stats: st, sums, gamma: gs }, { epsilon, count });
      const [dGamma, dBeta] = runNamedKernelOutputs(batchNormKernels.paramGrads, { stats: st, sums }, { epsilon });
      return [dx, dGamma!, dBeta!];
    };
    return { value, gradFunc };
  });
  return forward(x, gamma, beta);
}
