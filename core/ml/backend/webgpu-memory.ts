import type * as tf from '@tensorflow/tfjs';
import { EinthovenError } from '../../errors';
import { activeWebgpuAdapter } from './webgpu-backend';

/**
 * What fits in one GPU buffer. A WebGPU device refuses a buffer over maxBufferSize or a binding
 * over maxStorageBufferBindingSize (128 MiB on Mesa's llvmpipe, 2–4 GiB on discrete GPUs); tfjs
 * would fail deep inside a kernel with a validation error. The largest buffer of a training step
 * is the largest layer output (and its gradient) for the whole batch, so a batch is split into
 * micro-batches that fit, or refused with the limit named when one record alone does not.
 */

let overrideBytes: number | undefined;

/** Tests lower the limit to exercise the split on a small model; undefined restores the device's. */
export function overrideBufferLimit(bytes: number | undefined): void {
  overrideBytes = bytes;
}

/** The per-buffer limit of the running webgpu device; undefined on other backends. */
export function bufferLimitBytes(): { bytes: number; name: string } | undefined {
  if (overrideBytes !== undefined) return { bytes: overrideBytes, name: 'buffer limit (test override)' };
  const adapter = activeWebgpuAdapter();
  if (!adapter) return undefined;
  const { maxBufferSize, maxStorageBufferBindingSize } = adapter.limits;
  return maxStorageBufferBindingSize <= maxBufferSize
    ? { bytes: maxStorageBufferBindingSize, name: `maxStorageBufferBindingSize (${adapter.description})` }
    : { bytes: maxBufferSize, name: `maxBufferSize (${adapter.description})` };
}

/** The largest float32 layer output of one record (the model's input included), in bytes, and where. */
export function largestPerRecordBuffer(model: tf.LayersModel): { bytes: number; layer: string } {
  let largest = { bytes: 0, layer: '' };
  const consider = (shape: (number | null)[], layer: string) => {
    const bytes = 4 * shape.slice(1).reduce((a: number, b) => a * (b ?? 1), 1);
    if (bytes > largest.bytes) largest = { bytes, layer };
  };
  for (const input of model.inputs) consider(input.shape, 'input');
  for (const layer of model.layers) {
    const shapes = Array.isArray(layer.outputShape[0]) ? (layer.outputShape as (number | null)[][]) : [layer.outputShape as (number | null)[]];
    for (const shape of shapes) consider(shape, layer.name);
  }
  return largest;
}

/**
 * Records per micro-batch for a batch of `batch` on the current backend: undefined when the
 * whole batch fits (or the backend has no such limit); E_TOO_LARGE naming the limit when one
 * record alone exceeds it.
 */
export function microBatchSize(model: tf.LayersModel, batch: number): number | undefined {
  const limit = bufferLimitBytes();
  if (!limit) return undefined;
  const { bytes, layer } = largestPerRecordBuffer(model);
  if (bytes * batch <= limit.bytes) return undefined;
  const fits = Math.floor(limit.bytes / bytes);
  if (fits < 1) {
    const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
    throw new EinthovenError('E_TOO_LARGE', `one record needs a ${mib(bytes)} buffer at layer '${layer}', over the GPU's ${limit.name} of ${mib(limit.bytes)}; use shorter inputs or another backend`);
  }
  return fits;
}
