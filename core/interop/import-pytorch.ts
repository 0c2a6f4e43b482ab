import path from 'node:path';
import { engineVersion } from '../engine/version';
import { EinthovenError } from '../errors';
import { withoutInitialDraws } from '../ml/models/init';
import { buildModel } from '../ml/models/registry';
import { buildPipeline } from '../signal/pipeline';
import { splitAtCrop } from '../data/store';
import { recordedAugmentation } from '../train/augmentation';
import { trainConfigSchema } from '../train/config';
import { pipelineRate } from '../train/pipelines';
import { calibrateOnValidation, jsonSafe } from '../train/finalize';
import { saveModelPackage } from '../train/package/archive';
import type { ModelManifest } from '../train/package/manifest';
import { aggregateLogits, logitsOf } from '../train/predict';
import { importEngineWeights } from './engine-weights';
import { decodeNpy } from './npy';
import { pytorchFiles, readCapped, readEngineOrderWeights, readPytorchConfig, type PytorchConfig } from './pytorch-dir';
import { readShardIndex, shardRecords } from './shards';
import type * as tf from '@tensorflow/tfjs';
import { requireNewOutput } from '../storage/new-output';

const maxNpyBytes = 1024 * 1024 * 1024;

async function readMatrix(dir: string, name: string, columns: number): Promise<number[][]> {
  const file = path.join(dir, name);
  const { data, shape } = decodeNpy(await readCapped(file, maxNpyBytes), file);
  if (shape.length !== 2 || shape[1] !== columns) throw new EinthovenError('E_VALIDATION', `${file}: shape (${shape.join(', ')}), expected (n, ${columns})`);
  if (!data.every(Number.isFinite)) throw new EinthovenError('E_VALIDATION', `${file}: holds non-finite values`);
  return Array.from({ length: shape[0] as number }, (_, i) => Array.from(data.subarray(i * columns, (i + 1) * columns)));
}

/**
 * Validation logits computed by the engine itself from the shards' validation records with the
 * imported weights — the numbers its calibration then uses — and the largest difference from the
 * trainer's own logits, which shows the round trip is exact.
 */
async function engineValidationLogits(model: tf.LayersModel, config: PytorchConfig, shardsDir: string): Promise<number[][]> {
  const index = readShardIndex(shardsDir);
  if (JSON.stringify(index.pipeline) !== JSON.stringify(config.preprocessing)) {
    throw new EinthovenError('E_VALIDATION', `${shardsDir}: the shards' pipeline is not the one the model was trained with`);
  }
  // The shards hold each record after the stages before the crop; the rest runs here, as in the engine.
  const after = buildPipeline(splitAtCrop(config.preprocessing).after);
  const fs = pipelineRate(config.preprocessing) ?? 1;
  const out: number[][] = [];
  for (const signal of shardRecords(shardsDir, index.splits.val)) {
    const record = { fs, signal };
    if (config.inference.mode === 'windows') out.push(aggregateLogits(await logitsOf(model, after.windows(record, config.inference.stride ?? 1).map((w) => [...w.signal]), 32), config.inference.aggregate));
    else out.push(...(await logitsOf(model, [[...after.run(record, { mode: 'eval' }).signal]], 1)));
  }
  return out;
}

export interface ImportResult {
  readonly manifest: ModelManifest;
  /** Largest |engine − trainer| validation logit when the shards were given (the exactness check). */
  readonly maxLogitDifference?: number;
}

/**
 * Builds an Einthoven package from a PyTorch training result (distributed/einthoven_ddp):
 * weights into the engine's own model, then temperature and thresholds fitted on validation with
 * the engine's calibration code, provenance from the run. With `shardsDir`, the validation logits
 * are recomputed by the engine and must agree with the trainer's within 1e-3.
 */
export async function importPytorch(dir: string, out: string, options: { name?: string; description?: string; shardsDir?: string } = {}): Promise<ImportResult> {
  requireNewOutput(out, 'an imported model package');
  const config = await readPytorchConfig(dir);
  const training = config.training;
  if (!training) throw new EinthovenError('E_VALIDATION', `${dir}: no training run in ${pytorchFiles.config} (an export, not a training result)`);
  const trainConfig = trainConfigSchema.parse(training.config);
  const { name, buildOptions } = config.architecture;
  const model = withoutInitialDraws(() => buildModel(name, buildOptions)); // importEngineWeights sets every weight
  try {
    importEngineWeights(model, name, buildOptions, await readEngineOrderWeights(dir));
    const classes = config.classes;
    const trainerLogits = await readMatrix(dir, pytorchFiles.valLogits, classes.length);
    const valLabels = await readMatrix(dir, pytorchFiles.valLabels, classes.length);
    if (trainerLogits.length !== valLabels.length || valLabels.length === 0) throw new EinthovenError('E_VALIDATION', `${dir}: ${trainerLogits.length} validation logits for ${valLabels.length} labels`);
    let logits = trainerLogits;
    let maxLogitDifference: number | undefined;
    if (options.shardsDir) {
      logits = await engineValidationLogits(model, config, options.shardsDir);
      if (logits.length !== trainerLogits.length) throw new EinthovenError('E_VALIDATION', `${options.shardsDir}: ${logits.length} validation records, the trainer scored ${trainerLogits.length}`);
      maxLogitDifference = Math.max(...logits.flatMap((row, i) => row.map((z, j) => Math.abs(z - (trainerLogits[i]![j] as number)))));
      if (!(maxLogitDifference <= 1e-3)) throw new EinthovenError('E_MODEL', `the engine's validation logits differ from the trainer's by ${maxLogitDifference.toExponential(2)}: not the same model`);
    }
    const calibrated = calibrateOnValidation(logits, valLabels, classes, trainConfig);
    const manifest = await saveModelPackage(
      out,
      model,
      jsonSafe({
        name: options.name ?? config.name,
        description: options.description ?? `Trained with PyTorch DistributedDataParallel (${training.backend}) and imported; temperature and thresholds fitted by the engine on validation.`,
        demonstration: false,
        architecture: { name, buildOptions },
        hyperParameters: { ...training.config, trainedWith: 'distributed/einthoven_ddp' },
        classes: [...classes],
        preprocessing: { ...config.preprocessing, augmentation: null },
        // What the trainer augmented with (its pipeline's, as distributed/einthoven_ddp/pipeline.py applies it): every package records it.
        augmentation: recordedAugmentation(config.preprocessing),
        inference: config.inference,
        operatingPoint: calibrated.operatingPoint,
        provenance: {
          dataset: training.dataset,
          epochs: training.epochs,
          seed: training.seed,
          backend: training.backend,
          secondsPerEpoch: training.secondsPerEpoch,
          selection: `${training.selection}; calibration on ${options.shardsDir ? "the engine's own" : "the trainer's"} validation logits`,
          validation: { n: valLabels.length, metrics: calibrated.metrics as unknown as Record<string, unknown>, ci: calibrated.ci },
          ...(training.base ? { base: training.base } : {}),
          history: training.history,
        },
      }),
      engineVersion,
    );
    return { manifest, ...(maxLogitDifference === undefined ? {} : { maxLogitDifference }) };
  } finally {
    model.dispose();
  }
}
