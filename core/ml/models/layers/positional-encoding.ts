import * as tf from '@tensorflow/tfjs';
import { EinthovenError } from '../../../errors';

type Shape = tf.Shape;

/** The standard sin/cos table (base 10000) for `steps` positions of width d, as a Float32Array. */
export function sinusoidTable(steps: number, d: number): Float32Array {
  const table = new Float32Array(steps * d);
  for (let pos = 0; pos < steps; pos++) {
    for (let i = 0; i < d; i += 2) {
      const angle = pos * Math.exp((-Math.log(10000) * i) / d);
      table[pos * d + i] = Math.sin(angle);
      if (i + 1 < d) table[pos * d + i + 1] = Math.cos(angle);
    }
  }
  return table;
}

/** Tables already computed, by "steps×width": a 2048 × 512 table is a million sin/cos calls. */
const tables = new Map<string, Float32Array>();

function cachedTable(steps: number, d: number): Float32Array {
  const key = `${steps}x${d}`;
  let table = tables.get(key);
  if (!table) {
    table = sinusoidTable(steps, d);
    tables.set(key, table);
  }
  return table;
}

/** Adds the fixed sinusoidal positional encoding; no weights. Refuses inputs longer than maxLength. */
export class SinusoidalPositionalEncoding extends tf.layers.Layer {
  static readonly className = 'EinthovenSinusoidalPositionalEncoding';
  readonly maxLength: number;

  constructor(args: { maxLength: number; name?: string }) {
    super(args.name ? { name: args.name } : {});
    this.maxLength = args.maxLength;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
    const [, steps, d] = x.shape;
    if (steps > this.maxLength) {
      throw new EinthovenError('E_VALIDATION', `positional encoding: ${steps} positions exceed the model's maximum of ${this.maxLength}`);
    }
    return tf.tidy(() => tf.add(x, tf.tensor2d(cachedTable(steps, d), [steps, d])));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), maxLength: this.maxLength };
  }
}
tf.serialization.registerClass(SinusoidalPositionalEncoding);
