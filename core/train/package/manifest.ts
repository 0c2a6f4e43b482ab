import { z } from 'zod';
import { CalibrationByClassSchema } from '../../contract/evaluation-schemas';
import { OutOfScopeSchema, SeenByBaseSchema } from '../../contract/training-schemas';
import { buildOptionsSchema } from '../../ml/models/registry';
import { pipelineConfigSchema } from '../../signal/pipeline-config';
import { trainingAugmentationSchema } from '../augmentation';
import { baseComparisonSchema } from '../comparison';
import { baseRecordFilterSchema, recordFilterSchema } from '../record-filter';
import { defaultIntendedInput, intendedInputSchema, withLegacyDurationFloor, type IntendedInput } from '../scope';
import { fusionSchema } from '../pe/fusion';
import { targetRange } from '../thresholds';

/** Package format version; a loader refuses any other (a newer engine writes a new number). */
export const packageFormatVersion = 1;

/** The fields every manifest starts from before it is sealed (a single model's or an ensemble's). */
export function unsealedHeader() {
  return { format: 'einthoven-model', formatVersion: packageFormatVersion, id: 'unsealed', researchUseOnly: true, createdAt: new Date().toISOString() } as const;
}

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in lower-case hex');
const finite = z.number().refine(Number.isFinite, 'must be finite');
/** Metrics may be NaN where undefined (a class without positives); JSON writes that as null. */
const metricValue = z.number().nullable();
const interval = z.object({ low: metricValue, high: metricValue });

/** Headline metrics with bootstrap CIs, as evaluation reports them. */
export const metricsWithCiSchema = z.object({
  n: z.number().int().nonnegative(),
  metrics: z.record(z.string(), z.unknown()),
  ci: z.record(z.string(), interval),
});

/** The decision rule a package's predictions use; every prediction repeats it. */
export const operatingPointSchema = z
  .object({
    /**
     * How the thresholds were chosen on validation: F1-optimal, Youden, a sensitivity target (a
     * rule-out test) or a specificity target (a rule-in test); or the paper's fixed 0.5.
     */
    method: z.enum(['f1', 'youden', 'sensitivity', 'specificity', 'fixed']),
    /** The validation sensitivity or specificity the thresholds reach: present exactly for those two methods. */
    target: finite.pipe(z.number().min(targetRange.min).max(targetRange.max)).optional(),
    thresholds: z.array(finite.pipe(z.number().min(0).max(1))).min(1),
    /** Temperature applied to logits before the sigmoid (1 = uncalibrated). */
    temperature: finite.pipe(z.number().positive().max(1000)),
    /** Why no temperature was fitted, or what the fitted one means, when the fit ended at its bound (calibration.ts `calibrationTemperature`). */
    calibrationNote: z.string().max(500).optional(),
  })
  .refine((p) => (p.method === 'sensitivity' || p.method === 'specificity') === (p.target !== undefined), 'a target is given with a sensitivity or specificity method, and only then');
export type OperatingPoint = z.infer<typeof operatingPointSchema>;

/** The operating point as predictions and the model list carry it: thresholds by class name, with the calibration note when there is one. */
export function operatingPointByClass(point: OperatingPoint, classes: readonly string[]): { method: string; target?: number; temperature: number; thresholds: Record<string, number>; calibrationNote?: string } {
  const thresholds = Object.fromEntries(classes.map((c, j) => [c, point.thresholds[j] as number]));
  return { method: point.method, ...(point.target === undefined ? {} : { target: point.target }), temperature: point.temperature, thresholds, ...(point.calibrationNote ? { calibrationNote: point.calibrationNote } : {}) };
}

/** How a record becomes model inputs at prediction time. */
export const inferenceSchema = z.object({
  mode: z.enum(['centre', 'windows']),
  stride: z.number().int().positive().optional(),
  aggregate: z.enum(['mean', 'max']).default('mean'),
});

/** A member of an ensemble package: a complete package of its own under `dir`, named by its digests. */
export const ensembleMemberSchema = z.object({
  /** Folder of the member package inside the ensemble package. */
  dir: z.string().regex(/^members\/\d{2}$/, 'members/NN'),
  id: z.string().min(1).max(200),
  name: z.string().min(1).max(120),
  architecture: z.string().min(1).max(60),
  /** The member's input rate (records are resampled to it); null when its pipeline fixes none. */
  rateHz: z.number().positive().nullable(),
  weightsSha256: sha256,
  topologySha256: sha256,
});

/**
 * What makes a package an ensemble: its members and how their outputs combine. Null (the default,
 * so every older package reads unchanged) for a single model.
 */
export const ensembleSchema = z.object({
  /** The mean of the members' calibrated probabilities (each member with its own pipeline, inference and temperature). */
  aggregation: z.literal('mean-calibrated-probability'),
  members: z.array(ensembleMemberSchema).min(2).max(16),
});
export type EnsembleSpec = z.infer<typeof ensembleSchema>;

/**
 * How a package's rows were compared for copies (core/train/duplicates.ts): 'recording-content', the
 * same rate, leads and samples (one content hash) or the same ECG at another sampling rate.
 */
export const duplicateCheckMethods = ['recording-content'] as const;
const splitName = z.enum(['train', 'val', 'test']);

export const duplicatesProvenanceSchema = z
  .object({
    /** Recordings listed in more than one row (0: the check found none). */
    recordings: z.number().int().nonnegative(),
    /** Rows holding them. */
    rows: z.number().int().nonnegative(),
    groups: z.array(z.array(z.object({ id: z.string(), split: splitName })).min(2)).max(100),
    /**
     * The check that was made, and on which splits' rows: every package made since records it, copies or
     * none. Absent in packages that recorded only the copies they found (none recorded meant either).
     */
    method: z.enum(duplicateCheckMethods).optional(),
    splits: z.array(splitName).min(1).optional(),
  })
  // Without the check's method, a record is only ever of copies found (as packages wrote it before).
  .refine((d) => d.method !== undefined || d.recordings > 0, { message: 'a duplicates record without its method must list the copies found' });
export type DuplicatesProvenance = z.infer<typeof duplicatesProvenanceSchema>;

/**
 * One evaluation of a package's records read once after every choice, with each class's
 * calibration, the unreadable count and the records left out as outside the model's intended
 * input (by reason, as `ecg evaluate` counts them) where kept: absent in packages written before
 * the closing evaluation held records to the intended input, whose figures scored every record.
 */
const closingEvaluationSchema = metricsWithCiSchema.extend({
  calibration: CalibrationByClassSchema.optional(),
  unreadable: z.number().int().nonnegative().optional(),
  outOfScope: OutOfScopeSchema.optional(),
  /**
   * A fine-tuning's closing test records its base (or a base the base's weights started from)
   * trained or validated on, left out of the figures, so those are on records the model never saw:
   * how many, the first three, and the note said with them. Absent where there were none, and in
   * packages written before they were left out (their comparison's overlap counts them).
   */
  seenByBase: SeenByBaseSchema.optional(),
  /**
   * Why a fine-tuning's closing figures are not a locked test: whether its base trained on these
   * test records cannot be checked (it, or a base of it, keeps no record of its training records),
   * or every test record was one it trained on. Such figures are kept, for the record, but are not
   * the package's locked test (lockedTestOf) and are not recorded as a site evaluation.
   */
  notLockedTest: z.string().optional(),
});

/**
 * A cross-validation fold's package (`ecg train --cv`, `ecg finetune --cv`, the app's
 * "Cross-validate first"): which fold of how many, and, for a fine-tuning's fold, its closing
 * evaluation on the fold's held-out rows with the base beside it. Those rows were held out of
 * this model's training, but the folds were made, and the fine-tuning chosen, in one loop on the
 * same development data: cross-validation figures, not a locked test (the package has none of
 * its own until one is attached).
 */
export const cvFoldProvenanceSchema = z.object({
  k: z.number().int().min(3).max(20),
  fold: z.number().int().min(1).max(20),
  /** The seed that dealt the folds; absent where the dataset fixed them (PTB-XL's strat_fold, a loader's own 10). */
  seed: z.number().int().optional(),
  heldOut: closingEvaluationSchema.optional(),
  comparison: baseComparisonSchema.optional(),
});
export type CvFoldProvenance = z.infer<typeof cvFoldProvenanceSchema>;

const datasetProvenanceSchema = z.object({
  name: z.string(),
  /** SHA-256 over the dataset index (ids, splits, labels) the model saw. */
  sha256: sha256,
  records: z.object({ train: z.number().int().nonnegative(), val: z.number().int().nonnegative(), test: z.number().int().nonnegative() }),
  /** How the split was made, e.g. 'PTB-XL strat_fold 1–8 / 9 / 10 (test untouched)'. */
  split: z.string(),
});

/**
 * Locked-test figures a package held before `ecg evaluate --attach --replace-test` replaced them
 * (attachTestReport): a locked test is read once, so a second reading is kept in the package, not
 * hidden by the figures that replaced it.
 */
export const replacedTestSchema = z.object({
  /** When they were replaced (ISO 8601, UTC). */
  replacedAt: z.iso.datetime(),
  /** The package's id while it held them: what the site's database, or an earlier report, names that reading by. */
  packageId: z.string().min(1).max(200),
  /** The figures as the package held them. */
  test: closingEvaluationSchema,
  /**
   * A fine-tuned package's closing comparison with its base, made on the records of these figures:
   * set aside with them, as it says nothing of the figures that replaced them.
   */
  comparison: baseComparisonSchema.optional(),
});
export type ReplacedTest = z.infer<typeof replacedTestSchema>;

/** Where a model came from: enough to reproduce or audit it. */
export const provenanceSchema = z.object({
  dataset: datasetProvenanceSchema,
  epochs: z.object({ run: z.number().int().nonnegative(), best: z.number().int().nonnegative(), planned: z.number().int().nonnegative() }),
  seed: z.number().int(),
  backend: z.string(),
  /**
   * Threads that computed the training steps (data-parallel workers, core/parallel). Batch norm
   * uses each replica's own batch statistics, so N changes the weights of a model with batch norm:
   * a run is reproduced with the same N. Absent in packages written before it was kept (1).
   */
  workers: z.number().int().positive().optional(),
  secondsPerEpoch: z.number().nonnegative(),
  selection: z.string(),
  /**
   * With the validation rows left out as outside the model's intended input (by reason, with
   * what the epoch and operating point rest on): they were chosen on the others. Absent in
   * packages written before validation was held to it, and under --paper-exact (every row kept).
   */
  validation: metricsWithCiSchema.extend({ outOfScope: OutOfScopeSchema.optional() }),
  /**
   * Filled only by an explicit final evaluation on the locked test split, never used for
   * selection; with each class's calibration on those records where it was measured, and how many
   * of the split's records could not be read (so are in no figure) where that was counted.
   */
  test: closingEvaluationSchema.optional(),
  /**
   * Earlier locked-test figures that `test` replaced (--replace-test), oldest first: the locked test
   * was read once more than this holds entries. Absent when it was read once, or never, and in
   * packages written before replacements were kept.
   */
  replacedTests: z.array(replacedTestSchema).optional(),
  /** A cross-validation fold's package only (see cvFoldProvenanceSchema); absent in packages written before it was kept. */
  cvFold: cvFoldProvenanceSchema.optional(),
  /**
   * The content hashes of the records it trained and validated on, as a compact filter: a later
   * fine-tuning or evaluation counts how many of its records this model has already seen.
   * Absent in packages written before it was kept.
   */
  trainingRecords: recordFilterSchema.optional(),
  /**
   * The training-record filters of every package whose weights this one's started from, nearest
   * first: a head or full fine-tuning's base, then that base's own (an operating-point or fusion
   * package keeps its base's, with its weights). The network learned their records too, so an
   * overlap counts a record any of them holds. Empty or absent where the weights started from none
   * (trained from scratch); absent too in packages written before it was kept, whose base's
   * overlap is then unknown (core/train/base-records.ts `trainingRecordsOf`).
   */
  baseTrainingRecords: z.array(baseRecordFilterSchema).optional(),
  /**
   * Rows of the dataset that held one recording (the same file under two names, or the same ECG
   * at another sampling rate) within one split: kept, so that recording weighed twice. Counts and
   * row ids only (the first 100 recordings listed), no signal. Absent when there were none, and in
   * packages written before it was kept.
   */
  duplicates: duplicatesProvenanceSchema.optional(),
  /** For fine-tuned models: the closing comparison with the base on the same locked test records. */
  comparison: baseComparisonSchema.optional(),
  /**
   * For fine-tuned models: the package it started from and how; 'operating-point' for a package
   * whose weights are the base's and whose temperature and thresholds alone were refit on a
   * site's validation rows (core/train/jobs/operating-point-job.ts); 'fusion' for a PE fusion
   * package, whose network, operating point, history and training records are the base's and
   * whose validation figures are the fusion's own (core/train/pe/fuse-job.ts).
   */
  base: z
    .object({
      id: z.string(),
      name: z.string(),
      mode: z.enum(['head', 'full', 'scratch', 'operating-point', 'fusion']),
      inference: inferenceSchema.optional(),
      /**
       * A PE fusion package's base only: the data its ECG network was trained on and the duplicates that
       * training recorded, kept as the base's (the package's own `dataset` and `duplicates` are the rows
       * the fusion was fitted on). Absent in fusions made before it was kept, whose `duplicates` were the
       * base's, copied.
       */
      training: z.object({ dataset: datasetProvenanceSchema, duplicates: duplicatesProvenanceSchema.optional() }).optional(),
    })
    .optional(),
  /**
   * For a site operating point: the fewest validation positives and negatives per class its
   * thresholds were allowed to rest on. The hyper-parameters' minimums are the base's training's,
   * which describe the weights, not this choice. Absent in packages written before it was kept.
   */
  operatingPointMinValExamples: z.number().int().positive().optional(),
  /**
   * For a site operating point: the site's dataset its temperature and thresholds were chosen on
   * (its validation rows), whose test split, as it was split and labelled then, is the package's
   * locked test (`dataset` stays the base's training data, which made the weights). `ecg evaluate
   * --attach` holds figures to its digest, as it holds any other package's to `dataset`'s. Absent
   * in operating-point packages written before it was kept, which named that data only in words
   * (`dataset.split`): an attach to one is refused, having no digest to check the figures by.
   */
  operatingPointDataset: datasetProvenanceSchema.optional(),
  history: z.array(z.record(z.string(), z.number().nullable())).default([]),
});
export type Provenance = z.infer<typeof provenanceSchema>;

/** How fold packages were named before they recorded `cvFold` (core/train/cv.ts `foldDataset`). */
const foldDatasetName = / \(CV fold (\d+) of (\d+)\)$/;

/**
 * A package's cross-validation fold: as it records it, or, for a fold package written before it
 * did, read from its dataset's name ("… (CV fold 2 of 5)"), whose `test` and `comparison` then
 * held the fold's held-out rows. Undefined for any other package.
 */
export function cvFoldOf(provenance: Provenance): CvFoldProvenance | undefined {
  if (provenance.cvFold) return provenance.cvFold;
  const named = foldDatasetName.exec(provenance.dataset.name);
  if (!named) return undefined;
  const { test, comparison } = provenance;
  return { k: Number(named[2]), fold: Number(named[1]), ...(test ? { heldOut: test } : {}), ...(comparison ? { comparison } : {}) };
}

/**
 * Whether the package chose its epoch on its dataset's test split (--paper-exact, the paper
 * code's protocol), as its selection says ('… on test (paperExact)'): it has no locked test.
 */
export function selectedOnTest(provenance: Pick<Provenance, 'selection'>): boolean {
  return / on test \(paperExact\)/.test(provenance.selection);
}

/**
 * The package's own locked-test evaluation, if any: never an older fold package's `test`, which
 * was its fold's held-out rows, nor the test rows a --paper-exact fine-tuning selected on (one
 * written before it kept none called them its locked test), nor closing figures that say why they
 * are not one (`notLockedTest`).
 */
export function lockedTestOf(provenance: Provenance): Provenance['test'] {
  if (selectedOnTest(provenance) || provenance.test?.notLockedTest) return undefined;
  return !provenance.cvFold && cvFoldOf(provenance) ? undefined : provenance.test;
}

/** The seal (core/train/package/seal.ts): SHA-256 over the canonical manifest, which names the files' digests. */
export const integritySchema = z.object({ algorithm: z.literal('sha256-canonical-json-v1'), sha256 });

/** An optional Ed25519 signature of the seal by the key of whoever produced the package. */
export const signatureSchema = z.object({ algorithm: z.literal('ed25519'), signer: z.string().min(1).max(200), publicKey: z.string().max(200), signature: z.string().max(200) });

/**
 * The manifest of a model package (manifest.json beside model.json and weights.bin). Versioned
 * and validated on load; its seal is checked first (any edited field is refused), then the
 * weights' and topology's SHA-256 against the files before use. New fields need a default for
 * older packages; the seal covers them without being told.
 */
export const modelManifestSchema = z.object({
  format: z.literal('einthoven-model'),
  formatVersion: z.literal(packageFormatVersion),
  /** name@ + the first 12 hex digits of the seal digest: it changes whenever anything in the package changes. */
  id: z.string().min(1).max(200),
  name: z.string().min(1).max(120),
  description: z.string().max(4000).default(''),
  researchUseOnly: z.literal(true),
  /** True for the bundled starter: trained on a few hundred records, for demonstration only. */
  demonstration: z.boolean(),
  createdAt: z.string(),
  architecture: z.object({ name: z.string(), buildOptions: buildOptionsSchema, params: z.number().int().nonnegative() }),
  /** Training hyper-parameters (learning rate, batch, loss, schedule, normalisation …). */
  hyperParameters: z.record(z.string(), z.unknown()),
  classes: z.array(z.string().min(1).max(100)).min(1).max(1000),
  /** The full signal pipeline, fitted statistics included; no augmentation (prediction never augments). */
  preprocessing: pipelineConfigSchema,
  /**
   * The augmentation training ran with — none, or the paper's scheme with its parameters — so
   * the package is reproducible from its manifest. null: written before it was recorded.
   */
  augmentation: trainingAugmentationSchema.nullable().default(null),
  inference: inferenceSchema,
  /** The input the model is for (age, pacing, leads, duration, rates, channels); older packages get `defaultIntendedInput` of their pipeline. */
  intendedInput: intendedInputSchema.optional(),
  operatingPoint: operatingPointSchema,
  provenance: provenanceSchema,
  /** Ensemble packages only (see ensembleSchema); architecture.name is then 'ensemble'. */
  ensemble: ensembleSchema.nullable().default(null),
  engineVersion: z.string(),
  weightsSha256: sha256,
  /** SHA-256 of model.json (topology and weight specs). */
  topologySha256: sha256,
  /** PE fusion packages only: the logistic regressions on the ECG logit plus clinical score items (core/train/pe/fusion.ts). */
  fusion: fusionSchema.optional(),
  /** Optional in the schema so that an unsealed package is refused with a message that says so (checkSeal). */
  integrity: integritySchema.optional(),
  signature: signatureSchema.optional(),
});
export type ModelManifest = z.infer<typeof modelManifestSchema>;
export type ModelManifestInput = z.input<typeof modelManifestSchema>;

/** What a prediction says about the model that made it. */
export interface ModelIdentity {
  readonly id: string;
  readonly name: string;
  readonly demonstration: boolean;
  readonly operatingPoint: OperatingPoint;
}

export function identityOf(manifest: ModelManifest): ModelIdentity {
  return { id: manifest.id, name: manifest.name, demonstration: manifest.demonstration, operatingPoint: manifest.operatingPoint };
}

/**
 * Fields that record when and how fast a training ran, not what it produced — and the seal, the
 * id derived from it and a signature, which cover those timings too.
 */
const timingFields = new Set(['createdAt', 'secondsPerEpoch', 'seconds', 'samplesPerSecond', 'id', 'integrity', 'signature']);

/**
 * The manifest without its timings (creation time, seconds per epoch and per-epoch speeds) and
 * the seal over them: what two runs of the same training must agree on, the weights' and the
 * topology's SHA-256 included.
 */
export function reproducibleView(manifest: ModelManifest): unknown {
  return JSON.parse(JSON.stringify(manifest, (key, value: unknown) => (timingFields.has(key) ? undefined : value))) as unknown;
}

/**
 * What a package is for: as it states, or, for a package written before it stated it, its
 * pipeline's default; either way no shorter than the records it was validated on.
 */
export function intendedInputOf(manifest: ModelManifest): IntendedInput {
  return withLegacyDurationFloor(manifest.intendedInput ?? defaultIntendedInput(manifest.preprocessing));
}
