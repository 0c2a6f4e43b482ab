import type * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { EinthovenError } from '../errors';
import { buildModel } from '../ml/models/registry';
import { pipelineConfigSchema } from '../signal/pipeline-config';
import { loadModelWeights, saveModelWeights } from './weights-io';

/**
 * The trained-model folder the training engine writes and reads: manifest.json + weights.
 * (Interim format of core/train until core/ml's model package lands; the fields map one to one.)
 */
export const bundleManifestSchema = z.object({
  format: z.literal('einthoven-train-bundle'),
  version: z.literal(1),
  name: z.string(),
  architecture: z.string(),
  buildOptions: z.object({ numClasses: z.number().int().positive(), inputLength: z.number().int().positive(), paperExact: z.boolean().optional() }),
  classes: z.array(z.string()).min(1),
  pipeline: pipelineConfigSchema,
  thresholds: z.array(z.number()),
  temperature: z.number().positive(),
  demonstration: z.boolean().default(false),
  description: z.string().default(''),
  provenance: z.record(z.string(), z.unknown()).default({}),
  engineVersion: z.string(),
  weightsSha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type BundleManifest = z.infer<typeof bundleManifestSchema>;

async function weightsHash(dir: string): Promise<string> {
  const hash = createHash('sha256');
  hash.update(await readFile(path.join(dir, 'weights.json')));
  hash.update(await readFile(path.join(dir, 'weights.bin')));
  return hash.digest('hex');
}

/** Writes model weights and manifest (with the weights' SHA-256) into `dir`. */
export async function saveBundle(dir: string, model: tf.LayersModel, manifest: Omit<BundleManifest, 'weightsSha256' | 'format' | 'version'>): Promise<BundleManifest> {
  await mkdir(dir, { recursive: true });
  await saveModelWeights(model, path.join(dir, 'weights'));
  const full: BundleManifest = bundleManifestSchema.parse({ format: 'einthoven-train-bundle', version: 1, ...manifest, weightsSha256: await weightsHash(dir) });
  await writeFile(path.join(dir, 'manifest.json'), `${JSON.stringify(full, null, 2)}\n`);
  return full;
}

/** Loads a bundle, refusing a malformed manifest or weights whose hash does not match (E_MODEL). */
export async function loadBundle(dir: string): Promise<{ manifest: BundleManifest; model: tf.LayersModel }> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8'));
  } catch (error) {
    throw new EinthovenError('E_MODEL', `${dir}: no readable manifest.json (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = bundleManifestSchema.safeParse(raw);
  if (!parsed.success) throw new EinthovenError('E_MODEL', `${dir}: invalid manifest: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const manifest = parsed.data;
  const actual = await weightsHash(dir).catch(() => 'missing');
  if (actual !== manifest.weightsSha256) throw new EinthovenError('E_MODEL', `${dir}: weights do not match the manifest's SHA-256 (tampered or incomplete)`);
  if (manifest.thresholds.length !== manifest.classes.length) throw new EinthovenError('E_MODEL', `${dir}: ${manifest.thresholds.length} thresholds for ${manifest.classes.length} classes`);
  const model = buildModel(manifest.architecture, manifest.buildOptions);
  await loadModelWeights(model, path.join(dir, 'weights'));
  return { manifest, model };
}
