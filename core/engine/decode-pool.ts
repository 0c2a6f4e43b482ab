import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DecodeOptions, DecodeOutcome } from '../formats/index';
import type { RecordDetail } from '../contract/schemas';
import type { StoredCorrection } from '../contract/measurement-schemas';
import type { RecordMeasurements } from '../contract/viewer-schemas';
import { EinthovenError, type ErrorInfo } from '../errors';
import type { DecodeReply, WorkerFile, WorkerJob } from './decode-protocol';

/** Why a job ended without a reply: the worker was stopped, died or never started. */
type Failure = { readonly code: 'E_TOO_LARGE' | 'E_FORMAT' | 'E_INTERNAL'; readonly message: string };

/**
 * Decoding in worker threads, each file with a time and a memory bound: a worker that does not
 * answer in time is terminated (and replaced), one that exceeds its heap dies alone. The
 * engine's main thread only hashes and stores what comes back, so it keeps answering requests
 * while a folder imports, and one hostile file costs at most its own time limit.
 */
export interface DecodePoolOptions {
  /** Worker threads (default: the cores minus one for the main thread, at least 1, at most 4). */
  readonly workers?: number;
  /** Time allowed for one record, from the bytes it reads (default 15 s + 2 s per MB). */
  readonly timeoutMs?: (bytes: number) => number;
  /** V8 heap of each worker in MB (samples live outside it, bounded by the readers' limits). */
  readonly heapMb?: number;
}

export const defaultDecodeWorkers = () => Math.max(1, Math.min(4, os.availableParallelism() - 1));
const defaultTimeout = (bytes: number) => 15_000 + (2_000 * bytes) / 1_048_576;

/** The built worker beside the bundled engine (dist-electron/), else the TypeScript one through tsx. */
function workerEntry(): URL {
  const built = new URL('./decode-worker.js', import.meta.url);
  if (import.meta.url.endsWith('.js') && existsSync(fileURLToPath(built))) return built;
  return new URL('./decode-worker.mjs', import.meta.url);
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  busy: boolean;
}

export class DecodePool {
  readonly size: number;
  readonly #timeoutMs: (bytes: number) => number;
  readonly #heapMb: number;
  readonly #slots: Slot[] = [];
  readonly #waiting: ((slot: Slot) => void)[] = [];
  #nextId = 1;
  #closed = false;

  constructor(options: DecodePoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.workers ?? defaultDecodeWorkers()));
    this.#timeoutMs = options.timeoutMs ?? defaultTimeout;
    this.#heapMb = options.heapMb ?? 512;
  }

  /** Decodes one record's files; never throws for bad input (a stopped or dead worker is an outcome too). */
  async decode(files: readonly WorkerFile[], options: DecodeOptions, bytes: number): Promise<DecodeOutcome[]> {
    const slot = await this.#acquire();
    try {
      return await this.#run(slot, files, options, this.#timeoutMs(bytes));
    } finally {
      this.#release(slot);
    }
  }

  /** Frees a slot, or hands it straight to the next waiting job. */
  #release(slot: Slot): void {
    slot.busy = false;
    const next = this.#waiting.shift();
    if (next) {
      slot.busy = true;
      next(slot);
    }
  }

  /**
   * Measures a stored record in a worker (beats, intervals, statements), stopped after
   * `timeoutMs` (default from the record's size, as a decode): a pathological record costs its
   * time limit, never the engine's main thread. Throws the typed error when it is stopped.
   */
  async measure(record: RecordDetail, correction?: StoredCorrection, timeoutMs?: number): Promise<RecordMeasurements> {
    const bytes = record.signals.reduce((n, s) => n + s.byteLength, 0);
    // Ahead of queued decodes: a reader opening a record waits for one file of an import, not all of it.
    const slot = await this.#acquire(true);
    try {
      const answer = await this.#exchange(slot, (id) => ({ kind: 'measure', id, record, correction }), timeoutMs ?? this.#timeoutMs(bytes), `record ${record.id}`, 'measuring it');
      if ('failure' in answer) throw new EinthovenError(answer.failure.code, answer.failure.message);
      const { reply } = answer;
      if ('measurements' in reply) return reply.measurements;
      const error: ErrorInfo = 'error' in reply ? reply.error : { code: 'E_INTERNAL', message: 'the worker answered a measurement with a decode' };
      throw new EinthovenError(error.code, error.message);
    } finally {
      this.#release(slot);
    }
  }

  /** Starts the first worker ahead of the first import, so that import's first file does not wait for it. */
  warm(): void {
    if (this.#slots.length === 0 && !this.#closed) this.#slots.push(this.#spawn());
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#slots.splice(0).map((s) => s.worker.terminate()));
  }

  #spawn(): Slot {
    const worker = new Worker(workerEntry(), { resourceLimits: { maxOldGenerationSizeMb: this.#heapMb, maxYoungGenerationSizeMb: 64 } });
    worker.unref(); // an idle pool never keeps the process alive
    const ready = new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    ready.catch(() => undefined);
    return { worker, ready, busy: false };
  }

  async #acquire(first = false): Promise<Slot> {
    const free = this.#slots.find((s) => !s.busy);
    if (free) {
      free.busy = true;
      return free;
    }
    if (this.#slots.length < this.size) {
      const slot = this.#spawn();
      slot.busy = true;
      this.#slots.push(slot);
      return slot;
    }
    return await new Promise<Slot>((resolve) => (first ? this.#waiting.unshift(resolve) : this.#waiting.push(resolve)));
  }

  /** Replaces a stopped or dead worker in its slot. */
  #respawn(slot: Slot): void {
    void slot.worker.terminate();
    if (this.#closed) return;
    const fresh = this.#spawn();
    slot.worker = fresh.worker;
    slot.ready = fresh.ready;
  }

  async #run(slot: Slot, files: readonly WorkerFile[], options: DecodeOptions, timeoutMs: number): Promise<DecodeOutcome[]> {
    const names = files.map((f) => f.name);
    const answer = await this.#exchange(slot, (id) => ({ kind: 'decode', id, files, options }), timeoutMs, names[0] ?? '?', 'reading it');
    if ('failure' in answer) return [{ ok: false, files: names, error: answer.failure }];
    const { reply } = answer;
    if ('outcomes' in reply) return reply.outcomes;
    return [{ ok: false, files: names, error: { code: 'E_FORMAT', message: `${names[0]}: ${'error' in reply ? reply.error.message : 'no outcome'}` } }];
  }

  /**
   * Sends one job to the slot's worker and waits for its reply, at most `timeoutMs`: a worker
   * that does not answer in time, runs out of memory or exits is replaced, and the job fails
   * with a typed error naming `subject` and `doing`.
   */
  async #exchange(slot: Slot, job: (id: number) => WorkerJob, timeoutMs: number, subject: string, doing: string): Promise<{ reply: DecodeReply } | { failure: Failure }> {
    try {
      await slot.ready;
    } catch (error) {
      this.#respawn(slot);
      return { failure: { code: 'E_INTERNAL', message: `the decoding worker could not start: ${error instanceof Error ? error.message : String(error)}` } };
    }
    const id = this.#nextId++;
    const worker = slot.worker;
    return await new Promise((resolve) => {
      const finish = (answer: { reply: DecodeReply } | { failure: Failure }, stop: boolean) => {
        clearTimeout(timer);
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        if (stop) this.#respawn(slot);
        resolve(answer);
      };
      const onMessage = (reply: DecodeReply) => {
        if (reply.id === id) finish({ reply }, false);
      };
      const onError = (error: Error & { code?: string }) =>
        finish(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? { failure: { code: 'E_TOO_LARGE', message: `${subject}: ${doing} needed more memory than one record may use (${this.#heapMb} MB); stopped` } }
            : { failure: { code: 'E_FORMAT', message: `${subject}: the worker failed (${error.message})` } },
          true,
        );
      const onExit = (code: number) => finish({ failure: { code: 'E_FORMAT', message: `${subject}: the worker stopped unexpectedly (exit ${code})` } }, true);
      const timer = setTimeout(
        () => finish({ failure: { code: 'E_TOO_LARGE', message: `${subject}: ${doing} took longer than ${(timeoutMs / 1000).toFixed(0)} s, the limit for a record of its size; stopped (the file may be damaged)` } }, true),
        timeoutMs,
      );
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      worker.postMessage(job(id));
    });
  }
}
