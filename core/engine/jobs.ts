import type { JobFinished, JobProgress } from '../contract/channels';
import { BackgroundJobs, type JobOutcome } from '../background-jobs';

export interface JobContext {
  readonly jobId: string;
  readonly signal: AbortSignal;
  progress(done: number, total: number, message?: string, file?: JobProgress['file']): void;
}

type JobKind = JobProgress['kind'];
type JobResult = Extract<JobFinished, { status: 'succeeded' }>['result'];

export interface JobEvents {
  progress(event: JobProgress): void;
  finished(event: JobFinished): void;
}

/**
 * Runs the engine's record jobs (imports) in the background: each reports progress and its end
 * as contract events. The work function decides what partial result a cancel keeps (an import
 * keeps every record stored before the cancel).
 */
export class JobRunner {
  readonly #jobs = new BackgroundJobs();
  readonly #events: JobEvents;

  constructor(events: JobEvents) {
    this.#events = events;
  }

  start(kind: JobKind, work: (context: JobContext) => Promise<JobResult>): string {
    return this.#jobs.start(
      (jobId, signal) =>
        work({
          jobId,
          signal,
          progress: (done, total, message, file) =>
            this.#events.progress({ jobId, kind, done, total, ...(message === undefined ? {} : { message }), ...(file === undefined ? {} : { file }) }),
        }),
      (jobId, outcome) => this.#events.finished(finishedEvent(jobId, kind, outcome)),
    );
  }

  cancel(jobId: string): boolean {
    return this.#jobs.cancel(jobId);
  }

  cancelAll(): void {
    this.#jobs.cancelAll();
  }

  get activeCount(): number {
    return this.#jobs.activeCount;
  }

  /** Resolves when no job is running (used at shutdown and in tests). */
  async idle(): Promise<void> {
    await this.#jobs.idle();
  }
}

function finishedEvent(jobId: string, kind: JobKind, outcome: JobOutcome<JobResult>): JobFinished {
  if (outcome.status === 'failed') return { jobId, kind, status: 'failed', error: outcome.error };
  if (outcome.status === 'cancelled') return { jobId, kind, status: 'cancelled', ...(outcome.result ? { result: outcome.result } : {}) };
  return { jobId, kind: 'import', status: 'succeeded', result: outcome.result };
}
