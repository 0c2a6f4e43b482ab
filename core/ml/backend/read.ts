import * as tf from '@tensorflow/tfjs';
import { deviceLostError, webgpuDeviceLost, webgpuLostSignal } from './webgpu-backend';

/**
 * Reading tensors back to JavaScript, asynchronously. The webgpu backend has no synchronous
 * read in Node (tfjs's readSync goes through OffscreenCanvas, which Node lacks); a read from a
 * lost GPU device ends in E_DEVICE instead of waiting forever, and values computed after the GPU
 * reported an error (which leaves kernels' outputs unwritten) are refused.
 */
export async function readTensor(t: tf.Tensor): Promise<Float32Array> {
  const lost = tf.getBackend() === 'webgpu' ? webgpuLostSignal() : undefined;
  const read = t.data() as Promise<Float32Array>;
  const values = lost
    ? await Promise.race([
        read,
        lost.then((reason): never => {
          throw deviceLostError(reason);
        }),
      ])
    : await read;
  const failed = webgpuDeviceLost();
  if (failed) throw deviceLostError(failed);
  return values;
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
