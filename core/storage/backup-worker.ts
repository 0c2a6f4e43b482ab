/**
 * A backup on a thread of its own (core/storage/backup-thread.ts): SQLite's VACUUM INTO, the
 * integrity check and the audit chain's verification are synchronous, and on the engine's thread
 * they would hold every other request (the viewer's, the worklist's) for as long as they take.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toErrorInfo } from '../errors';
import { writeBackup } from './backup';
import type { BackupJob, BackupReply } from './backup-thread';

const job = workerData as BackupJob;
writeBackup(job.dataDir, job.dest).then(
  (manifest) => parentPort?.postMessage({ ok: true, manifest } satisfies BackupReply),
  (error: unknown) => parentPort?.postMessage({ ok: false, error: toErrorInfo(error) } satisfies BackupReply),
);
