import type { EinthovenBridge } from '../../../../core/contract/bridge';
import type { JobFinished, JobProgress } from '../../../../core/contract/channels';
import type { ReadingsDataset, ReadingsTask } from '../../../../core/contract/clinic-schemas';
import { EarlyJobEvents } from '../jobs/early-events';

export type ReadingsExportStatus = 'idle' | 'starting' | 'running' | 'cancelling' | 'succeeded' | 'cancelled' | 'failed';

/**
 * The dataset made from this workstation's signed readings, as the engine's background job
 * writes it: records written so far out of all, a cancel (the engine removes the half-written
 * folder and keeps nothing), then what went in and what was left out. Thousands of readings take
 * a while; the form shows how far the export is and lets the user stop it.
 */
export class ReadingsExport {
  readonly #bridge: EinthovenBridge;
  status = $state<ReadingsExportStatus>('idle');
  done = $state(0);
  total = $state(0);
  message = $state<string | null>(null);
  /** The dataset last made (kept while another export runs: the form still names its folder). */
  dataset = $state.raw<ReadingsDataset | null>(null);
  error = $state<string | null>(null);
  #jobId: string | null = null;
  /** Events that arrived before the job's id did. */
  readonly #early = new EarlyJobEvents<JobProgress | JobFinished>();
  #settle: (dataset: ReadingsDataset | null) => void = () => undefined;

  constructor(bridge: EinthovenBridge) {
    this.#bridge = bridge;
    bridge.on('jobs:progress', (e) => this.#route(e));
    bridge.on('jobs:finished', (e) => this.#route(e));
  }

  get active(): boolean {
    return this.status === 'starting' || this.status === 'running' || this.status === 'cancelling';
  }

  /** Runs one export to its end; the dataset when it was written, null when it was refused, failed or cancelled. */
  async run(task: ReadingsTask): Promise<ReadingsDataset | null> {
    if (this.active) return null;
    Object.assign(this, { status: 'starting', done: 0, total: 0, message: null, error: null });
    this.#early.clear();
    const ended = new Promise<ReadingsDataset | null>((resolve) => (this.#settle = resolve));
    const started = await this.#bridge.api['datasets:from-readings']({ task });
    if (!started.ok) {
      // Refused before any writing (nothing diagnosed, an export already running): the engine's words.
      Object.assign(this, { status: 'failed', error: started.error.message });
      return null;
    }
    this.#jobId = started.value.jobId;
    this.status = 'running';
    this.#replayEarly(started.value.jobId);
    return await ended;
  }

  /**
   * After the window was reloaded: follows an export still running in the engine (its progress so
   * far, then its events, with Cancel), and resolves as `run` does when it ends; null at once when none runs.
   */
  async reattach(): Promise<ReadingsDataset | null> {
    if (this.status !== 'idle') return null;
    Object.assign(this, { status: 'starting', done: 0, total: 0, message: null, error: null });
    this.#early.clear();
    const ended = new Promise<ReadingsDataset | null>((resolve) => (this.#settle = resolve));
    const active = await this.#bridge.api['jobs:active']({});
    const job = active.ok ? active.value.jobs.find((j) => j.kind === 'readings-dataset') : undefined;
    if (!job) {
      this.status = 'idle';
      this.#early.clear();
      return null;
    }
    Object.assign(this, { status: 'running', done: job.done, total: job.total });
    this.#jobId = job.jobId;
    this.#replayEarly(job.jobId);
    return await ended;
  }

  async cancel(): Promise<void> {
    if (!this.#jobId || this.status !== 'running') return;
    this.status = 'cancelling';
    await this.#bridge.api['jobs:cancel']({ jobId: this.#jobId });
  }

  /**
   * The job's events that arrived before its id did, through #route as live ones go: once one of
   * them ends the job, whatever it held after the end is ignored, as a live event would be.
   */
  #replayEarly(jobId: string): void {
    for (const e of this.#early.release(jobId)) this.#route(e);
  }

  #route(event: JobProgress | JobFinished): void {
    if (this.status === 'starting') this.#early.hold(event);
    else if (event.jobId === this.#jobId && this.active) {
      if ('status' in event) this.#finished(event);
      else Object.assign(this, { done: event.done, total: event.total, message: event.message ?? null });
    }
  }

  #finished(event: JobFinished): void {
    const dataset = event.status === 'succeeded' && event.kind === 'readings-dataset' ? event.result : null;
    if (dataset) Object.assign(this, { status: 'succeeded', dataset, done: dataset.records, total: dataset.records });
    else if (event.status === 'failed') Object.assign(this, { status: 'failed', error: `Writing the dataset failed: ${event.error.message}` });
    else this.status = 'cancelled';
    this.#jobId = null;
    this.#settle(dataset);
  }
}
