import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { EinthovenError } from '../errors';
import { buildOptionsSchema } from '../ml/models/registry';
import { pipelineConfigSchema } from '../signal/pipeline-config';
import { inferenceSchema, operatingPointSchema, provenanceSchema } from '../train/package/manifest';
import { decodeSafetensors, encodeSafetensors, type NamedArray } from './safetensors';
import type { EngineLayerSpec } from './engine-weights';

/**
 * A PyTorch exchange folder: what `ecg model export-pytorch` writes for the distributed trainer
 * (distributed/einthoven_ddp) and what the trainer writes back for `ecg model import-pytorch`.
 *   einthoven.json       architecture, classes, preprocessing (fitted), inference, and either the
 *                        source package's operating point (export) or the training run (import)
 *   weights.safetensors  every weight in engine order and layout (core/interop/engine-weights.ts)
 *   val_logits.npy, val_labels.npy   (trainer output) the selected model's validation logits,
 *                        from which the engine fits temperature and thresholds with its own code
 */
export const pytorchFiles = {
  config: 'einthoven.json',
  weights: 'weights.safetensors',
  valLogits: 'val_logits.npy',
  valLabels: 'val_labels.npy',
} as const;

export const pytorchFormat = { format: 'einthoven-pytorch', formatVersion: 1 } as const;

/** What the trainer reports about its run; the engine turns it into a package's provenance. */
const trainingRunSchema = z.object({
  /** The engine's training configuration (core/train/config.ts), as the trainer applied it. */
  config: z.record(z.string(), z.unknown()),
  dataset: provenanceSchema.shape.dataset,
  epochs: provenanceSchema.shape.epochs,
  seed: z.number().int(),
  /** e.g. "pytorch 2.11 DDP, nccl, 8 processes". */
  backend: z.string().min(1).max(200),
  secondsPerEpoch: z.number().nonnegative(),
  selection: z.string().max(400),
  history: z.array(z.record(z.string(), z.number().nullable())).max(10_000).default([]),
  /** The package the run started from, when it did (fine-tuning at scale). */
  base: provenanceSchema.shape.base,
});

export const pytorchConfigSchema = z.object({
  format: z.literal(pytorchFormat.format),
  formatVersion: z.literal(pytorchFormat.formatVersion),
  name: z.string().min(1).max(120),
  architecture: z.object({ name: z.string().min(1).max(100), buildOptions: buildOptionsSchema, inputLength: z.number().int().positive() }),
  classes: z.array(z.string().min(1).max(100)).min(1).max(1000),
  preprocessing: pipelineConfigSchema,
  inference: inferenceSchema,
  /** Export: the package's own operating point and identity. */
  operatingPoint: operatingPointSchema.optional(),
  source: z.object({ id: z.string(), weightsSha256: z.string() }).optional(),
  /** Import: the training run. */
  training: trainingRunSchema.optional(),
});
export type PytorchConfig = z.infer<typeof pytorchConfigSchema>;

const maxConfigBytes = 8 * 1024 * 1024;
const maxWeightsBytes = 2 * 1024 * 1024 * 1024;

export async function readCapped(file: string, cap: number): Promise<Uint8Array> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw new EinthovenError('E_NOT_FOUND', `${file}: missing`);
  if (info.size > cap) throw new EinthovenError('E_TOO_LARGE', `${file}: ${info.size} bytes exceed the ${cap}-byte limit`);
  return viewOf(await readFile(file));
}

/**
 * The file's bytes as a plain Uint8Array over the Buffer's own memory: `new Uint8Array(buffer)`
 * copied them, a second 140 MB for VGG11-bn's weights on every export and import.
 */
function viewOf(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export async function readPytorchConfig(dir: string): Promise<PytorchConfig> {
  const file = path.join(dir, pytorchFiles.config);
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(await readCapped(file, maxConfigBytes)).toString('utf8'));
  } catch (error) {
    if (error instanceof EinthovenError) throw error;
    throw new EinthovenError('E_FORMAT', `${file}: not JSON`);
  }
  const parsed = pytorchConfigSchema.safeParse(json);
  if (!parsed.success) throw new EinthovenError('E_VALIDATION', `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

export async function readEngineOrderWeights(dir: string): Promise<NamedArray[]> {
  const file = path.join(dir, pytorchFiles.weights);
  const { tensors, metadata } = decodeSafetensors(await readCapped(file, maxWeightsBytes), file);
  if (metadata['order'] !== 'einthoven-engine') throw new EinthovenError('E_MODEL', `${file}: not in Einthoven's engine order (metadata.order is ${metadata['order'] ?? 'missing'})`);
  return tensors;
}

/** Writes the folder; each file under a temporary name first, so a reader never sees half a file. */
export async function writePytorchDir(dir: string, config: PytorchConfig, tensors: readonly NamedArray[], layers: readonly EngineLayerSpec[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  const files: [string, Uint8Array][] = [
    [pytorchFiles.weights, encodeSafetensors(tensors, { order: 'einthoven-engine', layers: JSON.stringify(layers) })],
    [pytorchFiles.config, new TextEncoder().encode(`${JSON.stringify(config, null, 2)}\n`)],
  ];
  for (const [name, bytes] of files) {
    await writeFile(path.join(dir, `${name}.tmp`), bytes);
    await rename(path.join(dir, `${name}.tmp`), path.join(dir, name));
  }
}
