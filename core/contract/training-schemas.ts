import { z } from 'zod';
import { BaseComparisonSchema, CalibrationByClassSchema, SiteEvaluationSchema } from './evaluation-schemas';
import { PeComparisonSchema } from './pe-schemas';
import { ErrorInfoSchema, JobId, LeftOutRecordsSchema, RecordId } from './schemas';
import { jobNoticeLimit } from './training-notices';

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

/**
 * The fewest positives and negatives per class a job asks for unless overridden, in training and
 * in validation (where thresholds, the epoch kept and the calibration are chosen). Here, not in
 * core/train, so that the app's forms show the engine's own defaults.
 */
export const defaultMinExamples = { train: 10, val: 3 } as const;

/** The training configuration a UI may set; unset fields take the engine's defaults (core/train/config.ts). */
export const TrainSettingsSchema = z
  .object({
    epochs: z.number().int().min(1).max(1000),
    batchSize: z.number().int().min(1).max(4096),
    learningRate: z.number().positive().max(1),
    weightDecay: z.number().min(0).max(1),
    loss: z.enum(['focal', 'bce']),
    /** BCE only: the weight of each class's positives, one per class. */
    posWeight: z.array(z.number().positive().max(1000)).min(1).max(1000),
    schedule: z.enum(['constant', 'onecycle']),
    patience: z.number().int().min(0).max(1000),
    selection: z.enum(['f1Macro', 'aucMacro', 'mapMacro', 'valLoss']),
    thresholds: z.enum(['f1', 'youden', 'fixed']),
    calibrate: z.boolean(),
    seed: z.number().int().min(0),
    trunkLrFactor: z.number().positive().max(1),
    /** Training-time augmentation (recorded in the manifest). */
    augment: z.enum(['none', 'paper']),
    /** Fewest positives and negatives per class in training / validation; below 10 / 3 is an override (audited with the request). */
    minExamples: z.object({ train: z.number().int().min(1).max(1_000_000), val: z.number().int().min(1).max(1_000_000) }),
    evaluation: z.object({ mode: z.enum(['centre', 'windows']), stride: z.number().int().positive().optional(), aggregate: z.enum(['mean', 'max']) }),
  })
  .partial()
  .strict();

export const TrainJobKind = z.enum(['train', 'finetune', 'hpo', 'evaluate', 'compare', 'operating-point']);

const metricValue = z.number().nullable();
const HeadlineMetricsSchema = z.object({
  accuracy: metricValue,
  subsetAccuracy: metricValue,
  f1Macro: metricValue,
  mapMacro: metricValue,
  gmean: metricValue,
  gmeanPaper: metricValue,
  aucMacro: metricValue,
  /** One-output tasks: the positive class's F1 and the paper's mean F1 over both classes (f1Macro is one of them). */
  f1Positive: metricValue.optional(),
  f1TwoClassMean: metricValue.optional(),
  perClass: z.record(z.string(), z.record(z.string(), metricValue)),
});
const IntervalsSchema = z.record(z.string(), z.object({ low: metricValue, high: metricValue }));

/**
 * Records an evaluation left out as outside the model's intended input (what predict abstains on),
 * by reason; `note` says what the figures cover. Recorded with a site evaluation's metrics,
 * and with a package's closing (locked-test, held-out fold) figures.
 */
export const OutOfScopeSchema = z.object({
  count: z.number().int().nonnegative(),
  byReason: z.record(z.string(), z.number().int().nonnegative()),
  note: z.string(),
});
export type OutOfScopeSummary = z.infer<typeof OutOfScopeSchema>;

/**
 * The fine-tuning form's checkbox for a fine-tuning whose every locked test record its base saw
 * (refused otherwise), named so by the refusal the app shows: the engine's words name the control
 * of whoever asked (the app's, this; the CLI's, its flag).
 */
export const allowTestSeenByBaseLabel = 'Fine-tune even if the base model trained on every test record';
export const allowTestSeenByBaseHint = 'Its test figures are then kept as no locked test, and the model cannot be promoted on them; evaluate it on other records later.';
/** How the engine's refusal names the app's control. */
export const allowTestSeenByBaseInApp = `tick "${allowTestSeenByBaseLabel}" under the fine-tuning form's Advanced settings`;

/**
 * A fine-tuning's closing test records that its base (or a base of the base) trained or validated
 * on, left out of its figures: how many, the first three by id, and the note said beside the figures.
 */
export const SeenByBaseSchema = z.object({ count: z.number().int().positive(), ids: z.array(z.string()).max(3), note: z.string() });
export type SeenByBase = z.infer<typeof SeenByBaseSchema>;

/** One evaluation: record count, metrics and bootstrap 95 % intervals (headline, and `<class>.<figure>` per class). */
export const EvaluatedSchema = z.object({
  n: z.number().int().nonnegative(),
  metrics: HeadlineMetricsSchema.partial(),
  ci: IntervalsSchema,
  /** Per class, the probabilities' calibration on the same records; absent or null where it was not kept (packages made before it was). */
  calibration: CalibrationByClassSchema.nullish(),
  /** Records of the split that could not be read, so in no figure; absent where not counted (packages made before it was). */
  unreadable: z.number().int().nonnegative().nullish(),
  /** Records of the split outside the model's intended input, so in no figure; absent where not counted (packages made before it was). */
  outOfScope: OutOfScopeSchema.nullish(),
  /** A fine-tuning's closing figures: the test records its base had trained or validated on, in no figure; absent where none were. */
  seenByBase: SeenByBaseSchema.nullish(),
  /**
   * Which bootstrap made the intervals, where it was not today's (stratified, every class keeping
   * its positives and negatives, drawn by patient where ids exist): 'unstratified' for figures
   * stored before resamples were stratified (core/train/service/models.ts `bootstrapOf`). Absent
   * for today's.
   */
  bootstrap: z.enum(['unstratified']).optional(),
});
export type Evaluated = z.infer<typeof EvaluatedSchema>;

/**
 * The threshold of a class that is never flagged (decisions are p > t, and p ≤ 1): the engine
 * gives it to a class whose validation scores showed no discrimination
 * (core/train/thresholds.ts `operatingThresholds`); screens say so instead of printing it.
 */
export const neverFlaggedThreshold = 1;

/** Whether a class's threshold is the never-flagged one; undefined or null (no threshold given) is not. */
export function isNeverFlagged(threshold: number | null | undefined): boolean {
  return threshold !== null && threshold !== undefined && threshold >= neverFlaggedThreshold;
}

/** What a class's threshold is called: "threshold 0.386", or the never-flagged one said as such, not "threshold 1.000". */
export function thresholdText(threshold: number): string {
  return isNeverFlagged(threshold) ? 'no threshold (no discrimination on validation: never flagged)' : `threshold ${threshold.toFixed(3)}`;
}

const methodWords: Record<string, string> = {
  f1: 'F1-optimal thresholds tuned on validation',
  youden: "Youden's J thresholds tuned on validation",
  fixed: 'fixed 0.5 thresholds (not tuned)',
};

/**
 * How an operating point's thresholds were chosen, in the words every screen and the CLI use:
 * "rule-out: sensitivity ≥ 0.95 on validation", "F1-optimal thresholds tuned on validation" ….
 */
export function operatingPointMethodText(point: { readonly method: string; readonly target?: number | undefined }): string {
  if (point.method === 'sensitivity' || point.method === 'specificity') {
    const target = point.target === undefined ? 'a target' : String(point.target);
    return `${point.method === 'sensitivity' ? 'rule-out' : 'rule-in'}: ${point.method} ≥ ${target} on validation`;
  }
  return methodWords[point.method] ?? `${point.method} thresholds`;
}

/**
 * What a class's rate interval (sensitivity, specificity, PPV, NPV) is (core/ml/metrics/proportion.ts
 * `rateInterval`): not the bootstrap's alone, which has no width at 0 or 100 % (4 of 4 found gave
 * [1, 1]; shown widened to Wilson's [0.51, 1]), so every header over such intervals says so.
 */
export const rateIntervalWords = "each the wider of the bootstrap interval and Wilson's score interval on its counts (of patients where records name them)";

/**
 * "temperature 20.00 (temperature at its upper bound (20): …)": the temperature, and why it was
 * not trusted where the calibration left a note; every text output that prints a temperature
 * uses it, so the figure is never shown without its caveat. `label` is 'T' in one-line outputs.
 */
export function temperatureText(point: { readonly temperature: number; readonly calibrationNote?: string | undefined }, label = 'temperature'): string {
  return `${label} ${point.temperature.toFixed(2)}${point.calibrationNote ? ` (${point.calibrationNote})` : ''}`;
}

/**
 * A threshold's rule in a few words, for lists beside the threshold itself: "f1", "youden",
 * "rule-out sensitivity ≥ 0.95" (the full sentence is `operatingPointMethodText`).
 */
export function thresholdRuleShort(point: { readonly method: string; readonly target?: number | null | undefined }): string {
  if (point.method !== 'sensitivity' && point.method !== 'specificity') return point.method;
  return `${point.method === 'sensitivity' ? 'rule-out' : 'rule-in'} ${point.method} ≥ ${point.target ?? 'a target'}`;
}

/**
 * Fewest rows of a training batch each worker's shard should have when the engine picks the
 * worker count itself (core/parallel/worker-count.ts `resolveTrainingWorkers`); the fine-tuning
 * form says the same default.
 */
export const minRowsPerTrainingWorker = 8;

/** The default workers of a training loop: every core but one, at most one per `minRowsPerTrainingWorker` rows of the batch, at least 1. */
export function defaultTrainingWorkers(cores: number, batchSize: number): number {
  return Math.max(1, Math.min(cores - 1, Math.floor(batchSize / minRowsPerTrainingWorker)));
}

export const OperatingPointSchema = z.object({
  method: z.string(),
  /** The validation sensitivity (rule-out) or specificity (rule-in) the thresholds reach; only with those methods. */
  target: z.number().optional(),
  temperature: z.number(),
  thresholds: z.record(z.string(), z.number()),
  /** Why no temperature was fitted on validation, or what the fitted one means (it ended at its bound). */
  calibrationNote: z.string().optional(),
});

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
  /** Validation figures: the split that chose the epoch, thresholds and temperature — optimistic, never the headline. */
  validation: HeadlineMetricsSchema.partial(),
  /** The locked-test evaluation in the package (its dataset's test split, read once after every choice); null when it has none. */
  test: EvaluatedSchema.nullable(),
  /**
   * A cross-validation fold's package: which fold of how many, and (a fine-tuning's fold) its
   * closing figures on that fold's held-out rows: cross-validation figures, made in the same
   * selection loop as the other folds, never shown as a locked test. Absent for any other package.
   */
  cvFold: z.object({ k: z.number().int(), fold: z.number().int(), seed: z.number().int().nullable(), heldOut: EvaluatedSchema.nullable() }).optional(),
  /** The newest locked-test evaluation recorded on this workstation's own data (what promotion needs); null when none. */
  siteEvaluation: SiteEvaluationSchema.nullable(),
  /**
   * A PE fusion package (core/train/pe/fusion.ts): `operatingPoint` above and every figure listed
   * under its name are the fusion's own; its ECG network is its base model's, with the network's
   * operating point (what the ECG probability, the fusion's first input, is decided at).
   */
  fusion: z
    .object({
      baseModel: z.object({ id: z.string(), name: z.string() }),
      networkOperatingPoint: OperatingPointSchema,
      /** The score items every fused probability needs. */
      items: z.array(z.string()),
      notice: z.string(),
      /** The rows it was fitted on (training) and calibrated on (validation): those with every score item, and how many were left out. */
      rows: z.object({ train: z.number().int().nonnegative(), val: z.number().int().nonnegative(), trainSkipped: z.number().int().nonnegative(), valSkipped: z.number().int().nonnegative() }).optional(),
    })
    .optional(),
  /** What the model reads: its sampling rate (records are resampled to it), window length and how windows are combined. */
  input: z.object({
    rateHz: z.number().positive().nullable(),
    windowSeconds: z.number().positive().nullable(),
    mode: z.enum(['centre', 'windows']),
    aggregate: z.enum(['mean', 'max']),
    /** A record longer than the padded length (`paddedSeconds`): truncated to its start, or read whole by windows. */
    longRecords: z.enum(['truncated', 'whole']).optional(),
    paddedSeconds: z.number().positive().nullable().optional(),
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
  /** Why the record is outside the model's intended input (then it abstained), and what could not be checked (e.g. pacing at 100 Hz). */
  scope: z.object({ reasons: z.array(z.string()), notes: z.array(z.string()) }).default({ reasons: [], notes: [] }),
  researchUseOnly: z.literal(true),
});
export type PredictionResult = z.infer<typeof PredictionSchema>;

/** The data an evaluation read, so it can be recorded and shown with its source. */
const EvaluatedOnSchema = z.object({ name: z.string(), root: z.string(), labels: z.string().nullable() });

/** An explanation of one class's output for one record (integrated gradients; see core/train/saliency.ts for why). */
export const SaliencySchema = z.object({
  modelId: z.string(),
  recordId: RecordId,
  className: z.string(),
  method: z.literal('integrated-gradients'),
  steps: z.number().int().positive(),
  baseline: z.literal('zero'),
  leads: z.array(z.string()),
  binSeconds: z.number().positive(),
  seconds: z.number().nonnegative(),
  /** |attribution| per lead × time bin, the largest bin 1. */
  map: z.array(z.array(z.number())),
  /** Each lead's share of the total attribution (sums to 1). */
  perLead: z.array(z.number()),
  windowStarts: z.array(z.number()),
});
export type SaliencyResult = z.infer<typeof SaliencySchema>;

/**
 * A recorded evaluation's metrics with its out-of-scope count beside them, and a fine-tuning's
 * test records its base saw and its figures leave out (`seenByBase`): kept in the same stored
 * JSON, so a promotion shows what its figures leave out; unchanged when none was left out.
 */
export function withOutOfScope(metrics: object, outOfScope: { count: number } | null | undefined, seenByBase?: SeenByBase | null): Record<string, unknown> {
  return { ...metrics, ...(outOfScope && outOfScope.count > 0 ? { outOfScope } : {}), ...(seenByBase ? { seenByBase } : {}) };
}

/** The test records its base saw that a recorded fine-tuning's figures leave out (withOutOfScope); null where none were, or for evaluations recorded before they were kept. */
export function recordedSeenByBase(metrics: Record<string, unknown>): SeenByBase | null {
  const parsed = SeenByBaseSchema.safeParse(metrics.seenByBase);
  return parsed.success ? parsed.data : null;
}

/** The out-of-scope count a recorded evaluation kept with its metrics (withOutOfScope); null where none was left out, or none counted. */
export function recordedOutOfScope(metrics: Record<string, unknown>): OutOfScopeSummary | null {
  const parsed = OutOfScopeSchema.safeParse(metrics.outOfScope);
  return parsed.success && parsed.data.count > 0 ? parsed.data : null;
}

/** How many evaluated records a model trained or validated on (core/train/training-overlap.ts); `inTraining` null when it keeps no record of them. */
const TrainingOverlapSchema = z.object({ checked: z.number().int().nonnegative(), inTraining: z.number().int().nonnegative().nullable(), note: z.string() });

export const EvaluationResultSchema = z.object({
  kind: z.literal('evaluate'),
  evaluatedOn: EvaluatedOnSchema.optional(),
  n: z.number().int().nonnegative(),
  classes: z.array(z.string()),
  metrics: HeadlineMetricsSchema,
  ci: IntervalsSchema,
  split: z.string(),
  dataset: z.string(),
  modelId: z.string(),
  /**
   * Records of the split that could not be read (a damaged or unsupported file) and so are not
   * in `n` or any figure: a site must know its figures rest on fewer records than it labelled.
   */
  unreadable: LeftOutRecordsSchema,
  /** Per class: Brier score, expected calibration error and the reliability bins (core/ml/metrics/calibration.ts). */
  calibration: CalibrationByClassSchema.optional(),
  /** One-output (PE) model on a dataset with clinical score columns: the Fig. 3 comparison. */
  peComparison: PeComparisonSchema.optional(),
  /** The operating point the headline figures are decided at: a fusion package's own, not its ECG network's. */
  operatingPoint: OperatingPointSchema,
  /** Why these are not locked-test figures (a split other than test), null on the test split: said wherever they are shown. */
  notLockedTest: z.string().nullable(),
  /** Records of the split outside the model's intended input, in no figure (core/train/evaluation-scope.ts); absent from results made before it was counted. */
  outOfScope: OutOfScopeSchema.optional(),
  /** How many evaluated records the model, or a base its weights started from, trained or validated on (their training-record filters); `inTraining` null when it keeps none of its own. */
  trainingOverlap: TrainingOverlapSchema,
  /**
   * A PE fusion package: the headline figures are the fusion's own (fused probability at its own
   * operating point, on the records with every score item); its ECG network's are these, under
   * its base model's name and id (core/train/jobs/evaluate-job.ts `FusionEvaluation`).
   */
  fusion: z
    .object({
      baseModel: z.object({ id: z.string(), name: z.string() }),
      unscored: z.object({ count: z.number().int().nonnegative(), firstReason: z.string().nullable() }),
      ecgOnly: z.object({ n: z.number().int().nonnegative(), operatingPoint: OperatingPointSchema, metrics: HeadlineMetricsSchema, ci: IntervalsSchema }),
    })
    .optional(),
});
export type EvaluationResult = z.infer<typeof EvaluationResultSchema>;

export const TrainedModelResultSchema = z.object({
  kind: z.enum(['train', 'finetune', 'hpo']),
  modelId: z.string().nullable(),
  name: z.string(),
  bestEpoch: z.number().int().nonnegative(),
  epochs: z.number().int().nonnegative(),
  cancelled: z.boolean(),
  validation: HeadlineMetricsSchema.partial(),
  /** Validation records outside the model's intended input, on which the epoch and operating point were not chosen; absent where not counted. */
  validationOutOfScope: OutOfScopeSchema.optional(),
  /** hpo: the results table (Markdown). */
  table: z.string().optional(),
  /** finetune: the closing evaluation on the hospital's locked test rows (null when the run was stopped before its end). */
  test: EvaluatedSchema.nullable().optional(),
  /**
   * finetune: why `test` is not a locked test (whether the base trained on those records cannot be
   * checked, or it trained on all of them), or null: such figures are shown with it, not recorded.
   */
  notLockedTest: z.string().nullable().optional(),
  /** finetune: the base model on the same test records, side by side. */
  comparison: BaseComparisonSchema.nullable().optional(),
  evaluatedOn: EvaluatedOnSchema.optional(),
  /** finetune with crossValidation: the K-fold estimate made before the final model (core/train/cv.ts). */
  crossValidation: z
    .object({
      k: z.number().int().positive(),
      source: z.string(),
      meanSd: z.record(z.string(), z.object({ mean: metricValue, sd: metricValue, folds: z.number().int().nonnegative() })),
      pooled: z.object({ n: z.number().int().nonnegative(), metrics: z.record(z.string(), metricValue), ci: IntervalsSchema }),
      /**
       * The held-out records the base (or a base of it) trained or validated on, over every fold
       * (core/train/jobs/finetune-cv-job.ts CvSeenByBase): how many (null where it keeps no filter
       * to tell), how many left out of the figures, whether the estimate is (or may be) optimistic,
       * and the note to show with it. Null or absent where it saw none.
       */
      seenByBase: z.object({ count: z.number().int().nonnegative().nullable(), leftOut: z.number().int().nonnegative(), optimistic: z.boolean(), note: z.string() }).nullable().optional(),
    })
    .optional(),
});

const pairedDifference = z.object({ diff: metricValue, ci95: z.tuple([metricValue, metricValue]), p: metricValue });

/** Two models on the same records (core/ml/metrics/comparison.ts): differences A − B with CIs and p-values. */
export const ComparisonResultSchema = z.object({
  kind: z.literal('compare'),
  n: z.number().int().nonnegative(),
  classes: z.array(z.string()),
  split: z.string(),
  dataset: z.string(),
  modelA: z.object({ id: z.string(), name: z.string() }),
  modelB: z.object({ id: z.string(), name: z.string() }),
  macro: z.array(pairedDifference.extend({ metric: z.string(), a: metricValue, b: metricValue, over: z.number().int().nonnegative() })),
  perClass: z.array(z.object({ name: z.string(), positives: z.number().int().nonnegative(), aucA: metricValue, aucB: metricValue, delong: pairedDifference.nullable(), auc: pairedDifference })),
  bootstrap: z.object({ resamples: z.number().int().positive(), unit: z.enum(['patient', 'record']) }),
});
export type ComparisonResult = z.infer<typeof ComparisonResultSchema>;

/** The goals of a site operating point (core/train/jobs/operating-point-job.ts). */
export const operatingPointGoalNames = ['rule-out', 'rule-in', 'f1', 'youden'] as const;

const rateWithInterval = z.object({ value: metricValue, low: metricValue, high: metricValue });
const sensitivitySpecificity = z.object({ sensitivity: rateWithInterval, specificity: rateWithInterval });

/**
 * A site operating point, refit on the validation rows of this site's data as a new model:
 * per class the threshold chosen there (and the optimistic validation rates it reaches), then
 * the locked test rows at the new operating point and at the base model's own, on the same records.
 */
export const OperatingPointResultSchema = z.object({
  kind: z.literal('operating-point'),
  modelId: z.string(),
  name: z.string(),
  base: z.object({ id: z.string(), name: z.string(), operatingPoint: OperatingPointSchema }),
  goal: z.enum(operatingPointGoalNames),
  operatingPoint: OperatingPointSchema,
  evaluatedOn: EvaluatedOnSchema,
  /** Where the operating point was chosen: optimistic, never the headline. */
  validation: z.object({ n: z.number().int().nonnegative(), metrics: HeadlineMetricsSchema.partial(), note: z.string() }),
  /** The locked test rows at the new operating point (kept as the new model's site evaluation unless `notLockedTest`) … */
  test: EvaluatedSchema,
  /** … and at the base model's own operating point on the same records. */
  baseTest: EvaluatedSchema,
  perClass: z.array(
    z.object({
      name: z.string(),
      threshold: z.number(),
      baseThreshold: z.number(),
      validation: z.object({ positives: z.number().int().nonnegative(), negatives: z.number().int().nonnegative(), sensitivity: metricValue, specificity: metricValue }),
      note: z.string().nullable(),
      test: sensitivitySpecificity,
      baseTest: sensitivitySpecificity,
    }),
  ),
  /** The lowered validation minimum, in words, when one was asked for. */
  override: z.string().nullable(),
  /** Locked test records that could not be read, so in none of the test figures. */
  unreadable: LeftOutRecordsSchema,
  /** Validation and locked test records outside the base model's intended input, in no figure; absent from results made before it was counted. */
  outOfScope: z.object({ validation: OutOfScopeSchema, test: OutOfScopeSchema }).optional(),
  /** How many validation and test records the base model trained or validated on (its training-record filter). */
  trainingOverlap: z.object({ validation: TrainingOverlapSchema, test: TrainingOverlapSchema }),
  /**
   * Why the test figures are not a locked test (the base model saw some of those records), or null:
   * only then are they kept as the new model's site evaluation, as an evaluation's are.
   */
  notLockedTest: z.string().nullable(),
});
export type OperatingPointResult = z.infer<typeof OperatingPointResultSchema>;

export const TrainingResultSchema = z.discriminatedUnion('kind', [EvaluationResultSchema, TrainedModelResultSchema, ComparisonResultSchema, OperatingPointResultSchema]);
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
  /** Its notes and warnings so far (training-notices.ts), which its latest phase alone would not show. */
  notices: z.array(z.string()).max(jobNoticeLimit),
});
export type ActiveTrainingJob = z.infer<typeof ActiveTrainingJobSchema>;

export const trainingChannels = {
  'models:list': {
    request: z.object({}).strict(),
    /** `defaultModelId`: the model this workstation offers first for predictions; `previousDefaultId`: the one before it (for a rollback). */
    response: z.object({ models: z.array(ModelSummarySchema), defaultModelId: z.string().nullable(), previousDefaultId: z.string().nullable() }),
  },
  // Makes a model the workstation's default for predictions (promote; promoting the previous one rolls back). Audited.
  /**
   * Refused (E_VALIDATION, saying what to run) unless the model has a locked-test evaluation
   * recorded on this site's data — except a rollback to the previous default. Needs the
   * promoter's name and an explicit confirmation; audited with both evaluations.
   */
  'models:promote': {
    request: z.object({ modelId: z.string().min(1).max(200), promotedBy: z.string().trim().min(1).max(120), confirmed: z.literal(true) }).strict(),
    response: z.object({ defaultModelId: z.string(), previousDefaultId: z.string().nullable() }),
  },
  'models:predict': {
    request: z.object({ modelId: z.string().min(1).max(200), recordId: RecordId }).strict(),
    response: PredictionSchema,
  },
  /** Where on the tracing a class's output came from: integrated gradients over time × lead (core/train/saliency.ts). */
  'models:explain': {
    request: z.object({ modelId: z.string().min(1).max(200), recordId: RecordId, className: z.string().min(1).max(100) }).strict(),
    response: SaliencySchema,
  },
  'models:evaluate': {
    request: z.object({ modelId: z.string().min(1).max(200), dataset: DatasetSpecSchema, split: z.enum(['train', 'val', 'test', 'all']).default('test') }).strict(),
    response: z.object({ jobId: JobId }),
  },
  // Two models evaluated on the same records, compared pairwise (a job; the result is kind 'compare').
  'models:compare': {
    request: z.object({ modelId: z.string().min(1).max(200), otherModelId: z.string().min(1).max(200), dataset: DatasetSpecSchema, split: z.enum(['train', 'val', 'test', 'all']).default('test') }).strict(),
    response: z.object({ jobId: JobId }),
  },
  'train:start': {
    request: z.object({ architecture: z.string().min(1).max(60), dataset: DatasetSpecSchema, name, settings: TrainSettingsSchema.default({}) }).strict(),
    response: z.object({ jobId: JobId }),
  },
  'train:finetune': {
    /** crossValidation: K-fold cross-validate the same fine-tuning on the data first (patient-grouped folds), then train the final model. */
    // workers: data-parallel worker threads (core/parallel); absent = the engine's default, cores − 1.
    // allowTestSeenByBase: fine-tune even when every locked test record is among the base's training and validation records (the form's allowTestSeenByBaseLabel; ecg finetune --allow-test-seen-by-base).
    request: z
      .object({
        baseModelId: z.string().min(1).max(200),
        dataset: DatasetSpecSchema,
        mode: z.enum(['head', 'full', 'scratch']).optional(),
        name,
        settings: TrainSettingsSchema.default({}),
        crossValidation: z.number().int().min(3).max(20).optional(),
        workers: z.number().int().min(1).max(64).optional(),
        allowTestSeenByBase: z.boolean().optional(),
      })
      .strict(),
    response: z.object({ jobId: JobId }),
  },
  /**
   * A site operating point for a model (a job; the result is kind 'operating-point'): its
   * temperature and thresholds refit on the dataset's validation rows by the goal (rule-out: a
   * sensitivity target; rule-in: a specificity target; or F1 / Youden), evaluated once on the
   * locked test rows beside the base's own, written as a new model in the models folder.
   * minValExamples below defaultMinExamples.val (3) is an override (audited with the request,
   * stated in the result's `override`); a refusal for too few validation examples names it.
   */
  'train:operating-point': {
    request: z
      .object({
        modelId: z.string().min(1).max(200),
        dataset: DatasetSpecSchema,
        goal: z.enum(operatingPointGoalNames),
        target: z.number().min(0.5).max(0.999).optional(),
        name: name.optional(),
        minValExamples: z.number().int().min(1).max(1_000_000).optional(),
      })
      .strict(),
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
