import type { Worker } from 'node:worker_threads';
import { EinthovenError } from '../errors';
import type { WorkerEnvelope, WorkerReply, WorkerRequest, WorkerStart } from './protocol';
import { spawnWorker, workerLaunch, type WorkerLaunch } from './spawn';

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

let running = 0;

/** Worker threads of every pool of this process that have not exited yet. */
export function liveWorkerThreads(): number {
  return running;
}

/** One worker thread and its outstanding requests (answered in order). */
class PoolWorker {
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private failure: Error | undefined;
  exited = false;

  constructor(readonly thread: Worker) {
    running += 1;
    thread.on('message', (reply: WorkerReply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if (reply.ok) waiter.resolve(reply.value);
      else waiter.reject(new EinthovenError(reply.error.code, reply.error.message));
    });
    thread.on('error', (error) => this.fail(error));
    thread.on('exit', (code) => {
      running -= 1;
      this.exited = true;
      this.fail(new EinthovenError('E_INTERNAL', `a worker thread exited (code ${code})`));
    });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.pending.values()) waiter.reject(this.failure);
    this.pending.clear();
  }

  call<T>(request: WorkerRequest): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.thread.postMessage({ id, request } satisfies WorkerEnvelope);
    });
  }
}

/**
 * N worker threads (core/parallel/worker-main.ts), each with its own tfjs backend. Requests to
 * one worker run in order; different workers run at once. `close` ends them all, at once.
 */
export class WorkerPool {
  private constructor(private readonly workers: PoolWorker[]) {}

  static start(size: number, backend: WorkerStart['backend'], launch: WorkerLaunch = workerLaunch()): WorkerPool {
    if (!Number.isInteger(size) || size < 1) throw new EinthovenError('E_VALIDATION', `a worker pool needs at least one worker, got ${size}`);
    return new WorkerPool(Array.from({ length: size }, (_, index) => new PoolWorker(spawnWorker({ backend, index } satisfies WorkerStart, launch))));
  }

  get size(): number {
    return this.workers.length;
  }

  /** Workers still running (0 after close). */
  get live(): number {
    return this.workers.filter((w) => !w.exited).length;
  }

  call<T>(index: number, request: WorkerRequest): Promise<T> {
    const worker = this.workers[index];
    if (!worker) throw new EinthovenError('E_INTERNAL', `no worker ${index} in a pool of ${this.workers.length}`);
    return worker.call<T>(request);
  }

  /** The same request to every worker. */
  all<T>(request: WorkerRequest): Promise<T[]> {
    return Promise.all(this.workers.map((w) => w.call<T>(request)));
  }

  /**
   * Splits `items` into one contiguous part per worker, runs `request(part)` on each and
   * concatenates the answers in the original order.
   */
  async map<I, O>(items: readonly I[], request: (part: readonly I[]) => WorkerRequest): Promise<O[]> {
    const parts = splitEvenly(items, this.workers.length);
    const answers = await Promise.all(parts.map((part, i) => (part.length > 0 ? this.call<O[]>(i, request(part)) : Promise.resolve([] as O[]))));
    return answers.flat();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map(async (w) => (w.exited ? undefined : w.thread.terminate())));
  }
}

/** Contiguous parts whose sizes differ by at most one (the first parts get the extra items). */
export function splitEvenly<T>(items: readonly T[], parts: number): T[][] {
  const out: T[][] = [];
  const base = Math.floor(items.length / parts);
  const extra = items.length % parts;
  let at = 0;
  for (let i = 0; i < parts; i++) {
    const size = base + (i < extra ? 1 : 0);
    out.push(items.slice(at, at + size));
    at += size;
  }
  return out;
}
