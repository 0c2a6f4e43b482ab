import { z } from 'zod';

/** The audit trail's head as the app shows it: whether the chain verifies, and its last entry's hash (the value to keep elsewhere). */
export const AuditHeadSchema = z.object({
  ok: z.boolean(),
  entries: z.number().int().nonnegative(),
  lastId: z.number().int().nonnegative().nullable(),
  head: z.string().nullable(),
  problem: z.object({ id: z.number().int(), reason: z.string() }).nullable(),
});
export type AuditHead = z.infer<typeof AuditHeadSchema>;

export const auditChannels = {
  // Verifies the chain and returns its head (shown in the app's header).
  'audit:head': {
    request: z.object({}).strict(),
    response: AuditHeadSchema,
  },
  // Writes the verified head as an anchor file (signed with the installation's key if there is
  // one) into the data folder's exports/, for the hospital to keep elsewhere.
  'audit:export-anchor': {
    request: z.object({}).strict(),
    response: z.object({ file: z.string(), lastId: z.number().int().positive(), head: z.string(), signedBy: z.string().nullable() }),
  },
} as const;
