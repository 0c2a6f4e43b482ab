import type { EinthovenBridge } from '../../../core/contract/bridge';
import type { JobFinished, JobProgress, RequestOf } from '../../../core/contract/channels';
import type { ImportFileReport } from '../../../core/contract/schemas';
import { makeBatches, readBatch, type PickedFile } from './batches';
import { importProgressText } from './import-progress';
import { countByStatus, csvGroups, type CsvGroup, type ImportStatus } from './import-report';
import { EarlyJobEvents } from './jobs/early-events';

/**
 * Where a batch lies among the picked files: `before` files went in earlier batches, `size` are
 * in this one, `of` in all; `reported` of this batch's files the engine has reported on so far.
 */
interface BatchSpan {
  before: number;
  size: number;
  reported: number;
  readonly of: number;
}

/** Answers for CSV files that cannot tell their sampling rate, units or lead order. */
export type CsvAnswers = NonNullable<RequestOf<'records:import'>['csv']>;

/**
 * Runs an import as a sequence of engine jobs (one per batch), with one progress bar and
 * one cancel for the whole. The report grows file by file as the engine reports each one;
 * records already stored stay stored when a later batch fails or the user cancels.
 */
export class Importer {
  readonly #bridge: EinthovenBridge;
  running = $state(false);
  /** reading: the browser reads the picked files' bytes; importing: the engine decodes and stores them. */
  phase = $state<'reading' | 'importing' | null>(null);
  /** How many files were picked, shown from the first moment. */
  fileCount = $state(0);
  fraction = $state(0);
  /** Picked files the engine has reported on, over every batch of this import. */
  filesDone = $state(0);
  /** Files in the batch now being read or imported; 0 until the first batch is formed. */
  batchSize = $state(0);
  /** The file the engine reported last in this batch. */
  currentFile = $state('');
  reports = $state.raw<ImportFileReport[]>([]);
  outcome = $state<'succeeded' | 'cancelled' | 'failed' | null>(null);
  error = $state<string | null>(null);
  /** CSV layouts the user chose not to answer: their files stay rejected, the question goes away. */
  #declinedCsv = $state.raw<readonly string[]>([]);
  #jobId: string | null = null;
  #cancelRequested = false;
  /** Every file picked since the report was last dismissed, so CSVs that need answers can be sent again. */
  #files: readonly PickedFile[] = [];

  constructor(bridge: EinthovenBridge) {
    this.#bridge = bridge;
  }

  /** The progress line: one import over all batches (see importProgressText). */
  get progressText(): string {
    return importProgressText(this);
  }

  get counts(): Record<ImportStatus, number> {
    return countByStatus(this.reports);
  }

  /** CSV files that only need fs/units/lead names, one question per layout. */
  get csvGroups(): CsvGroup[] {
    return csvGroups(this.reports).filter((g) => !this.#declinedCsv.includes(g.key));
  }

  /** Rejected CSVs that only need fs/units/lead names. */
  get csvQuestions(): ImportFileReport[] {
    return this.reports.filter((r) => r.status === 'rejected' && r.csvQuestion !== undefined);
  }

  async run(files: readonly PickedFile[], csv?: CsvAnswers): Promise<void> {
    if (this.running || files.length === 0) return;
    Object.assign(this, { running: true, phase: 'reading', fileCount: files.length, reports: [], outcome: null, error: null });
    this.#declinedCsv = [];
    this.#cancelRequested = false;
    this.#files = files;
    await this.#runFiles(files, csv);
  }

  async #runFiles(files: readonly PickedFile[], csv: CsvAnswers | undefined): Promise<void> {
    // Until the first batch is formed (its files' sizes read) the line says "preparing".
    Object.assign(this, { running: true, filesDone: 0, batchSize: 0, fraction: 0, currentFile: '' });
    // Progress counts files: batches are formed one at a time, so their number is not known ahead.
    const span: BatchSpan = { before: 0, size: 0, reported: 0, of: files.length };
    try {
      for await (const batch of makeBatches(files)) {
        if (this.#cancelRequested) break;
        const before = this.reports;
        Object.assign(span, { size: batch.length, reported: 0 });
        const finished = await this.#runBatch(batch, span, csv);
        if (finished.status === 'failed') throw new Error(finished.error.message);
        // The final report of the batch replaces what arrived file by file (same outcomes, engine's order).
        if (finished.kind === 'import' && finished.result) this.reports = [...before, ...finished.result.reports];
        span.before += batch.length;
      }
      this.outcome = this.#cancelRequested ? 'cancelled' : 'succeeded';
    } catch (error) {
      this.outcome = 'failed';
      this.error = error instanceof Error ? error.message : String(error);
    } finally {
      this.running = false;
      this.phase = null;
      this.#jobId = null;
    }
  }

  /** Imports again the CSVs of one layout with the user's answers; every other report stays. */
  async answerCsv(group: CsvGroup, csv: CsvAnswers): Promise<void> {
    if (this.running) return;
    const files = this.#files.filter((f) => group.files.includes(f.name));
    const kept = this.reports.filter((r) => !r.files.some((name) => group.files.includes(name)));
    this.reports = kept;
    Object.assign(this, { phase: 'reading', fileCount: files.length, outcome: null, error: null });
    this.#cancelRequested = false;
    await this.#runFiles(files, csv);
  }

  /** Leaves the CSVs of one layout rejected and stops asking about them. */
  declineCsv(group: CsvGroup): void {
    this.#declinedCsv = [...this.#declinedCsv, group.key];
  }

  /** Closes the report (and any pending CSV question). */
  dismiss(): void {
    if (this.running) return;
    Object.assign(this, { reports: [], outcome: null, error: null, fileCount: 0 });
    this.#declinedCsv = [];
    this.#files = [];
  }

  async cancel(): Promise<void> {
    this.#cancelRequested = true;
    if (this.#jobId) await this.#bridge.api['jobs:cancel']({ jobId: this.#jobId });
  }

  /**
   * The engine's job counts and words its own batch only (its last event says "done"): the line
   * counts the files of every batch and names the file last reported, never the job's message.
   */
  #onProgress(event: JobProgress, span: BatchSpan): void {
    if (event.file) {
      this.reports = [...this.reports, event.file];
      span.reported = Math.min(span.size, span.reported + event.file.files.length);
      this.filesDone = span.before + span.reported;
      this.currentFile = event.file.files[0] ?? this.currentFile;
    }
    if (event.total === 0) return;
    this.fraction = (span.before + (span.size * event.done) / event.total) / span.of;
  }

  async #runBatch(batch: PickedFile[], span: BatchSpan, csv: CsvAnswers | undefined): Promise<JobFinished> {
    // The previous batch's job has ended: until this batch's id is known its events are held, not taken for that job's.
    this.#jobId = null;
    Object.assign(this, { phase: 'reading', batchSize: batch.length, currentFile: '' });
    const files = await readBatch(batch);
    // The bytes are read: from here until the engine names a file, the line says it is importing them.
    this.phase = 'importing';
    let resolveFinished: (event: JobFinished) => void = () => undefined;
    const finished = new Promise<JobFinished>((resolve) => (resolveFinished = resolve));
    // Events may arrive before the job's id does: each batch holds them until its id is known.
    const early = new EarlyJobEvents<JobProgress | JobFinished>();
    const offFinished = this.#bridge.on('jobs:finished', (event) => {
      if (event.jobId === this.#jobId) resolveFinished(event);
      else early.hold(event);
    });
    const offProgress = this.#bridge.on('jobs:progress', (event) => {
      if (this.#jobId === null) early.hold(event);
      else if (event.jobId === this.#jobId) this.#onProgress(event, span);
    });
    try {
      const started = await this.#bridge.api['records:import'](csv ? { files, csv } : { files });
      if (!started.ok) throw new Error(started.error.message);
      this.#jobId = started.value.jobId;
      // Cancel pressed while this batch's files were read had no job to stop: it stops this one now.
      if (this.#cancelRequested) void this.#bridge.api['jobs:cancel']({ jobId: this.#jobId });
      // Held progress is shown at once; a held end only settles `finished`, which is awaited after all of it.
      for (const event of early.release(this.#jobId)) {
        if ('status' in event) resolveFinished(event);
        else this.#onProgress(event, span);
      }
      const event = await finished;
      // Every file of the batch is accounted for, whether or not the engine named each in a report.
      this.fraction = (span.before + span.size) / span.of;
      if (event.status === 'succeeded') this.filesDone = span.before + span.size;
      return event;
    } finally {
      offFinished();
      offProgress();
    }
  }
}
