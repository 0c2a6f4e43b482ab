import { z } from 'zod';
import { ErrorInfoSchema, JobId, RecordId } from './schemas';

/**
 * Shapes of the training, evaluation and prediction channels (issue 6). Paths are folders on
 * the engine's machine (the app picks them with a folder dialog); the engine never writes
 * outside its data folder.
 */
/** An absolute path on Windows (C:\…, \\server\…) or POSIX (/…): the engine has no other base to resolve a UI's path from. */
export function isAbsoluteEnginePath(text: string): boolean {
  return /^(?:[A-Za-z]:[\\/]|\\\\|\/)/.test(text.trim());
}
const pathString = z
  .string()
  .min(1)
  .max(4096)
  .refine(isAbsoluteEnginePath, 'must be an absolute path on the computer running the engine');
const name = z.string().min(1).max(120).regex(/^[\w .-]+$/, 'letters, digits, space, dot, dash or underscore');

export const DatasetSpecSchema = z.object({
  kind: z.enum(['ptbxl', 'cpsc', 'cinc', 'csv']),
  root: pathString,
  task: z.enum(['superclass', 'subclass', 'all']).optional(),
  fs: z.union([z.literal(100), z.literal(500)]).optional(),
  keepUnlabeled: z.boolean().optional(),
  labels: pathString.optional(),
  testLabels: pathString.optional(),
  mapping: pathString.optional(),
  positiveClass: z.string().max(100).optional(),
  seed: z.number().int().min(0).optional(),
});

/** The training configuration a UI may set; unset fields take the engine's defaults (core/train/config.ts). */
export const TrainSettingsSchema = z
  .object({
    epochs: z.number().int().min(1).max(1000),
    batchSize: z.number().int().min(1).max(4096),
    learningRate: z.number().positive().max(1),
    weightDecay: z.number().min(0).max(1),
    loss: z.enum(['focal', 'bce']),
    schedule: z.enum(['constant', 'onecycle']),
    patience: z.number().int().min(0).max(1000),
    selection: z.enum(['f1Macro', 'aucMacro', 'mapMacro', 'valLoss']),
    thresholds: z.enum(['f1', 'youden', 'fixed']),
    calibrate: z.boolean(),
    seed: z.number().int().min(0),
    trunkLrFactor: z.number().positive().max(1),
    evaluation: z.object({ mode: z.enum(['centre', 'windows']), stride: z.number().int().positive().optional(), aggregate: z.enum(['mean', 'max']) }),
  })
  .partial()
  .strict();

export const TrainJobKind = z.enum(['train', 'finetune', 'hpo', 'evaluate']);

const metricValue = z.number().nullable();
const HeadlineMetricsSchema = z.object({
  accuracy: metricValue,
  subsetAccuracy: metricValue,
  f1Macro: metricValue,
  mapMacro: metricValue,
  gmean: metricValue,
  gmeanPaper: metricValue,
  aucMacro: metricValue,
  perClass: z.record(z.string(), z.record(z.string(), metricValue)),
});
const IntervalsSchema = z.record(z.string(), z.object({ low: metricValue, high: metricValue }));

export const OperatingPointSchema = z.object({ method: z.string(), temperature: z.number(), thresholds: z.record(z.string(), z.number()) });

/** A model package as listed for the UI (from its manifest; weights are verified on load). */
export const ModelSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  architecture: z.string(),
  classes: z.array(z.string()),
  demonstration: z.boolean(),
  bundled: z.boolean(),
  createdAt: z.string(),
  operatingPoint: OperatingPointSchema,
  dataset: z.string(),
  trainRecords: z.number().int().nonnegative(),
  validation: HeadlineMetricsSchema.partial(),
  /** What the model reads: its sampling rate (records are resampled to it), window length and how windows are combined. */
  input: z.object({
    rateHz: z.number().positive().nullable(),
    windowSeconds: z.number().positive().nullable(),
    mode: z.enum(['centre', 'windows']),
    aggregate: z.enum(['mean', 'max']),
  }),
});
export type ModelSummary = z.infer<typeof ModelSummarySchema>;

export const PredictionSchema = z.object({
  recordId: RecordId,
  probabilities: z.record(z.string(), z.number()).nullable(),
  decisions: z.record(z.string(), z.boolean()).nullable(),
  abstained: z.boolean(),
  reason: z.string().nullable(),
  model: z.object({ id: z.string(), name: z.string(), demonstration: z.boolean() }),
  operatingPoint: OperatingPointSchema,
  quality: z.object({ verdict: z.enum(['good', 'degraded', 'unusable']), reasons: z.array(z.string()) }),
  researchUseOnly: z.literal(true),
});
export type PredictionResult = z.infer<typeof PredictionSchema>;

export const EvaluationResultSchema = z.object({
  kind: z.literal('evaluate'),
  n: z.number().int().nonnegative(),
  classes: z.array(z.string()),
  metrics: HeadlineMetricsSchema,
  ci: IntervalsSchema,
  split: z.string(),
  dataset: z.string(),
  modelId: z.string(),
});

export const TrainedModelResultSchema = z.object({
  kind: z.enum(['train', 'finetune', 'hpo']),
  modelId: z.string().nullable(),
  name: z.string(),
  bestEpoch: z.number().int().nonnegative(),
  epochs: z.number().int().nonnegative(),
  cancelled: z.boolean(),
  validation: HeadlineMetricsSchema.partial(),
  /** hpo: the results table (Markdown). */
  table: z.string().optional(),
});

export const TrainingResultSchema = z.discriminatedUnion('kind', [EvaluationResultSchema, TrainedModelResultSchema]);
export type TrainingResult = z.infer<typeof TrainingResultSchema>;

/** Progress of a training-side job: a phase message, or step/epoch figures. */
export const TrainProgressSchema = z.object({
  jobId: JobId,
  kind: TrainJobKind,
  phase: z.string().optional(),
  message: z.string().optional(),
  epoch: z.number().int().nonnegative().optional(),
  epochs: z.number().int().nonnegative().optional(),
  step: z.number().int().nonnegative().optional(),
  steps: z.number().int().nonnegative().optional(),
  loss: z.number().nullable().optional(),
  valLoss: z.number().nullable().optional(),
  val: z.object({ f1Macro: metricValue, aucMacro: metricValue, mapMacro: metricValue }).optional(),
  improved: z.boolean().optional(),
  samplesPerSecond: z.number().optional(),
  etaSeconds: z.number().optional(),
});
export type TrainProgressEvent = z.infer<typeof TrainProgressSchema>;

export const TrainFinishedSchema = z.discriminatedUnion('status', [
  z.object({ jobId: JobId, kind: TrainJobKind, status: z.literal('succeeded'), result: TrainingResultSchema }),
  /** A cancelled training still writes its best model so far (result present). */
  z.object({ jobId: JobId, kind: TrainJobKind, status: z.literal('cancelled'), result: TrainingResultSchema.optional() }),
  z.object({ jobId: JobId, kind: TrainJobKind, status: z.literal('failed'), error: ErrorInfoSchema }),
]);
export type TrainFinished = z.infer<typeof TrainFinishedSchema>;

/** At most this many epoch events are kept per running job for a UI that attaches later. */
export const activeJobEpochLimit = 1000;

/** A training-side job still running, with what a UI needs to show it again (after a reload). */
export const ActiveTrainingJobSchema = z.object({
  jobId: JobId,
  kind: TrainJobKind,
  /** The model (or study) name the job was started with. */
  name: z.string(),
  baseModelId: z.string().nullable(),
  startedAt: z.string(),
  phase: TrainProgressSchema.nullable(),
  step: TrainProgressSchema.nullable(),
  epochs: z.array(TrainProgressSchema).max(activeJobEpochLimit),
});
export type ActiveTrainingJob = z.infer<typeof ActiveTrainingJobSchema>;

export const trainingChannels = {
  'models:list': {
    request: z.object({}).strict(),
    /** `defaultModelId`: the model this workstation offers first for predictions; `previousDefaultId`: the one before it (for a rollback). */
    response: z.object({ models: z.array(ModelSummarySchema), defaultModelId: z.string().nullable(), previousDefaultId: z.string().nullable() }),
  },
  // Makes a model the workstation's default for predictions (promote; promoting the previous one rolls back). Audited.
  'models:promote': {
    request: z.object({ modelId: z.string().min(1).max(200) }).strict(),
    response: z.object({ defaultModelId: z.string(), previousDefaultId: z.string().nullable() }),
  },
  'models:predict': {
    request: z.object({ modelId: z.string().min(1).max(200), recordId: RecordId }).strict(),
    response: PredictionSchema,
  },
  'models:evaluate': {
    request: z.object({ modelId: z.string().min(1).max(200), dataset: DatasetSpecSchema, split: z.enum(['train', 'val', 'test', 'all']).default('test') }).strict(),
    response: z.object({ jobId: JobId }),
  },
  'train:start': {
    request: z.object({ architecture: z.string().min(1).max(60), dataset: DatasetSpecSchema, name, settings: TrainSettingsSchema.default({}) }).strict(),
    response: z.object({ jobId: JobId }),
  },
  'train:finetune': {
    // workers: data-parallel worker threads (core/parallel); absent = the engine's default, cores − 1.
    request: z.object({ baseModelId: z.string().min(1).max(200), dataset: DatasetSpecSchema, mode: z.enum(['head', 'full', 'scratch']).optional(), name, settings: TrainSettingsSchema.default({}), workers: z.number().int().min(1).max(64).optional() }).strict(),
    response: z.object({ jobId: JobId }),
  },
  'train:hpo': {
    request: z.object({ architecture: z.string().min(1).max(60), dataset: DatasetSpecSchema, name, trials: z.number().int().min(1).max(1000), settings: TrainSettingsSchema.default({}) }).strict(),
    response: z.object({ jobId: JobId }),
  },
  // Running training-side jobs and their progress so far: a reloaded window shows them again.
  'train:active': {
    request: z.object({}).strict(),
    response: z.object({ jobs: z.array(ActiveTrainingJobSchema) }),
  },
} as const;

export const trainingEvents = {
  'train:progress': TrainProgressSchema,
  'train:finished': TrainFinishedSchema,
} as const;
