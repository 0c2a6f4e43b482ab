import { z } from 'zod';

/**
 * Locked-test evaluations on this site's data and the base-versus-fine-tuned comparison a
 * fine-tuning ends with (issue 12): what the app shows beside a model and what a promotion to
 * the default model rests on.
 */
const metricValue = z.number().nullable();
const interval = z.object({ low: metricValue, high: metricValue });

/** One class of a base-versus-fine-tuned comparison: both AUCs on the same records and DeLong's paired test of their difference. */
export const ClassComparisonSchema = z.object({
  name: z.string(),
  positives: z.number().int().nonnegative(),
  aucFinetuned: metricValue,
  aucBase: metricValue,
  /** AUC(fine-tuned) − AUC(base). */
  diff: metricValue,
  ci95: z.tuple([metricValue, metricValue]),
  p: metricValue,
  /** 'DeLong' when it could be computed; otherwise why not. */
  method: z.string(),
});

/**
 * A fine-tuning's closing comparison on the hospital's locked test rows: the fine-tuned model and
 * its base on the same records, side by side, with DeLong's paired CI of each class's AUC
 * difference, and how many of those records the base model had already seen in training.
 */
export const BaseComparisonSchema = z.object({
  base: z.object({ id: z.string(), name: z.string() }),
  n: z.number().int().nonnegative(),
  /** The base model's metrics at its own operating point on the same records; null when it has no output for these classes. */
  baseMetrics: z.object({ metrics: z.record(z.string(), z.unknown()), ci: z.record(z.string(), interval) }).nullable(),
  classes: z.array(ClassComparisonSchema),
  /** Test records whose content hash is in the base model's training-record filter, or its own bases' (null: the base keeps no filter). */
  overlap: z.object({
    checked: z.number().int().nonnegative(),
    inBaseTraining: z.number().int().nonnegative().nullable(),
    note: z.string(),
    /**
     * The fine-tuning's validation records checked the same way: the epoch, temperature and
     * thresholds were chosen on them, so base-training records among them make those choices, and
     * the validation figures, optimistic. Absent from packages made before it was checked.
     */
    validation: z.object({ checked: z.number().int().nonnegative(), inBaseTraining: z.number().int().nonnegative().nullable(), note: z.string() }).optional(),
  }),
  note: z.string(),
});
export type BaseComparison = z.infer<typeof BaseComparisonSchema>;

/**
 * How far one class's probabilities can be taken at their word on the records evaluated
 * (core/ml/metrics/calibration.ts): Brier score, expected calibration error, the ECE a calibrated
 * model would show on as many records, and the reliability diagram's ten bins.
 */
export const ClassCalibrationSchema = z.object({
  n: z.number().int().nonnegative(),
  positives: z.number().int().nonnegative(),
  brier: metricValue,
  ece: metricValue,
  eceIfCalibrated: z.object({ mean: metricValue, p95: metricValue }),
  bins: z.array(z.object({ lo: z.number(), hi: z.number(), n: z.number().int().nonnegative(), meanPredicted: metricValue, observed: metricValue })),
});
export type ClassCalibrationInfo = z.infer<typeof ClassCalibrationSchema>;

/**
 * True when a class's ECE is larger than a perfectly calibrated model shows 95 % of the time on
 * as many records: miscalibration the records can show, not binning noise.
 */
export function calibrationBeyondChance(calibration: Pick<ClassCalibrationInfo, 'ece' | 'eceIfCalibrated'>): boolean {
  const { ece, eceIfCalibrated } = calibration;
  return ece !== null && eceIfCalibrated.p95 !== null && ece > eceIfCalibrated.p95;
}

/** Per class name. */
export const CalibrationByClassSchema = z.record(z.string(), ClassCalibrationSchema);
export type CalibrationByClass = z.infer<typeof CalibrationByClassSchema>;


/**
 * What recorded a site evaluation: a fine-tuning's closing evaluation, an evaluation asked for
 * (the card, `ecg evaluate --record`), or the locked test a site operating point job reads for
 * the model it derives (migration 0015).
 */
export const SiteEvaluationSourceSchema = z.enum(['finetune', 'evaluate', 'operating-point']);
export type SiteEvaluationSource = z.infer<typeof SiteEvaluationSourceSchema>;

/** Each source in words, as a model's evaluation history shows it (the app's card, ecg models promote). */
export const siteEvaluationSourceWords: Record<SiteEvaluationSource, string> = {
  finetune: 'its fine-tuning',
  evaluate: 'an evaluation',
  'operating-point': 'while deriving a site operating point',
};

/** A locked-test evaluation recorded on this workstation (model_evaluations, migrations 0005, 0013, 0015). */
export const SiteEvaluationSchema = z.object({
  id: z.number().int().positive(),
  modelId: z.string(),
  source: SiteEvaluationSourceSchema,
  dataset: z.object({ name: z.string(), root: z.string(), labels: z.string().nullable() }),
  n: z.number().int().nonnegative(),
  metrics: z.record(z.string(), z.unknown()),
  ci: z.record(z.string(), interval),
  comparison: BaseComparisonSchema.nullable(),
  /** Per class, how well the probabilities were calibrated on these records (migration 0013); null for evaluations recorded before it. */
  calibration: CalibrationByClassSchema.nullable(),
  /** Records of the split that could not be read and are in no figure (migration 0016); null where not counted. */
  unreadable: z.number().int().nonnegative().nullable(),
  actor: z.string(),
  createdAt: z.string(),
});
export type SiteEvaluation = z.infer<typeof SiteEvaluationSchema>;
