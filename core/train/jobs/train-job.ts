import type { DatasetSpec } from '../../data/load';
import type { BackendName } from '../../ml/backend/init';
import { makeLoss } from '../../ml/loss/losses';
import { resolveTrainingWorkers, resolveWorkers } from '../../parallel/worker-count';
import type { Interval, MetricsReport } from '../../ml/metrics/index';
import { architectureInfo, buildModel, type BuildOptions } from '../../ml/models/registry';
import type { Normalisation } from '../../signal/normalise';
import { pipelineConfigSchema, type PipelineConfig, type PipelineConfigInput } from '../../signal/pipeline-config';
import { checkPosWeight, trainConfigSchema, type TrainConfig, type TrainConfigInput } from '../config';
import { recordTrainingData } from '../data-source';
import { adamWGroup, trainableVariables, trainLoop, type EpochRecord } from '../loop';
import type { ModelManifest } from '../package/manifest';
import { augmentChoiceOf, defaultAugment, withAugmentation } from '../augmentation';
import { defaultPipeline, pipelineCrop } from '../pipelines';
import type { JobContext } from '../progress';
import { announceMemory, checkTrainingMemory } from '../memory-estimate';
import { ensureBackend, fingerprint } from '../setup';
import { withSeededRandom } from '../step';
import { createRng } from '../../signal/rng';
import { calibrateAndPackage, packageName, requireCompletedEpoch } from './package-trained';
import { datasetSha256, prepareTraining, selectionEvalOptions, type PreparedData } from './prepare';
import { requireNewOutput } from '../../storage/new-output';

/** What `ecg train` and the app's training job take. */
export interface TrainJobOptions {
  readonly dataset: DatasetSpec;
  readonly architecture: string;
  /** Model package folder to write. */
  readonly out: string;
  readonly train?: TrainConfigInput;
  /** Overrides the architecture's default pipeline. */
  readonly pipeline?: PipelineConfigInput;
  readonly normalisation?: Normalisation;
  readonly checkpointDir?: string;
  readonly cacheDir?: string;
  /** false: keep decoded records on disk (in cacheDir) instead of memory, for data larger than memory. */
  readonly inMemory?: boolean;
  readonly backend?: BackendName;
  /** Data-parallel worker threads (default: cores − 1, for training at most one per 8 rows of the batch; 1 trains in the engine's own thread). */
  readonly workers?: number;
  /** Train even when the memory estimate says the job does not fit this workstation (`--force-memory`). */
  readonly forceMemory?: boolean;
  readonly name?: string;
  readonly description?: string;
  readonly demonstration?: boolean;
  /** CRNN: the recurrent part (layers, hidden, dropout, bidirectional). */
  readonly rnn?: BuildOptions['rnn'];
}

export interface TrainJobResult {
  readonly out: string;
  readonly manifest: ModelManifest;
  readonly backend: string;
  readonly counts: { readonly train: number; readonly val: number; readonly failed: number };
  readonly history: readonly EpochRecord[];
  readonly bestEpoch: number;
  readonly cancelled: boolean;
  readonly stoppedEarly: boolean;
  readonly secondsPerEpoch: number;
  readonly validation: MetricsReport;
  readonly validationCi: Record<string, Interval>;
}

/**
 * The pipeline a job trains with: the caller's, or the architecture's default, with the
 * augmentation `config.augment` chooses (else the caller's pipeline's, else the architecture's
 * default). What it holds is what the manifest records.
 */
export function jobPipeline(options: Pick<TrainJobOptions, 'pipeline' | 'architecture' | 'normalisation'>, config: Pick<TrainConfig, 'paperExact' | 'augment'>) {
  if (options.pipeline) {
    const given = pipelineConfigSchema.parse(options.pipeline);
    return config.augment ? withAugmentation(given, config.augment) : given;
  }
  const pipeline = defaultPipeline(options.architecture, { ...(options.normalisation ? { normalisation: options.normalisation } : {}), paperExact: config.paperExact });
  return withAugmentation(pipeline, config.augment ?? defaultAugment(options.architecture));
}

/**
 * Trains an architecture on a dataset's train split, selecting and stopping on validation, then
 * calibrates and tunes thresholds on validation and writes a model package. The test split is
 * never read. A cancelled job still writes the best model so far, once an epoch has ended.
 */
export async function trainJob(options: TrainJobOptions, context: JobContext = {}): Promise<TrainJobResult> {
  // A run with a checkpoint may be the same command again, resuming: its own package is written again.
  if (!options.checkpointDir) requireNewOutput(options.out, 'a trained model package');
  const config = trainConfigSchema.parse(options.train ?? {});
  const backend = await ensureBackend(options.backend);
  const pipelineInput = jobPipeline(options, config);
  const prepared = await prepareTraining(options.dataset, pipelineInput, config, context, options.cacheDir, options.inMemory ?? true, resolveWorkers(options.workers), { modelName: packageName(options) });
  return trainPrepared(options, config, backend.active, pipelineInput, prepared, context);
}

/**
 * Trains on data already decoded and split (a dataset's own split, or one cross-validation
 * fold's), then calibrates on its validation records and writes the package.
 */
export async function trainPrepared(options: TrainJobOptions, config: TrainConfig, backendName: string, pipelineInput: PipelineConfig, prepared: PreparedData, context: JobContext = {}): Promise<TrainJobResult> {
  const info = architectureInfo(options.architecture);
  const workers = resolveWorkers(options.workers);
  const { dataset, store, train, val, pipeline } = prepared;
  checkPosWeight(config, dataset.classes.length);
  const inputLength = pipelineCrop(pipeline) ?? info.inputLength;
  const buildOptions: BuildOptions = { numClasses: dataset.classes.length, inputLength, ...(config.paperExact ? { paperExact: true } : {}), ...(options.rnn ? { rnn: options.rnn } : {}) };
  // Initial weights drawn from the seed too, so a run is reproducible from its config.
  const model = withSeededRandom(createRng(config.seed), () => buildModel(options.architecture, buildOptions));
  try {
    announceMemory(checkTrainingMemory({ model, batchSize: config.batchSize, trainRecords: train.ids.length, workers: resolveTrainingWorkers(options.workers, config.batchSize), mode: 'scratch', backend: backendName }), options.forceMemory, context);
    const evaluation = selectionEvalOptions(config, inputLength, dataset);
    const data = recordTrainingData(store, train, val, evaluation);
    const loss = makeLoss(config.loss, config.posWeight ? { posWeight: config.posWeight } : {});
    const groups = [adamWGroup(trainableVariables(model), config.learningRate, config.weightDecay)];
    const jobKey = fingerprint({ a: options.architecture, d: datasetSha256(dataset), config, pipeline: pipelineInput });
    context.onProgress?.({ kind: 'phase', phase: 'training', message: `${options.architecture} on ${train.ids.length} records, validating on ${val.ids.length} (${backendName})` });
    const lossSpec = { name: config.loss, ...(config.posWeight ? { posWeight: config.posWeight } : {}) };
    const result = await trainLoop({ model, data, config, loss, lossSpec, groups, jobKey, workers: resolveTrainingWorkers(options.workers, config.batchSize), ...(options.checkpointDir ? { checkpointDir: options.checkpointDir } : {}) }, context);
    requireCompletedEpoch(result);
    context.onProgress?.({ kind: 'phase', phase: 'calibrating', message: 'temperature and thresholds on validation' });
    const { manifest, calibrated, secondsPerEpoch } = await calibrateAndPackage({
      out: options.out,
      model,
      prepared,
      config,
      evaluation,
      architecture: options.architecture,
      buildOptions,
      result,
      backend: backendName,
      workers,
      name: options.name,
      description: options.description,
      demonstration: options.demonstration,
      hyperParameters: { ...config, augment: augmentChoiceOf(pipeline), normalisation: options.normalisation ?? null, ...(options.rnn ? { rnn: options.rnn } : {}) },
    });
    context.onProgress?.({ kind: 'phase', phase: 'done', message: `saved ${options.out}` });
    return {
      out: options.out,
      manifest,
      backend: backendName,
      counts: { train: train.ids.length, val: val.ids.length, failed: store.failures.length },
      history: result.history,
      bestEpoch: result.bestEpoch,
      cancelled: result.cancelled,
      stoppedEarly: result.stoppedEarly,
      secondsPerEpoch,
      validation: calibrated.metrics,
      validationCi: calibrated.ci,
    };
  } finally {
    model.dispose();
  }
}
