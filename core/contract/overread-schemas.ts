import { z } from 'zod';
import { RecordId } from './schemas';

/**
 * The cardiologist's side of a record (overread): confirming it with statements from the
 * SCP-ECG library or typed, a note, the reader's name and their verdict on the AI prediction
 * that was on screen. Readings are never edited; an amendment supersedes the previous one.
 */
export const LibraryStatementSchema = z.object({
  code: z.string(),
  text: z.string(),
  kind: z.enum(['rhythm', 'diagnostic', 'form']),
  category: z.string(),
});
export type LibraryStatementInfo = z.infer<typeof LibraryStatementSchema>;

export const AgreementSchema = z.enum(['agree', 'partly', 'disagree']);

export const OverreadSchema = z.object({
  id: z.number().int().positive(),
  recordId: RecordId,
  statements: z.array(z.object({ code: z.string().nullable(), text: z.string() })),
  note: z.string(),
  reader: z.string(),
  /** The stored prediction that was on screen when the reader confirmed, and their verdict on it. */
  predictionId: z.number().int().positive().nullable(),
  agreement: AgreementSchema.nullable(),
  supersedes: z.number().int().positive().nullable(),
  confirmedAt: z.string(),
});
export type Overread = z.infer<typeof OverreadSchema>;

export const overreadLimits = { statements: 40, statementLength: 200, note: 4000, reader: 120 } as const;

const ConfirmRequestSchema = z
  .object({
    recordId: RecordId,
    codes: z.array(z.string().min(1).max(20)).max(overreadLimits.statements).default([]),
    freeText: z.array(z.string().max(overreadLimits.statementLength)).max(overreadLimits.statements).default([]),
    note: z.string().max(overreadLimits.note).default(''),
    reader: z.string().trim().min(1, 'the reader must be named').max(overreadLimits.reader),
    predictionId: z.number().int().positive().optional(),
    agreement: AgreementSchema.optional(),
    /** The reading this one amends: must be the record's current one, so two readers cannot silently overwrite each other. */
    supersedes: z.number().int().positive().optional(),
  })
  .strict()
  .refine((r) => (r.predictionId === undefined) === (r.agreement === undefined), 'a verdict on the AI prediction needs the prediction, and the other way round');

export const overreadChannels = {
  'statements:library': {
    request: z.object({}).strict(),
    response: z.object({ items: z.array(LibraryStatementSchema) }),
  },
  'overreads:list': {
    request: z.object({ recordId: RecordId }).strict(),
    /** Newest first; `lastReader` pre-fills the name field (the last name used on this workstation). */
    response: z.object({ items: z.array(OverreadSchema), lastReader: z.string().nullable() }),
  },
  'overreads:confirm': {
    request: ConfirmRequestSchema,
    response: OverreadSchema,
  },
} as const;
