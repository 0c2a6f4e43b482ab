import { JobFinishedSchema, type ActiveRecordJob, type JobFinished, type JobProgress } from '../contract/channels';
import { BackgroundJobs, type JobOutcome } from '../background-jobs';

export interface JobContext {
  readonly jobId: string;
  readonly signal: AbortSignal;
  progress(done: number, total: number, message?: string, file?: JobProgress['file']): void;
}

type JobKind = JobProgress['kind'];
/** What a job of one kind hands back when it succeeds (the contract's report of that kind). */
type JobResult<K extends JobKind> = Extract<JobFinished, { status: 'succeeded'; kind: K }>['result'];

export interface JobEvents {
  progress(event: JobProgress): void;
  finished(event: JobFinished): void;
}

/**
 * Runs the engine's record jobs (imports, datasets from the signed readings) in the background:
 * each reports progress and its end as contract events. The work function decides what partial
 * result a cancel keeps (an import keeps every record stored before the cancel; a dataset keeps
 * nothing and throws E_CANCELLED).
 */
export class JobRunner {
  readonly #jobs = new BackgroundJobs();
  readonly #events: JobEvents;
  /** Each running job with its latest progress: what a reloaded window shows again (jobs:active). */
  readonly #running = new Map<string, ActiveRecordJob>();

  constructor(events: JobEvents) {
    this.#events = events;
  }

  start<K extends JobKind>(kind: K, work: (context: JobContext) => Promise<JobResult<K>>): string {
    const jobId = this.#jobs.start(
      (jobId, signal) =>
        work({
          jobId,
          signal,
          progress: (done, total, message, file) => {
            this.#running.set(jobId, { jobId, kind, done, total });
            this.#events.progress({ jobId, kind, done, total, ...(message === undefined ? {} : { message }), ...(file === undefined ? {} : { file }) });
          },
        }),
      (jobId, outcome) => {
        this.#running.delete(jobId);
        this.#events.finished(finishedEvent(jobId, kind, outcome));
      },
    );
    // The work starts on a later turn (BackgroundJobs defers it): listed from now until it ends.
    this.#running.set(jobId, { jobId, kind, done: 0, total: 0 });
    return jobId;
  }

  /** The running jobs and how far each is, oldest first. */
  active(): ActiveRecordJob[] {
    return [...this.#running.values()];
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

/**
 * The end of a job as the contract states it, checked against the contract as responses are: a
 * result that is not its kind's report becomes a failure here, not a confused UI.
 */
function finishedEvent<K extends JobKind>(jobId: string, kind: K, outcome: JobOutcome<JobResult<K>>): JobFinished {
  if (outcome.status === 'failed') return { jobId, kind, status: 'failed', error: outcome.error };
  const { result } = outcome;
  // A kind that keeps nothing stops by throwing E_CANCELLED; one that returned its whole result all
  // the same had finished before it saw the cancel, and what it wrote stays: it succeeded.
  const status = outcome.status === 'cancelled' && result !== undefined && !keepsPartOnCancel(kind) ? 'succeeded' : outcome.status;
  const event = { jobId, kind, status, ...(result === undefined ? {} : { result }) };
  const checked = JobFinishedSchema.safeParse(event);
  return checked.success ? checked.data : { jobId, kind, status: 'failed', error: { code: 'E_INTERNAL', message: `the ${kind} job produced an invalid result` } };
}

/** Only an import keeps part of its work when cancelled (the records stored before the cancel). */
function keepsPartOnCancel(kind: JobKind): boolean {
  return kind === 'import';
}
