import { z } from 'zod';

/** The audit trail's head as the app shows it: whether the chain verifies, and its last entry's hash (the value to keep elsewhere). */
export const AuditHeadSchema = z.object({
  ok: z.boolean(),
  entries: z.number().int().nonnegative(),
  lastId: z.number().int().nonnegative().nullable(),
  head: z.string().nullable(),
  problem: z.object({ id: z.number().int(), reason: z.string() }).nullable(),
  // How much was read (core/db/audit.ts verifyHead): the whole trail, or only the entries added
  // since the last call, linked onto the entry verified then. Optional: older engines omit them.
  mode: z.enum(['full', 'incremental']).optional(),
  /** Entries verified by this call. */
  checked: z.number().int().nonnegative().optional(),
  /** When the engine last verified the whole trail intact (ISO time); null until it has. */
  wholeVerifiedAt: z.string().nullable().optional(),
  /** Entries verified incrementally since then (an entry altered before them waits for the next whole check). */
  checkedSinceWhole: z.number().int().nonnegative().optional(),
  /**
   * After a whole check: the stored rows compared with the entries that recorded them and the guard
   * triggers (core/db/audit-rows.ts). `findings` are one line each (table, row, what differs), the
   * first 100; `summary` says what matched. Absent after an incremental head.
   */
  rows: z.object({ summary: z.string(), findings: z.array(z.string()), moreFindings: z.number().int().nonnegative() }).optional(),
});
export type AuditHead = z.infer<typeof AuditHeadSchema>;

export const auditChannels = {
  // Verifies the chain and returns its head (shown in the app's header): the whole trail at the
  // engine's first call, once a day after, and when `whole` asks; else only the entries added since.
  'audit:head': {
    request: z.object({ whole: z.boolean().optional() }).strict(),
    response: AuditHeadSchema,
  },
  // Writes the verified head as an anchor file (signed with the installation's key if there is
  // one) into the data folder's exports/, for the hospital to keep elsewhere.
  'audit:export-anchor': {
    request: z.object({}).strict(),
    response: z.object({ file: z.string(), lastId: z.number().int().positive(), head: z.string(), signedBy: z.string().nullable() }),
  },
} as const;
