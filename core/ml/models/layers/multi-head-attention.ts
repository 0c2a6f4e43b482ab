import * as tf from '@tensorflow/tfjs';
import { selfAttention } from './attention';

type Shape = tf.Shape;
type LayerVariable = tf.LayerVariable;

export interface MultiHeadAttentionArgs {
  heads: number;
  dropout?: number;
  name?: string;
}

/**
 * Self-attention layer with torch nn.MultiheadAttention's parameters (in_proj [3d, d] + bias,
 * out_proj [d, d] + bias; xavier_uniform, zero biases). No residual or norm: AttResNet uses it bare.
 */
export class MultiHeadAttention extends tf.layers.Layer {
  static readonly className = 'EinthovenMultiHeadAttention';
  readonly heads: number;
  readonly dropoutRate: number;
  private weightsByName: Record<string, LayerVariable> = {};

  constructor(args: MultiHeadAttentionArgs) {
    super(args.name ? { name: args.name } : {});
    this.heads = args.heads;
    this.dropoutRate = args.dropout ?? 0;
  }

  override build(inputShape: Shape | Shape[]): void {
    const d = (inputShape as Shape)[2];
    if (typeof d !== 'number' || d % this.heads !== 0) {
      throw new Error(`MultiHeadAttention: model width ${String(d)} is not divisible by ${this.heads} heads`);
    }
    const glorot = tf.initializers.glorotUniform({});
    const zeros = tf.initializers.zeros();
    this.weightsByName = {
      inKernel: this.addWeight('in_kernel', [d, 3 * d], 'float32', glorot),
      inBias: this.addWeight('in_bias', [3 * d], 'float32', zeros),
      outKernel: this.addWeight('out_kernel', [d, d], 'float32', glorot),
      outBias: this.addWeight('out_bias', [d], 'float32', zeros),
    };
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
    const w = this.weightsByName;
    return selfAttention(
      x,
      {
        inKernel: w['inKernel']!.read() as tf.Tensor2D,
        inBias: w['inBias']!.read() as tf.Tensor1D,
        outKernel: w['outKernel']!.read() as tf.Tensor2D,
        outBias: w['outBias']!.read() as tf.Tensor1D,
      },
      this.heads,
      { dropout: this.dropoutRate, training: kwargs['training'] === true },
    );
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), heads: this.heads, dropout: this.dropoutRate };
  }
}
tf.serialization.registerClass(MultiHeadAttention);
