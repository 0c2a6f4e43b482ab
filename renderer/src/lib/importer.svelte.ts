import type { EinthovenBridge } from '../../../core/contract/bridge';
import type { JobFinished } from '../../../core/contract/channels';
import type { ImportFileReport } from '../../../core/contract/schemas';
import type { RequestOf } from '../../../core/contract/channels';
import { makeBatches, type PickedFile } from './batches';

/** Answers for CSV files that cannot tell their sampling rate, units or lead order. */
export type CsvAnswers = NonNullable<RequestOf<'records:import'>['csv']>;

/**
 * Runs an import as a sequence of engine jobs (one per batch), with one progress bar and
 * one cancel for the whole. Records already stored stay stored when a later batch fails
 * or the user cancels.
 */
export class Importer {
  readonly #bridge: EinthovenBridge;
  running = $state(false);
  fraction = $state(0);
  currentFile = $state('');
  reports = $state.raw<ImportFileReport[]>([]);
  outcome = $state<'succeeded' | 'cancelled' | 'failed' | null>(null);
  error = $state<string | null>(null);
  #jobId: string | null = null;
  #cancelRequested = false;
  /** The files of the last run, so CSVs that need answers can be sent again with them. */
  #lastFiles: readonly PickedFile[] = [];

  constructor(bridge: EinthovenBridge) {
    this.#bridge = bridge;
  }

  get counts() {
    const count = (status: ImportFileReport['status']) => this.reports.filter((r) => r.status === status).length;
    return { imported: count('imported'), duplicate: count('duplicate'), rejected: count('rejected') };
  }

  /** Rejected CSVs that only need fs/units/lead names; the report asks for them. */
  get csvQuestions(): ImportFileReport[] {
    return this.reports.filter((r) => r.status === 'rejected' && r.csvQuestion !== undefined);
  }

  async run(files: readonly PickedFile[], csv?: CsvAnswers): Promise<void> {
    if (this.running || files.length === 0) return;
    Object.assign(this, { running: true, fraction: 0, reports: [], outcome: null, error: null });
    this.#cancelRequested = false;
    this.#lastFiles = files;
    const batches = makeBatches(files);
    try {
      for (const [index, batch] of batches.entries()) {
        if (this.#cancelRequested) break;
        const finished = await this.#runBatch(batch, index, batches.length, csv);
        if (finished.status === 'failed') throw new Error(finished.error.message);
        if (finished.result) this.reports = [...this.reports, ...finished.result.reports];
      }
      this.outcome = this.#cancelRequested ? 'cancelled' : 'succeeded';
    } catch (error) {
      this.outcome = 'failed';
      this.error = error instanceof Error ? error.message : String(error);
    } finally {
      this.running = false;
      this.#jobId = null;
    }
  }

  /** Imports again the CSVs that asked for fs/units/lead names, with the user's answers; other reports stay. */
  async answerCsv(csv: CsvAnswers): Promise<void> {
    const asked = this.csvQuestions.flatMap((r) => r.files);
    const files = this.#lastFiles.filter((f) => asked.includes(f.name));
    const kept = this.reports.filter((r) => !r.files.some((name) => asked.includes(name)));
    const previous = this.#lastFiles;
    await this.run(files, csv);
    this.reports = [...kept, ...this.reports];
    this.#lastFiles = previous;
  }

  async cancel(): Promise<void> {
    this.#cancelRequested = true;
    if (this.#jobId) await this.#bridge.api['jobs:cancel']({ jobId: this.#jobId });
  }

  async #runBatch(batch: PickedFile[], index: number, count: number, csv: CsvAnswers | undefined): Promise<JobFinished> {
    const files = await Promise.all(batch.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.file.arrayBuffer()) })));
    let resolveFinished: (event: JobFinished) => void = () => undefined;
    const finished = new Promise<JobFinished>((resolve) => (resolveFinished = resolve));
    const early: JobFinished[] = [];
    const offFinished = this.#bridge.on('jobs:finished', (event) => {
      if (event.jobId === this.#jobId) resolveFinished(event);
      else early.push(event);
    });
    const offProgress = this.#bridge.on('jobs:progress', (event) => {
      if (event.jobId !== this.#jobId || event.total === 0) return;
      this.fraction = (index + event.done / event.total) / count;
      this.currentFile = event.message ?? '';
    });
    try {
      const started = await this.#bridge.api['records:import'](csv ? { files, csv } : { files });
      if (!started.ok) throw new Error(started.error.message);
      this.#jobId = started.value.jobId;
      // The job may have finished before we learned its id.
      const already = early.find((e) => e.jobId === this.#jobId);
      if (already) resolveFinished(already);
      const event = await finished;
      this.fraction = (index + 1) / count;
      return event;
    } finally {
      offFinished();
      offProgress();
    }
  }
}
