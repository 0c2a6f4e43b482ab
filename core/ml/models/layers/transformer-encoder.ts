import * as tf from '@tensorflow/tfjs';
import type { Initializer } from '@tensorflow/tfjs-layers/dist/initializers';
import { linearNormal } from '../init';
import { layerNorm, selfAttention } from './attention';
import { feedForward } from './feed-forward';
import { seededDropoutMask } from './reduce';

type Shape = tf.Shape;

export interface TransformerEncoderArgs {
  heads: number;
  /** Feed-forward width; torch's default used by the paper code is 4·d. */
  feedForward: number;
  dropout: number;
  name?: string;
}

/**
 * One post-LN nn.TransformerEncoderLayer (ReLU): x = LN1(x + Drop(MHA(x))); x = LN2(x + Drop(FFN(x))).
 * Parameters 12d² + 13d at ff = 4d, initialised as the paper code (MHA xavier, FFN N(0, 0.01)).
 */
export class TransformerEncoderLayer extends tf.layers.Layer {
  static readonly className = 'EinthovenTransformerEncoderLayer';
  readonly heads: number;
  readonly feedForward: number;
  readonly dropoutRate: number;
  private w: Record<string, tf.LayerVariable> = {};

  constructor(args: TransformerEncoderArgs) {
    super(args.name ? { name: args.name } : {});
    this.heads = args.heads;
    this.feedForward = args.feedForward;
    this.dropoutRate = args.dropout;
  }

  override build(inputShape: Shape | Shape[]): void {
    const d = (inputShape as Shape)[2];
    if (typeof d !== 'number' || d % this.heads !== 0) {
      throw new Error(`TransformerEncoderLayer: width ${String(d)} is not divisible by ${this.heads} heads`);
    }
    const ff = this.feedForward;
    const glorot = tf.initializers.glorotUniform({});
    const normal = linearNormal();
    const zeros = tf.initializers.zeros();
    const ones = tf.initializers.ones();
    const add = (name: string, shape: number[], init: Initializer) =>
      this.addWeight(name, shape, 'float32', init);
    this.w = {
      inKernel: add('in_kernel', [d, 3 * d], glorot),
      inBias: add('in_bias', [3 * d], zeros),
      outKernel: add('out_kernel', [d, d], glorot),
      outBias: add('out_bias', [d], zeros),
      ff1Kernel: add('ff1_kernel', [d, ff], normal),
      ff1Bias: add('ff1_bias', [ff], zeros),
      ff2Kernel: add('ff2_kernel', [ff, d], normal),
      ff2Bias: add('ff2_bias', [d], zeros),
      ln1Gamma: add('ln1_gamma', [d], ones),
      ln1Beta: add('ln1_beta', [d], zeros),
      ln2Gamma: add('ln2_gamma', [d], ones),
      ln2Beta: add('ln2_beta', [d], zeros),
    };
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const training = kwargs['training'] === true;
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      const r = (name: string) => this.w[name]!.read();
      // Seeded masks from a fast generator (tf.dropout draws ~30 ns per value); the seed comes from
      // Math.random, which core/train seeds per step for reproducible runs.
      const seed = Math.floor(Math.random() * 2147483647);
      let stream = 0;
      const drop = (t: tf.Tensor) => (training && this.dropoutRate > 0 ? tf.mul(t, seededDropoutMask(t.shape, this.dropoutRate, seed, stream++)) : t);
      const attended = selfAttention(
        x,
        {
          inKernel: r('inKernel') as tf.Tensor2D,
          inBias: r('inBias') as tf.Tensor1D,
          outKernel: r('outKernel') as tf.Tensor2D,
          outBias: r('outBias') as tf.Tensor1D,
        },
        this.heads,
        { dropout: this.dropoutRate, training },
      );
      const h = layerNorm(tf.add(x, drop(attended)), r('ln1Gamma') as tf.Tensor1D, r('ln1Beta') as tf.Tensor1D);
      const [batch, steps, d] = x.shape;
      const flat = tf.reshape(h, [batch * steps, d]) as tf.Tensor2D;
      const ff = feedForward(
        flat,
        { w1: r('ff1Kernel') as tf.Tensor2D, b1: r('ff1Bias') as tf.Tensor1D, w2: r('ff2Kernel') as tf.Tensor2D, b2: r('ff2Bias') as tf.Tensor1D },
        { dropout: this.dropoutRate, training },
      );
      const ffOut = tf.reshape(ff, [batch, steps, d]);
      return layerNorm(tf.add(h, drop(ffOut)), r('ln2Gamma') as tf.Tensor1D, r('ln2Beta') as tf.Tensor1D);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), heads: this.heads, feedForward: this.feedForward, dropout: this.dropoutRate };
  }
}
tf.serialization.registerClass(TransformerEncoderLayer);
