import { z } from 'zod';
import { peBooleanItems, peItemLabels, peNumberItems, peNumberRanges, type PeBooleanItem, type PeNumberItem } from '../clinic/pe-scores/items';
import { peScoreIds } from '../clinic/pe-scores/points';
import { RecordId } from './schemas';

/**
 * The clinical pre-test scores for pulmonary embolism on a record: the items a clinician
 * entered (each score is computed from them, never typed as a total), stored immutably like a
 * physician reading — a new entry supersedes the current one and both stay on file.
 */
export { peBooleanItems, peItemLabels, peNumberItems, peNumberRanges, peScoreIds };

const numberItem = (id: PeNumberItem) => {
  const { min, max, unit } = peNumberRanges[id];
  return z.number().refine(Number.isFinite, `${id} must be a number`).pipe(z.number().min(min, `${id} below ${min} ${unit} is not plausible`).max(max, `${id} above ${max} ${unit} is not plausible`));
};

/** Items entered; a missing key is "not assessed" (not "absent"). */
export const PeItemsSchema = z
  .object({
    ...(Object.fromEntries(peNumberItems.map((id) => [id, numberItem(id).optional()])) as Record<PeNumberItem, z.ZodOptional<ReturnType<typeof numberItem>>>),
    ...(Object.fromEntries(peBooleanItems.map((id) => [id, z.boolean().optional()])) as Record<PeBooleanItem, z.ZodOptional<z.ZodBoolean>>),
  })
  .strict();

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
});
export type PeScoreResultInfo = z.infer<typeof PeScoreResultSchema>;

export const PeAssessmentSchema = z.object({
  id: z.number().int().positive(),
  recordId: RecordId,
  items: PeItemsSchema,
  /** The scores as computed from the items when they were entered. */
  scores: z.array(PeScoreResultSchema),
  assessor: z.string(),
  note: z.string(),
  supersedes: z.number().int().positive().nullable(),
  enteredAt: z.string(),
});
export type PeAssessment = z.infer<typeof PeAssessmentSchema>;

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
      })
      .strict(),
    response: PeAssessmentSchema,
  },
} as const;
