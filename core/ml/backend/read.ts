import type * as tf from '@tensorflow/tfjs';
import { deviceLostError, webgpuLostSignal } from './webgpu-backend';

/**
 * Reading tensors back to JavaScript, asynchronously. The webgpu backend has no synchronous
 * read in Node (tfjs's readSync goes through OffscreenCanvas, which Node lacks), and a read
 * from a lost GPU device must end in an error instead of waiting forever.
 */
export async function readTensor(t: tf.Tensor): Promise<Float32Array> {
  const lost = webgpuLostSignal();
  const read = t.data() as Promise<Float32Array>;
  if (!lost) return read;
  return Promise.race([
    read,
    lost.then((reason): never => {
      throw deviceLostError(reason);
    }),
  ]);
}

/** The first value of a tensor (a loss). */
export async function readScalar(t: tf.Tensor): Promise<number> {
  return (await readTensor(t))[0] as number;
}

/** A [rows, cols] tensor as rows of numbers (logits). */
export async function readRows(t: tf.Tensor): Promise<number[][]> {
  const values = await readTensor(t);
  const [rows, cols] = t.shape as [number, number];
  return Array.from({ length: rows }, (_, r) => Array.from(values.subarray(r * cols, (r + 1) * cols)));
}
