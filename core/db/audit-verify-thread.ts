import { runWorkerOnce, workerEntry } from '../worker-once';
import type { AuditAnchor, AuditVerification } from './audit-chain';

export interface AuditVerifyJob {
  readonly dbPath: string;
  readonly anchors: readonly AuditAnchor[];
}

/**
 * The whole audit trail of the database at `dbPath` verified on a worker thread
 * (audit-verify-worker.ts), against the given anchors: the engine keeps answering meanwhile
 * (0.2–0.4 s per 50,000 entries here).
 */
export function verifyTrailOffThread(dbPath: string, anchors: readonly AuditAnchor[]): Promise<AuditVerification> {
  return runWorkerOnce(workerEntry(import.meta.url, 'audit-verify-worker'), { dbPath, anchors } satisfies AuditVerifyJob, 'audit verification thread');
}
