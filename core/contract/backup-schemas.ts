import { z } from 'zod';
import { isAbsoluteEnginePath } from './training-schemas';

/**
 * Backing up the data folder from the app (the CLI's `ecg backup --to`, for a workstation where
 * only the app is installed). The destination must be a new or empty folder inside a folder the
 * user allowed (folders:allow, the system's folder dialog in the desktop app): a compromised
 * renderer must not be able to write a copy of the records anywhere it likes.
 */
export const BackupSummarySchema = z.object({
  /** The backup folder, as the engine wrote it (its real path). */
  to: z.string(),
  createdAt: z.string(),
  records: z.number().int().nonnegative(),
  /** Model package and export files copied beside the database. */
  files: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  auditHead: z.object({ lastId: z.number().int().nullable(), head: z.string().nullable() }),
  /** Why the backup is not in the audit trail, when it is not (it is complete and checked either way). */
  notAudited: z.string().nullable(),
  /** What a backup does not carry, and why (the signing key, training checkpoints). */
  leftOut: z.array(z.string()),
});
export type BackupSummary = z.infer<typeof BackupSummarySchema>;

export const backupChannels = {
  // Audited (data.backup). Refused outside the allowed folders, or into a folder that is not empty.
  'data:backup': {
    request: z.object({ to: z.string().min(1).max(4096).refine(isAbsoluteEnginePath, 'must be an absolute path on the computer running the engine') }).strict(),
    response: BackupSummarySchema,
  },
} as const;
