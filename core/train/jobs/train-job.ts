import path from 'node:path';
import { loadDataset, type DatasetSpec } from '../../data/load';
import { makeLoss } from '../../ml/loss/losses';
import { architectureInfo, buildModel } from '../../ml/models/registry';
import type { BackendName } from '../../ml/backend/init';
import type { Interval, MetricsReport } from '../../ml/metrics/index';
import { pipelineConfigSchema, type PipelineConfigInput } from '../../signal/pipeline-config';
import type { Normalisation } from '../../signal/normalise';
import { saveBundle } from '../bundle';
import { trainConfigSchema, type TrainConfigInput } from '../config';
import { recordTrainingData } from '../data-source';
import { calibrateOnValidation } from '../finalize';
import { adamWGroup, trainableVariables, trainLoop, type EpochRecord } from '../loop';
import { defaultPipeline, pipelineCrop } from '../pipelines';
import { recordLogits } from '../predict';
import type { JobContext } from '../progress';
import { ensureBackend, fingerprint, loadStore, selectionItems, usable } from '../setup';

export const engineVersion = '0.1.0';

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
  readonly backend?: BackendName;
  readonly name?: string;
  readonly description?: string;
  readonly demonstration?: boolean;
}

export interface TrainJobResult {
  readonly out: string;
  readonly backend: string;
  readonly classes: readonly string[];
  readonly counts: { readonly train: number; readonly val: number; readonly failed: number };
  readonly history: readonly EpochRecord[];
  readonly bestEpoch: number;
  readonly cancelled: boolean;
  readonly stoppedEarly: boolean;
  readonly secondsPerEpoch: number;
  readonly thresholds: readonly number[];
  readonly temperature: number;
  readonly validation: MetricsReport;
  readonly validationCi: Record<string, Interval>;
}

/**
 * Trains an architecture on a dataset's train split, selecting on validation, then calibrates
 * and tunes thresholds on validation and writes a model package. The test split is never read.
 */
export async function trainJob(options: TrainJobOptions, context: JobContext = {}): Promise<TrainJobResult> {
  const config = trainConfigSchema.parse(options.train ?? {});
  const backend = await ensureBackend(options.backend);
  const info = architectureInfo(options.architecture);
  const dataset = await loadDataset({ ...options.dataset, ...(options.dataset.kind === 'ptbxl' && !options.dataset.fs ? { fs: info.fs === 100 ? 100 : 500 } : {}), keepUnlabeled: options.dataset.keepUnlabeled ?? config.paperExact });
  const { train, val } = selectionItems(dataset, config.paperExact);
  const pipelineInput = options.pipeline
    ? pipelineConfigSchema.parse(options.pipeline)
    : defaultPipeline(options.architecture, { ...(options.normalisation ? { normalisation: options.normalisation } : {}), paperExact: config.paperExact, augment: true });
  const store = await loadStore([...train, ...val], pipelineInput, context, options.cacheDir);
  const trainSet = usable(train, store);
  const valSet = usable(val, store);
  const pipeline = store.fitStandardisation(trainSet.ids);
  const inputLength = pipelineCrop(pipeline) ?? info.inputLength;
  const model = buildModel(options.architecture, { numClasses: dataset.classes.length, inputLength, paperExact: config.paperExact });
  const evaluation = { mode: config.evaluation.mode, aggregate: config.evaluation.aggregate, stride: config.evaluation.stride ?? Math.floor(inputLength / 2) };
  const data = recordTrainingData(store, trainSet, valSet, evaluation);
  const loss = makeLoss(config.loss, config.posWeight ? { posWeight: config.posWeight } : {});
  const groups = [adamWGroup(trainableVariables(model), config.learningRate, config.weightDecay)];
  const jobKey = fingerprint({ a: options.architecture, d: dataset.name, n: trainSet.ids.length, config, pipeline: pipelineInput });
  context.onProgress?.({ kind: 'phase', phase: 'training', message: `${options.architecture} on ${trainSet.ids.length} records, validating on ${valSet.ids.length}` });
  const result = await trainLoop({ model, data, config, loss, groups, jobKey, ...(options.checkpointDir ? { checkpointDir: options.checkpointDir } : {}) }, context);
  context.onProgress?.({ kind: 'phase', phase: 'calibrating', message: 'temperature and thresholds on validation' });
  const calibrated = calibrateOnValidation(recordLogits(model, store, valSet.ids, evaluation), valSet.labels, dataset.classes, config);
  const secondsPerEpoch = result.history.reduce((s, h) => s + h.seconds, 0) / Math.max(1, result.history.length);
  await saveBundle(options.out, model, {
    name: options.name ?? path.basename(options.out),
    architecture: options.architecture,
    buildOptions: { numClasses: dataset.classes.length, inputLength, paperExact: config.paperExact },
    classes: [...dataset.classes],
    pipeline: { ...pipeline, augmentation: null },
    thresholds: calibrated.thresholds,
    temperature: calibrated.temperature,
    demonstration: options.demonstration ?? false,
    description: options.description ?? '',
    engineVersion,
    provenance: {
      dataset: dataset.name,
      datasetFingerprint: fingerprint(dataset.items.map((i) => [i.id, i.split, i.labels])),
      trainRecords: trainSet.ids.length,
      valRecords: valSet.ids.length,
      split: config.paperExact ? 'paperExact: selected on test' : 'train / val (test untouched)',
      epochsRun: result.history.length,
      bestEpoch: result.bestEpoch,
      seed: config.seed,
      config,
      backend: backend.active,
      secondsPerEpoch,
      validation: { metrics: calibrated.metrics, ci: calibrated.ci },
    },
  });
  model.dispose();
  context.onProgress?.({ kind: 'phase', phase: 'done', message: `saved ${options.out}` });
  return {
    out: options.out,
    backend: backend.active,
    classes: dataset.classes,
    counts: { train: trainSet.ids.length, val: valSet.ids.length, failed: store.failures.length },
    history: result.history,
    bestEpoch: result.bestEpoch,
    cancelled: result.cancelled,
    stoppedEarly: result.stoppedEarly,
    secondsPerEpoch,
    thresholds: calibrated.thresholds,
    temperature: calibrated.temperature,
    validation: calibrated.metrics,
    validationCi: calibrated.ci,
  };
}
