import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { EinthovenError, type ErrorInfo } from './errors';

/** What a one-job worker posts back: its value, or its typed error. */
export type WorkerReply<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ErrorInfo };

/**
 * A worker's script: the bundled `<name>.js` beside the calling module when it runs bundled
 * (dist-electron/, the engine and its workers side by side), else `<name>.mjs` beside the source,
 * which registers tsx and loads the TypeScript worker (worker threads do not inherit tsx's loader).
 */
export function workerEntry(callerUrl: string, name: string): URL {
  const built = new URL(`./${name}.js`, callerUrl);
  if (callerUrl.endsWith('.js') && existsSync(fileURLToPath(built))) return built;
  return new URL(`./${name}.mjs`, callerUrl);
}

/**
 * Runs one job on a worker thread of its own and settles with its reply: synchronous work (SQLite,
 * hashing) that on the engine's thread would hold every other request for as long as it takes.
 * The worker's typed errors come back as the same typed errors; a worker that stops without
 * answering is an E_INTERNAL naming `what`.
 */
export function runWorkerOnce<T>(entry: URL, workerData: unknown, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(entry, { workerData });
    let settled = false;
    worker.once('message', (reply: WorkerReply<T>) => {
      settled = true;
      if (reply.ok) resolve(reply.value);
      else reject(new EinthovenError(reply.error.code, reply.error.message));
      void worker.terminate();
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new EinthovenError('E_INTERNAL', `the ${what} stopped (exit code ${code}) before finishing`));
    });
  });
}
