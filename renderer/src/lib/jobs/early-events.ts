/** What every engine job event carries: the id of the job it belongs to. */
export interface JobEvent {
  readonly jobId: string;
}

/**
 * Engine events that arrived before the id of the job they belong to: the engine may report
 * progress, even the end, before the request's answer that names the job reaches the window.
 * The owner decides when the id is still unknown (its own state says so) and holds events then;
 * once the id is known it takes back that job's events, in the order they came, to handle them
 * as if they were live. Events of other jobs are dropped: they were never this owner's.
 */
export class EarlyJobEvents<E extends JobEvent> {
  #held: E[] = [];

  /** Keeps an event that came while the job's id was not known yet. */
  hold(event: E): void {
    this.#held.push(event);
  }

  /** The held events of this job, in arrival order; everything held is let go, so each is handed over once. */
  release(jobId: string): E[] {
    const ofJob = this.#held.filter((event) => event.jobId === jobId);
    this.clear();
    return ofJob;
  }

  /** Forgets everything held (a new job is being started, or none came after all). */
  clear(): void {
    this.#held = [];
  }
}
