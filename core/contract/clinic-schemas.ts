import { z } from 'zod';
import { JobId, LeftOutRecordsSchema, RecordId } from './schemas';
import { DatasetSpecSchema, EvaluatedSchema, ModelSummarySchema, PredictionSchema, TrainSettingsSchema } from './training-schemas';

/**
 * The app side of models (issue 6 seen from the clinic): a record's stored prediction history,
 * one model's full description for the models view, and the health check of a fine-tuning
 * dataset before a job is allowed to start. Every stored prediction carries the model (name,
 * weights hash) and the operating point that produced it.
 */

/** A prediction as kept in SQLite: the engine's answer plus who/when/which exact weights. */
export const StoredPredictionSchema = PredictionSchema.extend({
  id: z.number().int().positive(),
  model: z.object({ id: z.string(), name: z.string(), demonstration: z.boolean(), weightsSha256: z.string() }),
  /** The model's output order (the order probabilities are shown in). */
  classes: z.array(z.string()),
  engineVersion: z.string(),
  createdAt: z.string(),
  /**
   * Why this PE prediction's probability is not shown: the record's current PE score entry gives an
   * age outside the model's intended use (PeDesk.asShown, the decision PeProbabilities.outsideIntendedUse
   * carries). Never stored; absent when inside it, or no age is entered.
   */
  outsideIntendedUse: z.string().optional(),
});
export type StoredPrediction = z.infer<typeof StoredPredictionSchema>;

/** Validation (or test) metrics with bootstrap confidence intervals, as the manifest records them. */
export const EvaluatedMetricsSchema = EvaluatedSchema;
export type EvaluatedMetrics = z.infer<typeof EvaluatedMetricsSchema>;

export const FinetuneModeSchema = z.enum(['head', 'full']);

/** A package's duplicate check as its card shows it (the first few groups of rows; all counted). */
const DuplicatesDetailSchema = z.object({
  recordings: z.number().int().nonnegative(),
  rows: z.number().int().nonnegative(),
  groups: z.array(z.array(z.object({ id: z.string(), split: z.enum(['train', 'val', 'test']) }))),
  method: z.enum(['recording-content']).optional(),
  splits: z.array(z.enum(['train', 'val', 'test'])).optional(),
});

/** Everything the models view shows about one package: identity, provenance, metrics, operating point. */
export const ModelDetailSchema = ModelSummarySchema.extend({
  params: z.number().int().nonnegative(),
  weightsSha256: z.string(),
  /** The package seal's SHA-256 (whole manifest, which names the weights' and topology's digests). */
  sealSha256: z.string().optional(),
  /** Who signed the package with their key (verified on load), or null: a seal alone says nothing about who made it. */
  signedBy: z.object({ signer: z.string(), keyFingerprint: z.string() }).nullable().optional(),
  engineVersion: z.string(),
  inference: z.object({ mode: z.enum(['centre', 'windows']), stride: z.number().int().positive().optional(), aggregate: z.enum(['mean', 'max']) }),
  training: z.object({
    learningRate: z.number().nullable(),
    batchSize: z.number().nullable(),
    loss: z.string().nullable(),
    patience: z.number().nullable(),
  }),
  provenance: z.object({
    datasetSha256: z.string(),
    records: z.object({ train: z.number().int().nonnegative(), val: z.number().int().nonnegative(), test: z.number().int().nonnegative() }),
    split: z.string(),
    epochs: z.object({ run: z.number().int().nonnegative(), best: z.number().int().nonnegative(), planned: z.number().int().nonnegative() }),
    seed: z.number().int(),
    backend: z.string(),
    secondsPerEpoch: z.number().nonnegative(),
    selection: z.string(),
    /** It chose its epoch on its test split (--paper-exact, the paper code's protocol): its validation figures are that split's, and it has no locked test. */
    selectedOnTest: z.boolean().optional(),
    base: z
      .object({
        id: z.string(),
        name: z.string(),
        /** How it was derived: fine-tuned (head, full, scratch), only its operating point refit on a site's validation rows, or a PE fusion on its ECG network. */
        mode: z.enum(['head', 'full', 'scratch', 'operating-point', 'fusion']),
        /** How the base read records; the UI says when the fine-tuned model reads them differently. */
        inference: z.object({ mode: z.enum(['centre', 'windows']), stride: z.number().int().positive().optional(), aggregate: z.enum(['mean', 'max']) }).optional(),
      })
      .optional(),
    /** Training-time augmentation as recorded in the manifest, in words. */
    augmentation: z.string(),
    /** The minimum positives/negatives per class it was trained with, and whether that was an override. */
    minExamples: z.object({ train: z.number().int(), val: z.number().int(), override: z.boolean() }).nullable(),
    /**
     * For a site operating point: the fewest validation positives and negatives per class its
     * thresholds could rest on, and whether that was below the default; null for other models and
     * for operating points derived before it was kept. `minExamples` is then the base's training's.
     */
    operatingPointMinVal: z.object({ val: z.number().int(), override: z.boolean() }).nullable(),
    /**
     * For a site operating point: the site's data whose validation rows chose its operating point and
     * whose test split is its locked test (the card's dataset and records; `datasetSha256`, `records`
     * and the summary's `dataset` are its base's training data, which made the weights). Absent for
     * other models and for operating points derived before it was kept.
     */
    operatingPointDataset: z.object({ name: z.string(), sha256: z.string(), records: z.object({ train: z.number().int().nonnegative(), val: z.number().int().nonnegative(), test: z.number().int().nonnegative() }) }).optional(),
    /**
     * The check of its dataset for recordings listed in more than one row of one split (kept, so each
     * weighed more than once): how many, the rows of the first few, and, in packages made since every
     * package records its check, how and on which splits it was made (0 recordings: none found).
     * Absent in packages written before it was kept, and where none was made.
     */
    duplicates: DuplicatesDetailSchema.optional(),
    /** Why its own rows were never checked for copies, where the kind of package says so (an ensemble, an older fusion); absent otherwise. */
    duplicatesUnchecked: z.string().optional(),
    /**
     * A PE fusion's base model's training, labelled as the base's (the fusion's own dataset and duplicates
     * are the rows it was fitted on): its dataset, null in a fusion made before it was kept, and the
     * duplicates that training recorded (in such an older fusion, those it copied as its own).
     */
    baseTraining: z
      .object({
        dataset: z.object({ name: z.string(), records: z.object({ train: z.number().int().nonnegative(), val: z.number().int().nonnegative(), test: z.number().int().nonnegative() }), split: z.string() }).nullable(),
        duplicates: DuplicatesDetailSchema.optional(),
      })
      .optional(),
  }),
  /** The input the model is for: a record outside it gets no prediction. */
  intendedInput: z.object({
    ageYears: z.object({ min: z.number().nullable(), max: z.number().nullable() }),
    pacing: z.enum(['excluded', 'allowed']),
    requiredLeads: z.array(z.string()),
    minSeconds: z.number(),
    minSecondsBasis: z.enum(['validation records', 'one model window', 'resting ECG']).optional(),
    fsHz: z.object({ min: z.number(), max: z.number() }),
    channels: z.literal('ecg'),
  }),
  validationDetail: EvaluatedMetricsSchema,
  /**
   * Locked-test figures the package held before `test` replaced them (`ecg evaluate --attach
   * --replace-test`), oldest first: its locked test was read once more than this lists, which the
   * card says beside the figures. Each with when it was replaced, the package's id then, and whether
   * a fine-tuning's closing comparison with its base, made on that reading, was set aside with it.
   * Absent when the locked test was read once or never. `notLockedTest`: why a replaced reading was
   * no locked test (a fine-tuning's closing figures on records its base saw, or whose overlap with
   * its base is unknown): listed for the record, but not counted as a reading of the locked test.
   */
  replacedTests: z
    .array(
      z.object({
        n: z.number().int().nonnegative(),
        aucMacro: z.number().nullable(),
        replacedAt: z.string(),
        packageId: z.string(),
        comparedWithBase: z.boolean(),
        notLockedTest: z.string().optional(),
      }),
    )
    .optional(),
  /**
   * A fine-tuning's closing figures that are not a locked test (whether its base trained on those
   * test records cannot be checked, or it trained on every one), with why: shown as such, never as
   * its locked test (`test` is then null). Absent otherwise.
   */
  testNotLocked: EvaluatedSchema.extend({ note: z.string() }).optional(),
  /** What a fine-tuning from this model does by default: the paper's best mode for its architecture. */
  finetuneDefaultMode: FinetuneModeSchema,
});
export type ModelDetail = z.infer<typeof ModelDetailSchema>;

const splitCounts = z.object({ train: z.number().int().nonnegative(), val: z.number().int().nonnegative(), test: z.number().int().nonnegative() });

/**
 * A training's memory estimate against this workstation (core/train/memory-estimate.ts): bytes
 * by what holds them, the machine's total and free memory, and the verdict. 'does-not-fit' is
 * also one of the inspection's blockers, 'tight' one of its warnings.
 */
export const MemoryCheckSchema = z.object({
  mode: z.enum(['head', 'full', 'scratch']),
  batchSize: z.number().int().positive(),
  workers: z.number().int().positive(),
  bytes: z.object({
    weights: z.number().nonnegative(),
    gradients: z.number().nonnegative(),
    optimizer: z.number().nonnegative(),
    activations: z.number().nonnegative(),
    inputs: z.number().nonnegative(),
    perWorker: z.number().nonnegative(),
    total: z.number().nonnegative(),
  }),
  machine: z.object({ totalBytes: z.number().nonnegative(), freeBytes: z.number().nonnegative() }),
  backend: z.string(),
  verdict: z.enum(['fits', 'tight', 'does-not-fit']),
  /** "Estimated memory: 1.3 GB (activations 0.9 GB across 3 workers) of this computer's 15.6 GB, 9.1 GB free". */
  line: z.string(),
  /** Why it is tight or does not fit, and what to lower; null when it fits. */
  advice: z.string().nullable(),
});
export type MemoryCheckSummary = z.infer<typeof MemoryCheckSchema>;

/** What a dataset would give a training job, read from its index (nothing is decoded). */
export const DatasetInspectionSchema = z.object({
  name: z.string(),
  classes: z.array(z.string()),
  records: splitCounts,
  /** Positives per class and split, in class order. */
  positives: z.object({ train: z.array(z.number().int()), val: z.array(z.number().int()), test: z.array(z.number().int()) }),
  dropped: LeftOutRecordsSchema,
  /** Problems that allow training but weaken it (e.g. a class with no validation positive). */
  warnings: z.array(z.string()),
  /** Problems that make training impossible (no training or validation records); empty when ready. */
  blockers: z.array(z.string()),
  /** With the request's `training`: whether that training fits this workstation's memory. */
  memory: MemoryCheckSchema.optional(),
});
export type DatasetInspection = z.infer<typeof DatasetInspectionSchema>;

/**
 * What a dataset from signed readings labels: PTB-XL's diagnostic superclasses (the starter's
 * five), or the CPSC 2018 rhythm and conduction classes (the CPSC-class demonstration model's).
 */
export const ReadingsTaskSchema = z.enum(['ptbxl-superclass', 'cpsc-classes']);
export type ReadingsTask = z.infer<typeof ReadingsTaskSchema>;

/** Each task's classes, in their models' output order (core/data/ptbxl.ts, core/data/cpsc.ts): what the fine-tune form matches a base model's classes against. */
export const readingsTaskClasses: Record<ReadingsTask, readonly string[]> = {
  'ptbxl-superclass': ['NORM', 'MI', 'STTC', 'CD', 'HYP'],
  'cpsc-classes': ['SNR', 'AF', 'IAVB', 'LBBB', 'RBBB', 'PAC', 'PVC', 'STD', 'STE'],
};

/**
 * The task whose labels a base model learns from: the CPSC classes for a model whose every class
 * is one of them (the CPSC-class demonstration, or a model fine-tuned from it), else the superclasses.
 */
export function readingsTaskFor(classes: readonly string[]): ReadingsTask {
  const cpsc = readingsTaskClasses['cpsc-classes'];
  return classes.length > 0 && classes.every((c) => cpsc.includes(c)) ? 'cpsc-classes' : 'ptbxl-superclass';
}

/** Each task in words, as the fine-tune form and `ecg dataset from-readings` say them: its labels, and what a left-out reading lacks. */
export const readingsTaskWords: Record<ReadingsTask, { readonly labels: string; readonly unlabelled: string }> = {
  'ptbxl-superclass': { labels: `PTB-XL's diagnostic superclasses (${readingsTaskClasses['ptbxl-superclass'].join(', ')})`, unlabelled: 'without a diagnostic statement' },
  'cpsc-classes': { labels: `the CPSC 2018 rhythm and conduction classes (${readingsTaskClasses['cpsc-classes'].join(', ')})`, unlabelled: 'without a coded statement' },
};

/** What a dataset from signed readings holds: the records and their classes and splits, and what was left out. */
export const ReadingsDatasetSchema = z.object({
  folder: z.string(),
  labels: z.string(),
  task: ReadingsTaskSchema,
  records: z.number().int().nonnegative(),
  classes: z.record(z.string(), z.number().int().nonnegative()),
  /**
   * Records that are a negative for every class: their reading speaks to the task but names none
   * of its classes (for the CPSC classes, sinus rhythm with an infarction, say). `classes` counts
   * positives only, so without this a reader could not tell them from records left out.
   */
  negativeForEveryClass: z.number().int().nonnegative(),
  splits: z.object({ train: z.number().int().nonnegative(), val: z.number().int().nonnegative(), test: z.number().int().nonnegative() }),
  /**
   * Readings that say nothing about the task's classes, so are not labels and not in the dataset:
   * for the superclasses, no diagnostic statement (a rhythm alone, free text); for the CPSC
   * classes, no coded statement at all (free text only).
   */
  skipped: z.object({
    unlabelled: z.number().int().nonnegative(),
    /** Signed readings of the bundled demonstration records (public PTB-XL samples, not the site's patients): never in a dataset. */
    demonstration: z.number().int().nonnegative(),
  }),
  /** Readings signed while a model's prediction was on screen: their labels may lean towards the model. */
  withPredictionOnScreen: z.number().int().nonnegative(),
});
export type ReadingsDataset = z.infer<typeof ReadingsDatasetSchema>;

export const clinicChannels = {
  'predictions:list': {
    request: z.object({ recordId: RecordId, limit: z.number().int().min(1).max(500).default(50) }).strict(),
    response: z.object({ items: z.array(StoredPredictionSchema) }),
  },
  'models:get': {
    request: z.object({ modelId: z.string().min(1).max(200) }).strict(),
    response: ModelDetailSchema,
  },
  /**
   * A fine-tuning dataset from this workstation's signed readings (core/engine/readings-dataset.ts),
   * written under the data folder's exports/ and allowed for reading, ready for the fine-tune form.
   * A job of kind `readings-dataset`: its progress (records written) comes as jobs:progress, its
   * ReadingsDataset as jobs:finished; jobs:cancel removes the half-written folder. Refusals that need
   * no writing (nothing diagnosed, one export already running) are this call's error.
   */
  'datasets:from-readings': {
    request: z.object({ task: ReadingsTaskSchema }).strict(),
    response: z.object({ jobId: JobId }),
  },
  'datasets:inspect': {
    /**
     * `minExamples`: the minimums the job will use (default 10 in training, 3 in validation).
     * `training`: the fine-tuning about to start, for its memory estimate (absent workers: the engine's default).
     */
    request: z
      .object({
        dataset: DatasetSpecSchema,
        minExamples: TrainSettingsSchema.shape.minExamples,
        training: z
          .object({ baseModelId: z.string().min(1).max(200), mode: z.enum(['head', 'full', 'scratch']), batchSize: z.number().int().min(1).max(4096), workers: z.number().int().min(1).max(64).optional() })
          .strict()
          .optional(),
      })
      .strict(),
    response: DatasetInspectionSchema,
  },
} as const;
