/**
 * A backup on a thread of its own (core/storage/backup-thread.ts): SQLite's VACUUM INTO, the
 * integrity check and the audit chain's verification are synchronous, and on the engine's thread
 * they would hold every other request (the viewer's, the worklist's) for as long as they take.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toErrorInfo } from '../errors';
import { writeBackup } from './backup';
import type { WorkerReply } from '../worker-once';
import type { BackupManifest } from './backup';
import type { BackupJob } from './backup-thread';

const job = workerData as BackupJob;
writeBackup(job.dataDir, job.dest).then(
  (manifest) => parentPort?.postMessage({ ok: true, value: manifest } satisfies WorkerReply<BackupManifest>),
  (error: unknown) => parentPort?.postMessage({ ok: false, error: toErrorInfo(error) } satisfies WorkerReply<BackupManifest>),
);
