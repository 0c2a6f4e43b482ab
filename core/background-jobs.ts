import { randomUUID } from 'node:crypto';
import { EinthovenError, toErrorInfo, type ErrorInfo } from './errors';

/** How a background job ended; a cancelled job may still hand back what it kept. */
export type JobOutcome<R> =
  | { readonly status: 'succeeded'; readonly result: R }
  | { readonly status: 'cancelled'; readonly result?: R }
  | { readonly status: 'failed'; readonly error: ErrorInfo };

/**
 * Long work in the background of the engine process (imports, training): each job gets an id
 * and an AbortSignal, and its end is reported exactly once. Work that returns after its signal
 * was aborted counts as cancelled with its result (a training keeps its best model); work that
 * throws E_CANCELLED counts as cancelled without one.
 */
export class BackgroundJobs {
  readonly #running = new Map<string, AbortController>();

  start<R>(work: (jobId: string, signal: AbortSignal) => Promise<R>, finish: (jobId: string, outcome: JobOutcome<R>) => void): string {
    const jobId = randomUUID();
    const controller = new AbortController();
    this.#running.set(jobId, controller);
    // Deferred so the caller receives the job id before the first progress event.
    setImmediate(() => void this.#run(jobId, controller.signal, work, finish));
    return jobId;
  }

  cancel(jobId: string): boolean {
    const controller = this.#running.get(jobId);
    if (!controller) return false;
    controller.abort(new EinthovenError('E_CANCELLED', 'cancelled by the user'));
    return true;
  }

  cancelAll(): void {
    for (const jobId of this.#running.keys()) this.cancel(jobId);
  }

  get activeCount(): number {
    return this.#running.size;
  }

  /** Resolves when no job is running (used at shutdown and in tests). */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  async #run<R>(
    jobId: string,
    signal: AbortSignal,
    work: (jobId: string, signal: AbortSignal) => Promise<R>,
    finish: (jobId: string, outcome: JobOutcome<R>) => void,
  ): Promise<void> {
    try {
      const result = await work(jobId, signal);
      finish(jobId, signal.aborted ? { status: 'cancelled', result } : { status: 'succeeded', result });
    } catch (error) {
      const info = toErrorInfo(error);
      finish(jobId, info.code === 'E_CANCELLED' ? { status: 'cancelled' } : { status: 'failed', error: info });
    } finally {
      this.#running.delete(jobId);
    }
  }
}
