import { z } from 'zod';
import { dDimerCeilingMgLFeu, dDimerDoubt, dDimerFeuUnits, dDimerFloorNgMlFeu, dDimerLooksLikeNgMl, dDimerMixUp, dDimerNeedsUnitConfirmation, dDimerUnitQuestion, ngMlFeuFrom, peBooleanItems, peItemLabels, peNumberItems, peNumberRanges, storedDdimerCeilingNgMlFeu, type DdimerDoubt, type PeBooleanItem, type PeNumberItem } from '../clinic/pe-scores/items';
import { peScoreIds } from '../clinic/pe-scores/points';
import { readDecimal } from '../clinic/decimal-text';
import type { ErrorInfo } from '../errors';
import { RecordId } from './schemas';

/**
 * The clinical pre-test scores for pulmonary embolism on a record: the items a clinician
 * entered (each score is computed from them, never typed as a total), stored immutably like a
 * physician reading — a new entry supersedes the current one and both stay on file.
 */
export type { DdimerDoubt };
export { dDimerCeilingMgLFeu, dDimerDoubt, dDimerFeuUnits, dDimerFloorNgMlFeu, dDimerLooksLikeNgMl, dDimerMixUp, dDimerNeedsUnitConfirmation, dDimerUnitQuestion, ngMlFeuFrom, peBooleanItems, peItemLabels, peNumberItems, peNumberRanges, peScoreIds, readDecimal };

/** Below the floor, a D-dimer is most likely mg/L FEU typed as ng/mL: the refusal says so with the value typed. */
const belowMin = (id: PeNumberItem, min: number, unit: string) => (issue: { input?: unknown }) =>
  id === 'dDimerNgMlFeu' && typeof issue.input === 'number' ? `below ${min} ${unit} is not plausible; ${dDimerMixUp(issue.input)}` : `${id} below ${min} ${unit} is not plausible`;

/** Above the ceiling, a D-dimer is most likely ng/mL taken for mg/L FEU and multiplied by 1000. */
const aboveMax = (id: PeNumberItem, max: number, unit: string) =>
  id === 'dDimerNgMlFeu' ? `${id} above ${max} ${unit} (${max / 1000} mg/L FEU) is not plausible: a result in ng/mL converted as if it were mg/L?` : `${id} above ${max} ${unit} is not plausible`;

const numberItem = (id: PeNumberItem, { min, max }: { min: number; max: number }) => {
  const { unit } = peNumberRanges[id];
  return z.number().refine(Number.isFinite, `${id} must be a number`).pipe(z.number().min(min, { error: belowMin(id, min, unit) }).max(max, aboveMax(id, max, unit)));
};

/** Items with each number checked against `range`; a missing key is "not assessed" (not "absent"). */
const itemsSchema = (range: (id: PeNumberItem) => { min: number; max: number }) =>
  z
    .object({
      ...(Object.fromEntries(peNumberItems.map((id) => [id, numberItem(id, range(id)).optional()])) as Record<PeNumberItem, z.ZodOptional<ReturnType<typeof numberItem>>>),
      ...(Object.fromEntries(peBooleanItems.map((id) => [id, z.boolean().optional()])) as Record<PeBooleanItem, z.ZodOptional<z.ZodBoolean>>),
      dDimerUnitConfirmed: z.literal(true).optional(),
    })
    .strict();

type DdimerFields = { dDimerNgMlFeu?: number | undefined; dDimerUnitConfirmed?: true | undefined };

/**
 * A D-dimer low enough to be mg/L FEU typed as ng/mL is taken only with its unit confirmed, and a
 * confirmation only with such a D-dimer: one sent with every entry would confirm nothing.
 */
function checkDdimerUnit(items: DdimerFields, context: z.RefinementCtx): void {
  const value = items.dDimerNgMlFeu;
  const needed = value !== undefined && dDimerNeedsUnitConfirmation(value, 'ng/mL FEU');
  if (needed && !items.dDimerUnitConfirmed) {
    context.addIssue({ code: 'custom', path: ['dDimerNgMlFeu'], message: `${dDimerUnitQuestion(value)}: give that, or send dDimerUnitConfirmed: true if the lab reported ${value} ng/mL FEU` });
  }
  if (!needed && items.dDimerUnitConfirmed) {
    const range = `${dDimerFloorNgMlFeu}–${dDimerCeilingMgLFeu} ng/mL FEU`;
    context.addIssue({ code: 'custom', path: ['dDimerUnitConfirmed'], message: `there is no D-dimer of ${range} to confirm` });
  }
}

/** Items entered (preview, a new entry): every number within peNumberRanges, a low D-dimer's unit confirmed. */
export const PeItemsSchema = itemsSchema((id) => peNumberRanges[id]).superRefine(checkDdimerUnit);
export type PeItems = z.infer<typeof PeItemsSchema>;

/**
 * Items as stored. Entries made before the D-dimer floor may hold a D-dimer under it (mg/L FEU
 * typed as ng/mL), entries made before the ceiling one above it up to the earlier ceiling, and
 * entries made before a low D-dimer's unit was confirmed one of 20–100 ng/mL FEU without the
 * confirmation: they must still be listed (and are flagged), so the record opens and the entry
 * can be corrected.
 */
const StoredPeItemsSchema = itemsSchema((id) => (id === 'dDimerNgMlFeu' ? { min: 0, max: storedDdimerCeilingNgMlFeu } : peNumberRanges[id]));

/**
 * Where the heart-rate item came from: 'ecg' the ECG's measured rate, taken by the clinician's
 * click and unchanged; 'entered' typed. Wells counts a rate above 100, and the tracing's rate is
 * not necessarily the clinical one at assessment, so an entry says which it used.
 */
export const heartRateSources = ['ecg', 'entered'] as const;
export const HeartRateSourceSchema = z.enum(heartRateSources);
export type HeartRateSource = z.infer<typeof HeartRateSourceSchema>;

/**
 * Whether pe:assess refused a heart rate sent as the ECG's because it is not the record's measured
 * rate now (another, or none: the beats or boundaries corrected since the form read it). Told by
 * the refusal's reason, which the desk gives it and the bridge carries, never by its wording.
 */
export function ecgRateRefused(error: ErrorInfo): boolean {
  return error.reason === 'heart-rate-not-ecg';
}

export const PeScoreResultSchema = z.object({
  score: z.enum(peScoreIds),
  name: z.string(),
  source: z.string(),
  missing: z.array(z.string()),
  total: z.number().nullable(),
  points: z.array(z.object({ item: z.string(), points: z.number() })),
  categories: z.array(z.object({ name: z.string(), scheme: z.enum(['three-level', 'two-level']), reportedPrevalence: z.number().nullable(), prevalenceSource: z.string().nullable() })),
  imagingIndicated: z.boolean().nullable(),
  summary: z.string(),
  /**
   * A stored entry's score whose outcome under the current rules differs from the one stored when
   * it was entered (PEGeD's C-PTP before ceb2286; a decision then left incomplete): what was
   * stored, kept beside the recomputed outcome shown. Absent where they agree, and in a preview.
   */
  entered: z.object({ outcome: z.union([z.number(), z.string(), z.null()]), summary: z.string() }).optional(),
});
export type PeScoreResultInfo = z.infer<typeof PeScoreResultSchema>;

/**
 * What a recomputed score says of itself (`entered` set): the one wording the stored entry's
 * summary ends with and the panel shows beside a points total, whose summary it does not show.
 */
export function recomputedNote(score: Pick<PeScoreResultInfo, 'name' | 'entered'>): string | null {
  if (!score.entered) return null;
  return `recomputed from the entry's items under the current rule; entered as ${score.entered.summary.replace(`${score.name}: `, '')}`;
}

export const PeAssessmentSchema = z.object({
  id: z.number().int().positive(),
  recordId: RecordId,
  items: StoredPeItemsSchema,
  /** The scores from the stored items under the current rules; one that differs from what was stored when entered says so and keeps it (`entered`). */
  scores: z.array(PeScoreResultSchema),
  assessor: z.string(),
  note: z.string(),
  supersedes: z.number().int().positive().nullable(),
  enteredAt: z.string(),
  /** Null where the entry has no heart rate, or was made before its source was recorded. */
  heartRateSource: HeartRateSourceSchema.nullable(),
});
export type PeAssessment = z.infer<typeof PeAssessmentSchema>;

/** One probability on the PE panel, always with the model and operating point that produced it. */
const ShownProbabilitySchema = z.object({
  probability: z.number().min(0).max(1),
  modelId: z.string(),
  modelName: z.string(),
  /** Decision rule: calibrated probability > threshold (method: how it was tuned, on validation). */
  threshold: z.number(),
  method: z.string(),
  /** A site's rule-out or rule-in target the threshold reaches on validation; only with those methods. */
  target: z.number().optional(),
  temperature: z.number(),
  /** Why no temperature was fitted, or what the fitted one means (calibration.ts `calibrationTemperature`). */
  calibrationNote: z.string().optional(),
  decision: z.boolean(),
});

/** The PE panel of a record: the ECG model's probability, the score-based pre-test probability and, when a fusion model exists, the fused one. */
export const PeProbabilitiesSchema = z.object({
  recordId: RecordId,
  predictionId: z.number().int().positive(),
  ecg: ShownProbabilitySchema,
  /** The current PE score entry the figures below use (null: none entered yet). */
  assessmentId: z.number().int().positive().nullable(),
  /**
   * The fusion package built on this ECG model that the desk asked, whether or not it gave a
   * number (fusionUnavailable then says why); null when none is installed. A page printed from the
   * panel tells "withheld" (a package, no figure) from "no such model at this site" by it.
   */
  fusionModel: z.object({ id: z.string(), name: z.string() }).nullable(),
  /** The site's pre-test probability from the score items (a fusion package's items-only regression), when one is installed and the items are complete. */
  pretest: ShownProbabilitySchema.nullable(),
  fused: ShownProbabilitySchema.nullable(),
  /** Why no fused (or site pre-test) probability: no fusion model for this ECG model, the items it still needs, or a D-dimer it reads that the entry flags (dDimerDoubt). */
  fusionUnavailable: z.string().nullable(),
  notice: z.string().nullable(),
  /**
   * Why the patient, as the current score entry gives their age, is outside the ECG model's
   * intended use (its package's age range), which the model, reading only the age its file states,
   * did not see when it predicted. The ECG probability is then shown and printed as no number,
   * and no pre-test or fused one is given. Absent: inside it, or no age entered.
   */
  outsideIntendedUse: z.string().optional(),
});
export type PeProbabilities = z.infer<typeof PeProbabilitiesSchema>;

/** How a DeLong test was computed: over patients (clustered, Obuchowski 1997) or records taken as independent; absent from comparisons stored before it was said (record-level). */
const delongUnit = z.enum(['patient', 'record']);
const RateSchema = z.object({ value: z.number().nullable(), low: z.number().nullable(), high: z.number().nullable(), k: z.number().int(), n: z.number().int() });

/** The paper's Fig. 3 on a site's data (core/train/pe/comparison.ts): the ECG model, each score and the fusion model on one split. */
export const PeComparisonSchema = z.object({
  n: z.number().int().nonnegative(),
  positives: z.number().int().nonnegative(),
  split: z.string(),
  curves: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      kind: z.enum(['model', 'score', 'fusion']),
      n: z.number().int().nonnegative(),
      positives: z.number().int().nonnegative(),
      auc: z.number().nullable(),
      aucCi: z.object({ low: z.number().nullable(), high: z.number().nullable() }),
      roc: z.object({ fpr: z.array(z.number().nullable()), tpr: z.array(z.number().nullable()) }),
      operatingPoints: z.array(z.object({ label: z.string(), sensitivity: RateSchema, specificity: RateSchema, ppv: RateSchema, npv: RateSchema, fpr: z.number().nullable(), tpr: z.number().nullable() })),
      vsModel: z.object({ aucA: z.number().nullable(), aucB: z.number().nullable(), diff: z.number().nullable(), se: z.number().nullable(), z: z.number().nullable(), p: z.number().nullable(), ci95: z.tuple([z.number().nullable(), z.number().nullable()]), n: z.number().int(), unit: delongUnit.optional() }).optional(),
      vsModelUntested: z.string().optional(),
      provenance: z.object({ items: z.number().int(), total: z.number().int() }).optional(),
    }),
  ),
  absent: z.array(z.string()),
  /** The labels CSV's pe_scores_source values among the compared records (absent from evaluations stored before it was kept). */
  scoreSources: z.array(z.object({ source: z.string(), records: z.number().int().nonnegative() })).optional(),
});
export type PeComparisonInfo = z.infer<typeof PeComparisonSchema>;

export const peLimits = { note: 2000, assessor: 120 } as const;

export const peChannels = {
  /** Scores computed from items without storing anything: the form's live preview. */
  'pe:preview': {
    request: z.object({ items: PeItemsSchema }).strict(),
    response: z.object({ scores: z.array(PeScoreResultSchema) }),
  },
  'pe:list': {
    request: z.object({ recordId: RecordId }).strict(),
    /** Newest (current) first; `lastAssessor` pre-fills the name field. */
    response: z.object({ items: z.array(PeAssessmentSchema), lastAssessor: z.string().nullable() }),
  },
  'pe:assess': {
    request: z
      .object({
        recordId: RecordId,
        items: PeItemsSchema,
        assessor: z.string().trim().min(1, 'the assessor must be named').max(peLimits.assessor),
        note: z.string().max(peLimits.note).default(''),
        /** The entry this one replaces: must be the record's current one (a stale form is refused). */
        supersedes: z.number().int().positive().optional(),
        /** Where the heart rate came from: required with a heart rate, refused without one. */
        heartRateSource: HeartRateSourceSchema.optional(),
      })
      .strict()
      .refine((r) => (r.items.heartRateBpm === undefined) === (r.heartRateSource === undefined), {
        error: (issue) => ((issue.input as { heartRateSource?: unknown }).heartRateSource === undefined ? "heartRateSource must say where the heart rate came from ('ecg' or 'entered')" : 'heartRateSource is given without a heart rate'),
        path: ['heartRateSource'],
      }),
    response: PeAssessmentSchema,
  },
  /** For a stored prediction of a one-output PE model: the ECG, pre-test and fused probabilities. */
  'pe:probabilities': {
    request: z.object({ recordId: RecordId, predictionId: z.number().int().positive() }).strict(),
    response: PeProbabilitiesSchema,
  },
} as const;
