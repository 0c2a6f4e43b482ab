import * as tf from '@tensorflow/tfjs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { EinthovenError } from '../errors';
import { writeFileAtomic } from '../storage/atomic';

/** Shapes (and order) of a list of tensors, stored beside their raw float32 data. */
interface TensorListSpec {
  readonly names: string[];
  readonly shapes: number[][];
}

/** Writes tensors as `<base>.json` (names, shapes) + `<base>.bin` (float32 LE), atomically. */
export async function writeTensors(file: string, tensors: readonly { name: string; tensor: tf.Tensor }[]): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const spec: TensorListSpec = { names: tensors.map((t) => t.name), shapes: tensors.map((t) => t.tensor.shape) };
  const parts = await Promise.all(tensors.map(async (t) => Float32Array.from(await t.tensor.data())));
  const total = parts.reduce((n, p) => n + p.length, 0);
  const bin = new Float32Array(total);
  let offset = 0;
  for (const p of parts) {
    bin.set(p, offset);
    offset += p.length;
  }
  // Each file is replaced atomically; a checkpoint commits the pair as a whole (core/train/checkpoint.ts).
  await writeFileAtomic(`${file}.bin`, new Uint8Array(bin.buffer));
  await writeFileAtomic(`${file}.json`, JSON.stringify(spec));
}

/** Reads tensors written by writeTensors; the caller disposes them. */
export async function readTensors(file: string): Promise<{ name: string; tensor: tf.Tensor }[]> {
  let spec: TensorListSpec;
  let bytes: Buffer;
  try {
    spec = JSON.parse(await readFile(`${file}.json`, 'utf8')) as TensorListSpec;
    bytes = await readFile(`${file}.bin`);
  } catch (error) {
    throw new EinthovenError('E_IO', `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const sizes = spec.shapes.map((s) => s.reduce((a, b) => a * b, 1));
  if (sizes.reduce((a, b) => a + b, 0) !== data.length) throw new EinthovenError('E_IO', `${file}: weight data does not match its shapes`);
  let offset = 0;
  return spec.names.map((name, i) => {
    const size = sizes[i] as number;
    const tensor = tf.tensor(data.subarray(offset, offset + size), spec.shapes[i] as number[]);
    offset += size;
    return { name, tensor };
  });
}

/** Saves every weight of a model (trainable and BN statistics) in layer order. */
export async function saveModelWeights(model: tf.LayersModel, file: string): Promise<void> {
  await writeTensors(
    file,
    model.weights.map((w) => ({ name: w.originalName, tensor: w.read() })),
  );
}

/** Loads weights saved by saveModelWeights into a model of the same architecture. */
export async function loadModelWeights(model: tf.LayersModel, file: string): Promise<void> {
  const tensors = await readTensors(file);
  try {
    if (tensors.length !== model.weights.length) {
      throw new EinthovenError('E_MODEL', `${file}: ${tensors.length} weights saved, the model has ${model.weights.length}`);
    }
    tensors.forEach((t, i) => {
      const expected = (model.weights[i] as (typeof model.weights)[number]).shape;
      if (JSON.stringify(expected) !== JSON.stringify(t.tensor.shape)) {
        throw new EinthovenError('E_MODEL', `${file}: weight ${t.name} has shape ${JSON.stringify(t.tensor.shape)}, expected ${JSON.stringify(expected)}`);
      }
    });
    model.setWeights(tensors.map((t) => t.tensor));
  } finally {
    tensors.forEach((t) => t.tensor.dispose());
  }
}

export async function removeQuietly(target: string): Promise<void> {
  await rm(target, { recursive: true, force: true });
}
