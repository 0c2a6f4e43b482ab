import { randomUUID } from 'node:crypto';
import type { JobFinished, JobProgress } from '../contract/channels';
import { EinthovenError, toErrorInfo } from '../errors';

export interface JobContext {
  readonly jobId: string;
  readonly signal: AbortSignal;
  progress(done: number, total: number, message?: string): void;
}

type JobKind = JobProgress['kind'];

export interface JobEvents {
  progress(event: JobProgress): void;
  finished(event: JobFinished): void;
}

/**
 * Runs long work in the background of the engine process: each job gets an id, an
 * AbortSignal for cancel, and reports progress and its end as contract events.
 * The work function decides what partial result a cancel keeps (an import keeps every
 * record stored before the cancel).
 */
export class JobRunner {
  readonly #running = new Map<string, AbortController>();
  readonly #events: JobEvents;

  constructor(events: JobEvents) {
    this.#events = events;
  }

  start<R extends Extract<JobFinished, { status: 'succeeded' }>['result']>(
    kind: JobKind,
    work: (context: JobContext) => Promise<R>,
  ): string {
    const jobId = randomUUID();
    const controller = new AbortController();
    this.#running.set(jobId, controller);
    const context: JobContext = {
      jobId,
      signal: controller.signal,
      progress: (done, total, message) =>
        this.#events.progress({ jobId, kind, done, total, ...(message === undefined ? {} : { message }) }),
    };
    // Deferred so the caller receives the job id before the first progress event.
    setImmediate(() => void this.#run(kind, context, work));
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

  async #run<R extends Extract<JobFinished, { status: 'succeeded' }>['result']>(
    kind: JobKind,
    context: JobContext,
    work: (context: JobContext) => Promise<R>,
  ): Promise<void> {
    const { jobId } = context;
    try {
      const result = await work(context);
      this.#events.finished(
        context.signal.aborted ? { jobId, kind, status: 'cancelled', result } : { jobId, kind, status: 'succeeded', result },
      );
    } catch (error) {
      const info = toErrorInfo(error);
      this.#events.finished(
        info.code === 'E_CANCELLED' ? { jobId, kind, status: 'cancelled' } : { jobId, kind, status: 'failed', error: info },
      );
    } finally {
      this.#running.delete(jobId);
    }
  }
}
