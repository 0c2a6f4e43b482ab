import { z } from 'zod';
import { RecordId } from './schemas';

/**
 * The worklist: which stored records to list, in which order. The same filter selects the
 * rows a list page shows, the ids a batch prediction runs on and the count the list states,
 * so the three always agree.
 */
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');

/** The oldest age in years the patient filters take (the CLI's --age-min/--age-max check against it too). */
export const filterAgeMaxYears = 150;

/** How many records one page of the list holds at most, and by default (records:list; ecg list --limit). */
export const recordsPage = { max: 1000, default: 200 } as const;

export const worklistFilterShape = {
  /** File name, patient id or name, the file's statements or the reader's. */
  search: z.string().max(200).optional(),
  /** Exactly this patient's records (serial comparison with prior ECGs). */
  patientId: z.string().min(1).max(200).optional(),
  /** Records nobody has confirmed yet, or confirmed ones. */
  review: z.enum(['unconfirmed', 'confirmed']).optional(),
  /** Recording date range, inclusive (records whose file gives no date are left out when either bound is set). */
  recordedFrom: isoDate.optional(),
  recordedTo: isoDate.optional(),
  sex: z.enum(['M', 'F', 'U']).optional(),
  /** Age in years at recording, inclusive (records without an age are left out when either bound is set). */
  ageMin: z.number().min(0).max(filterAgeMaxYears).optional(),
  ageMax: z.number().min(0).max(filterAgeMaxYears).optional(),
  /** Who signed the current reading. */
  reader: z.string().min(1).max(120).optional(),
  /** Records whose measurements use a reader's corrected beats or boundaries (true), or the program's (false). */
  corrected: z.boolean().optional(),
  /** Records with notes on their tracing (true), or without (false); notes taken back do not count. */
  withNotes: z.boolean().optional(),
  /**
   * The newest prediction of this model on the record flags this class (e.g. "MI flagged by model X"). Under the
   * `uncertainty` sort it only names the model and class to rank by and selects nothing itself: that queue must hold
   * the records just below the threshold as well as those just above (worklistWhere in core/db/worklist.ts).
   */
  flagged: z.object({ modelId: z.string().min(1).max(200), className: z.string().min(1).max(64) }).strict().optional(),
};

export const WorklistFilterSchema = z.object(worklistFilterShape).strict();
export type WorklistFilter = z.infer<typeof WorklistFilterSchema>;

type RangeBounds = Pick<WorklistFilter, 'recordedFrom' | 'recordedTo' | 'ageMin' | 'ageMax'>;

/**
 * A range whose lower bound lies above its upper one (a "from" after the "to", a minimum age above the maximum) can
 * hold no record: refused naming both fields, where it answered 0 records as if none matched. Attached to each
 * request that carries the filter (a refined object cannot be extended); the worklist screen says so before asking
 * (renderer/src/lib/empty-range.ts), and ecg list in its flags' words.
 */
export function refuseInvertedRanges(filter: RangeBounds, context: z.RefinementCtx): void {
  const { recordedFrom: from, recordedTo: to, ageMin, ageMax } = filter;
  if (from !== undefined && to !== undefined && from > to) context.addIssue({ code: 'custom', path: ['recordedFrom'], message: `${from} is after recordedTo ${to}: the range is empty` });
  if (ageMin !== undefined && ageMax !== undefined && ageMin > ageMax) context.addIssue({ code: 'custom', path: ['ageMin'], message: `${ageMin} is above ageMax ${ageMax}: the range is empty` });
}

export const worklistSorts = ['imported', 'recorded', 'patient', 'status', 'probability', 'uncertainty'] as const;
export type WorklistSort = (typeof worklistSorts)[number];

/** The sorts that rank by a model's class, named by the "flagged by" filter: without it they have nothing to rank by. */
export const modelOutputSorts: readonly WorklistSort[] = ['probability', 'uncertainty'];

/**
 * The uncertainty queue's key as a reader reads it: how far a class's probability is from its prediction's threshold,
 * in percentage points, and on which side (above = flagged), e.g. "5.0 points below the threshold".
 */
export function thresholdDistanceText(probability: number, threshold: number): string {
  if (probability === threshold) return 'on the threshold';
  return `${(Math.abs(probability - threshold) * 100).toFixed(1)} points ${probability > threshold ? 'above' : 'below'} the threshold`;
}

export const worklistOrderShape = {
  /**
   * imported: newest import first (the default); recorded: recording date; patient: name then id; status: unconfirmed first;
   * probability: the "flagged by" filter's class as its model's newest prediction gives it, most probable first (triage
   * of the records a model flags; needs that filter); uncertainty: the distance |p − threshold| of that class in that
   * prediction, ascending = most uncertain first (the records a reader labels to teach the model most before a fine-tuning
   * dataset is built from signed readings). It lists every record the other filters select, flagged or not; those
   * without a usable prediction (none, abstained, or a class the model never flags) come last either way. Under either,
   * a record whose PE score entry withholds a PE model's probability (an age outside its intended use) comes after
   * those shown, by id, not by the number withheld.
   */
  sort: z.enum(worklistSorts).default('imported'),
  order: z.enum(['asc', 'desc']).default('desc'),
};

export const WorklistFacetsSchema = z.object({
  /** Everyone who has signed a current reading. */
  readers: z.array(z.string()),
  /**
   * Models with stored predictions, and the classes their latest operating point can flag: what
   * "flagged by model X" can ask. `neverFlagged`: the classes it never flags (no threshold).
   */
  models: z.array(z.object({ id: z.string(), name: z.string(), classes: z.array(z.string()), neverFlagged: z.array(z.string()) })),
});
export type WorklistFacets = z.infer<typeof WorklistFacetsSchema>;

/**
 * The requests after which a worklist row may read differently: a reading signed, beats corrected, a note
 * added or taken back, a prediction stored (the "flagged by" filter), a PE score entry saved (whose age decides
 * whether a PE model's probability is shown under that filter), a record removed, an import ended.
 */
export const recordChangingChannels = ['overreads:confirm', 'records:correct-fiducials', 'notes:add', 'notes:retract', 'models:predict', 'pe:assess', 'records:remove', 'records:import'] as const;

/**
 * Said to every window after one of those requests: a second window (browser mode opens as many tabs as the
 * user likes, all on one engine) reads its worklist again, or it would show a record signed there as unconfirmed.
 */
export const RecordsChangedSchema = z.object({
  /** The request, or 'another-process' for a commit to the database by another process (the CLI into an open app's folder). */
  by: z.union([z.enum(recordChangingChannels), z.literal('another-process')]),
  /** The record the request changed, where it names one: a window with that record open reads its reading again. */
  recordId: RecordId.optional(),
});

export const worklistEvents = {
  'records:changed': RecordsChangedSchema,
} as const;

export const worklistChannels = {
  /** Every record id the filter selects, in list order: a batch runs on the whole filtered set, not just the rows on screen. */
  'records:ids': {
    request: WorklistFilterSchema.extend(worklistOrderShape).strict().superRefine(refuseInvertedRanges),
    response: z.object({ ids: z.array(RecordId) }),
  },
  'records:facets': {
    request: z.object({}).strict(),
    response: WorklistFacetsSchema,
  },
} as const;
