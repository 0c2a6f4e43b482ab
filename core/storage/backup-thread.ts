import { runWorkerOnce, workerEntry } from '../worker-once';
import type { BackupManifest } from './backup';

export interface BackupJob {
  readonly dataDir: string;
  readonly dest: string;
}

/**
 * `writeBackup` on a worker thread: the engine keeps answering while the database is copied and
 * checked (0.6–1.0 s for 110 MB here; tens of seconds for a large site). Its errors come back as
 * the same typed errors.
 */
export function writeBackupOffThread(dataDir: string, dest: string): Promise<BackupManifest> {
  return runWorkerOnce(workerEntry(import.meta.url, 'backup-worker'), { dataDir, dest } satisfies BackupJob, 'backup thread');
}
