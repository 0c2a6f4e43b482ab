import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { EinthovenError, type ErrorInfo } from '../errors';
import type { BackupManifest } from './backup';

export interface BackupJob {
  readonly dataDir: string;
  readonly dest: string;
}

export type BackupReply = { readonly ok: true; readonly manifest: BackupManifest } | { readonly ok: false; readonly error: ErrorInfo };

/** The built worker beside the bundled engine (dist-electron/), else the TypeScript one through tsx. */
function workerEntry(): URL {
  const built = new URL('./backup-worker.js', import.meta.url);
  if (import.meta.url.endsWith('.js') && existsSync(fileURLToPath(built))) return built;
  return new URL('./backup-worker.mjs', import.meta.url);
}

/**
 * `writeBackup` on a worker thread: the engine keeps answering while the database is copied and
 * checked (0.6–1.0 s for 110 MB here; tens of seconds for a large site). Its errors come back as
 * the same typed errors.
 */
export function writeBackupOffThread(dataDir: string, dest: string): Promise<BackupManifest> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerEntry(), { workerData: { dataDir, dest } satisfies BackupJob });
    let settled = false;
    worker.once('message', (reply: BackupReply) => {
      settled = true;
      if (reply.ok) resolve(reply.manifest);
      else reject(new EinthovenError(reply.error.code, reply.error.message));
      void worker.terminate();
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new EinthovenError('E_INTERNAL', `the backup thread stopped (exit code ${code}) before finishing`));
    });
  });
}
