import * as tf from '@tensorflow/tfjs';
import { fusedBatchNormAvailable, fusedBatchNormTraining, fusedRunningStatistic } from './batch-norm-kernels';
import { customGrad3 } from './custom-grad';
import { channelMeans } from './reduce';

type Shape = tf.Shape;

/**
 * Training-mode batch norm over all axes but the last (biased batch variance, as torch's forward),
 * with the closed-form backward pass, on centred values c = x − μ and r = 1/√(σ² + ε):
 * y = c·(γr) + β;  dβ = Σdy, dγ = r·Σ(dy·c), dx = γr·dy − γr²/N·dγ·c − γr/N·dβ.
 * tfjs's own gradient tiles 1/√(σ² + ε) to the full input shape, backpropagates through
 * tf.moments too, and wasm's FusedBatchNorm and Tile kernels are scalar loops (stack.md §1):
 * ~20 full-size passes become 4 forward and 5 backward. `onMoments` gets μ and σ² (for running
 * statistics).
 */
export function batchNormTraining(
  x: tf.Tensor,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
  onMoments?: (mean: tf.Tensor1D, variance: tf.Tensor1D) => void,
): tf.Tensor {
  const count = x.size / (x.shape[x.rank - 1] as number);
  const forward = customGrad3((input, g, b, save) => {
    const mean = channelMeans(input);
    const centred = tf.sub(input, mean);
    const variance = channelMeans(tf.square(centred));
    onMoments?.(mean, variance);
    const r = tf.rsqrt(tf.add(variance, epsilon));
    save([centred, r, g]);
    const value = tf.add(tf.mul(centred, tf.mul(g, r)), b);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [c, rs, gs] = saved as [tf.Tensor, tf.Tensor1D, tf.Tensor1D];
      const dBeta = tf.mul(channelMeans(dy), count);
      const dGamma = tf.mul(rs, tf.mul(channelMeans(tf.mul(dy, c)), count));
      const a = tf.mul(gs, rs); // γr
      const onCentred = tf.mul(a, tf.mul(rs, tf.div(dGamma, -count)));
      const constant = tf.mul(a, tf.div(dBeta, -count));
      const dx = tf.add(tf.add(tf.mul(dy, a), tf.mul(c, onCentred)), constant);
      return [dx, dGamma, dBeta];
    };
    return { value, gradFunc };
  });
  return forward(x, gamma, beta);
}

/** Inference-mode batch norm as one scale and one shift per channel (wasm's FusedBatchNorm is a scalar loop). */
function batchNormInference(x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): tf.Tensor {
  return tf.tidy(() => {
    const scale = tf.mul(gamma, tf.rsqrt(tf.add(variance, epsilon)));
    return tf.add(tf.mul(x, scale), tf.sub(beta, tf.mul(mean, scale)));
  });
}

export interface BatchNormArgs {
  /** torch default 1e-5. */
  epsilon?: number;
  /** Weight of the new batch statistic in the running average (torch convention, default 0.1). */
  momentum?: number;
  /** Start γ at 0 (fastai's BatchZero for the last BN of a residual branch). */
  gammaZero?: boolean;
  name?: string;
}

/**
 * torch.nn.BatchNorm1d in channels-last layout: normalises over every axis but the last; the
 * running variance is updated with the unbiased batch variance, as torch does (tfjs-layers uses
 * the biased one and counts momentum the other way round).
 */
export class BatchNorm extends tf.layers.Layer {
  static readonly className = 'EinthovenBatchNorm';
  readonly epsilon: number;
  readonly momentum: number;
  readonly gammaZero: boolean;
  private gamma: tf.LayerVariable | undefined;
  private beta: tf.LayerVariable | undefined;
  private movingMean: tf.LayerVariable | undefined;
  private movingVariance: tf.LayerVariable | undefined;

  constructor(args: BatchNormArgs = {}) {
    super(args.name ? { name: args.name } : {});
    this.epsilon = args.epsilon ?? 1e-5;
    this.momentum = args.momentum ?? 0.1;
    this.gammaZero = args.gammaZero ?? false;
    this.supportsMasking = true;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = inputShape as Shape;
    const channels = shape[shape.length - 1];
    if (typeof channels !== 'number') throw new Error('BatchNorm: the channel (last) axis must have a known size');
    const ones = tf.initializers.ones();
    const zeros = tf.initializers.zeros();
    this.gamma = this.addWeight('gamma', [channels], 'float32', this.gammaZero ? zeros : ones);
    this.beta = this.addWeight('beta', [channels], 'float32', zeros);
    this.movingMean = this.addWeight('moving_mean', [channels], 'float32', zeros, undefined, false);
    this.movingVariance = this.addWeight('moving_variance', [channels], 'float32', ones, undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
    const [gamma, beta, movingMean, movingVariance] = [this.gamma!, this.beta!, this.movingMean!, this.movingVariance!];
    if (kwargs['training'] !== true) {
      return batchNormInference(x, movingMean.read(), movingVariance.read(), gamma.read(), beta.read(), this.epsilon);
    }
    const count = x.size / (x.shape[x.rank - 1] as number);
    const unbias = count > 1 ? count / (count - 1) : 1;
    const m = this.momentum;
    if (fusedBatchNormAvailable()) {
      // A backend with fused kernels (webgpu): the same update, a few dispatches instead of dozens.
      const updateFromStats = (stats: tf.Tensor) =>
        tf.tidy(() => {
          movingMean.write(fusedRunningStatistic(movingMean.read(), stats, 0, m, 1));
          movingVariance.write(fusedRunningStatistic(movingVariance.read(), stats, 1, m, unbias));
        });
      return fusedBatchNormTraining(x, gamma.read() as tf.Tensor1D, beta.read() as tf.Tensor1D, this.epsilon, updateFromStats);
    }
    const updateRunningStatistics = (mean: tf.Tensor1D, variance: tf.Tensor1D) => {
      tf.tidy(() => {
        movingMean.write(tf.add(tf.mul(movingMean.read(), 1 - m), tf.mul(mean, m)));
        movingVariance.write(tf.add(tf.mul(movingVariance.read(), 1 - m), tf.mul(variance, m * unbias)));
      });
    };
    return batchNormTraining(x, gamma.read() as tf.Tensor1D, beta.read() as tf.Tensor1D, this.epsilon, updateRunningStatistics);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon, momentum: this.momentum, gammaZero: this.gammaZero };
  }
}
tf.serialization.registerClass(BatchNorm);
