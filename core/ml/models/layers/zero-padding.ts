import * as tf from '@tensorflow/tfjs';

type Shape = tf.Shape;

/** Zero padding along time ([B, T, C] → [B, before + T + after, C]); tfjs-layers has only the 2-D one. */
export class ZeroPadding1D extends tf.layers.Layer {
  static readonly className = 'EinthovenZeroPadding1D';
  readonly before: number;
  readonly after: number;

  constructor(args: { before: number; after: number; name?: string }) {
    super(args.name ? { name: args.name } : {});
    this.before = args.before;
    this.after = args.after;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const [batch, steps, channels] = inputShape as Shape;
    return [batch ?? null, steps == null ? null : steps + this.before + this.after, channels ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
    return tf.pad(x, [
      [0, 0],
      [this.before, this.after],
      [0, 0],
    ]);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), before: this.before, after: this.after };
  }
}
tf.serialization.registerClass(ZeroPadding1D);
