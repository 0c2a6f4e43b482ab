import { z } from 'zod';
import { RecordId } from './schemas';

/**
 * A reader's notes on a record's tracing: a point in time (and a lead, or all of them) with a few
 * words, drawn on the tracing and printed with it. Never edited; taking one back is recorded.
 */
export const noteLimits = { text: 500, author: 120 } as const;

export const TracingNoteSchema = z.object({
  id: z.number().int().positive(),
  recordId: RecordId,
  /** Seconds from the start of the recording. */
  atS: z.number().nonnegative(),
  lead: z.string().nullable(),
  text: z.string(),
  author: z.string(),
  createdAt: z.string(),
});
export type TracingNote = z.infer<typeof TracingNoteSchema>;

const author = z.string().trim().min(1, 'the author must be named').max(noteLimits.author);

export const noteChannels = {
  /** The record's notes in force, in time order; `lastAuthor` pre-fills the name (the last reader on this workstation). */
  'notes:list': {
    request: z.object({ recordId: RecordId }).strict(),
    response: z.object({ items: z.array(TracingNoteSchema), lastAuthor: z.string().nullable() }),
  },
  'notes:add': {
    request: z
      .object({
        recordId: RecordId,
        atS: z.number().finite().nonnegative(),
        lead: z.string().min(1).max(64).nullable().default(null),
        text: z.string().trim().min(1, 'the note is empty').max(noteLimits.text),
        author,
      })
      .strict(),
    response: TracingNoteSchema,
  },
  /** Takes a note off the tracing; the note and who took it back stay on file. */
  'notes:retract': {
    request: z.object({ recordId: RecordId, noteId: z.number().int().positive(), author }).strict(),
    response: z.object({ retracted: z.number().int().positive() }),
  },
} as const;
