import * as tf from '@tensorflow/tfjs';
import type { Initializer } from '@tensorflow/tfjs-layers/dist/initializers';

/** Standard normal draws (Box–Muller) in float64. */
function gaussian(n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = 1 - Math.random();
    const v = Math.random();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/**
 * A random matrix [rows, cols] whose shorter side is orthonormal, by modified Gram–Schmidt on
 * Gaussian vectors (the distribution torch.nn.init.orthogonal_ samples from). tfjs's built-in
 * orthogonal initialiser runs a tensor QR that takes ~10 s for a 256×768 recurrent kernel.
 */
export function randomOrthogonal(rows: number, cols: number, gain = 1): Float32Array {
  const count = Math.min(rows, cols);
  const length = Math.max(rows, cols);
  const vectors = gaussian(count * length); // `count` vectors of `length`, row-major
  for (let i = 0; i < count; i++) {
    const vi = vectors.subarray(i * length, (i + 1) * length);
    for (let j = 0; j < i; j++) {
      const vj = vectors.subarray(j * length, (j + 1) * length);
      let dot = 0;
      for (let k = 0; k < length; k++) dot += vi[k]! * vj[k]!;
      for (let k = 0; k < length; k++) vi[k] = vi[k]! - dot * vj[k]!;
    }
    let norm = 0;
    for (let k = 0; k < length; k++) norm += vi[k]! * vi[k]!;
    const scale = gain / Math.sqrt(norm);
    for (let k = 0; k < length; k++) vi[k] = vi[k]! * scale;
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      // Orthonormal rows when rows ≤ cols, otherwise orthonormal columns.
      out[r * cols + c] = rows <= cols ? vectors[r * length + c]! : vectors[c * length + r]!;
    }
  }
  return out;
}

// tfjs exports the Initializer base class only as a type; reach the runtime class through a built-in.
const InitializerBase = Object.getPrototypeOf(tf.initializers.zeros().constructor) as abstract new () => Initializer;

/** Serialisable initialiser producing randomOrthogonal kernels (last axis = columns). */
export class FastOrthogonal extends InitializerBase {
  static readonly className = 'EinthovenOrthogonal';
  readonly gain: number;

  constructor(args: { gain?: number } = {}) {
    super();
    this.gain = args.gain ?? 1;
  }

  apply(shape: number[]): tf.Tensor {
    const cols = shape[shape.length - 1] ?? 1;
    const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    return tf.tensor(randomOrthogonal(rows, cols, this.gain), shape);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { gain: this.gain };
  }
}
tf.serialization.registerClass(FastOrthogonal as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);

/** LSTM bias init of the paper code: zeros, with the forget-gate slice [h, 2h) set to 1. */
export class LstmBias extends InitializerBase {
  static readonly className = 'EinthovenLstmBias';
  readonly units: number;

  constructor(args: { units: number }) {
    super();
    this.units = args.units;
  }

  apply(shape: number[]): tf.Tensor {
    const values = new Float32Array(shape[0] ?? 0);
    values.fill(1, this.units, 2 * this.units);
    return tf.tensor1d(values);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { units: this.units };
  }
}
tf.serialization.registerClass(LstmBias as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
