import * as tf from '@tensorflow/tfjs';

/** Where each of a list of tensors lies in one flat float32 buffer. */
export interface TensorLayout {
  readonly shapes: readonly (readonly number[])[];
  readonly offsets: readonly number[];
  /** Total float32 count. */
  readonly total: number;
}

export function layoutOf(shapes: readonly (readonly number[])[]): TensorLayout {
  const offsets: number[] = [];
  let total = 0;
  for (const shape of shapes) {
    offsets.push(total);
    total += shape.reduce((a, b) => a * b, 1);
  }
  return { shapes, offsets, total };
}

/** A Float32Array over shared memory (zero-filled). */
export function sharedFloats(count: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(Math.max(1, count) * 4));
}

/** Copies tensors' values into `into` (at `base` + the layout's offsets). */
export function writeTensors(tensors: readonly tf.Tensor[], layout: TensorLayout, into: Float32Array, base = 0): void {
  tensors.forEach((t, i) => into.set(t.dataSync() as Float32Array, base + (layout.offsets[i] as number)));
}

/**
 * Tensors holding a copy of the buffer's values. Copied (slice), never viewed: the cpu backend
 * keeps the array it is given, and the buffer changes under it at the next step.
 */
export function readTensors(layout: TensorLayout, from: Float32Array, base = 0): tf.Tensor[] {
  return layout.shapes.map((shape, i) => {
    const start = base + (layout.offsets[i] as number);
    const size = shape.reduce((a, b) => a * b, 1);
    return tf.tensor(from.slice(start, start + size), [...shape], 'float32');
  });
}
