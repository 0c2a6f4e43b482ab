import * as tf from '@tensorflow/tfjs';

type Shape = tf.Shape;

/** torch adaptive pooling bins: [floor(i·n/out), ceil((i+1)·n/out)). */
export function adaptiveBins(length: number, bins: number): [number, number][] {
  return Array.from({ length: bins }, (_, i) => [Math.floor((i * length) / bins), Math.ceil(((i + 1) * length) / bins)]);
}

function poolAxis(x: tf.Tensor3D, axis: 1 | 2, bins: number): tf.Tensor3D {
  const parts = adaptiveBins(x.shape[axis], bins).map(([start, end]) => {
    const begin = [0, 0, 0];
    const size = [...x.shape];
    begin[axis] = start;
    size[axis] = end - start;
    return tf.mean(tf.slice(x, begin, size), axis, true);
  });
  return tf.concat(parts, axis) as tf.Tensor3D;
}

/**
 * torch AdaptiveAvgPool over time ([B, T, C] → [B, timeBins, C]); with `channelBins` also over
 * channels, which reproduces VGG's AdaptiveAvgPool2d(7) applied to a 3-D tensor (49 features):
 * that output is [B, channelBins, timeBins], torch's order, so flattened features line up.
 */
export class AdaptiveAvgPool1D extends tf.layers.Layer {
  static readonly className = 'EinthovenAdaptiveAvgPool1D';
  readonly timeBins: number;
  readonly channelBins: number | null;

  constructor(args: { timeBins: number; channelBins?: number | null; name?: string }) {
    super(args.name ? { name: args.name } : {});
    this.timeBins = args.timeBins;
    this.channelBins = args.channelBins ?? null;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const shape = inputShape as Shape;
    if (this.channelBins !== null) return [shape[0] ?? null, this.channelBins, this.timeBins];
    return [shape[0] ?? null, this.timeBins, shape[2] ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
    return tf.tidy(() => {
      const pooled = poolAxis(x, 1, this.timeBins);
      if (this.channelBins === null) return pooled;
      return tf.transpose(poolAxis(pooled, 2, this.channelBins), [0, 2, 1]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), timeBins: this.timeBins, channelBins: this.channelBins };
  }
}
tf.serialization.registerClass(AdaptiveAvgPool1D);
