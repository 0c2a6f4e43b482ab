import * as tf from '@tensorflow/tfjs';
import type { Prediction, PredictionInput } from '../train/predictor';
import { WorkerPool } from './pool';
import { parallelBackend } from './runner';

/** Workers (and the model copies they hold) are handed back after this long without a prediction. */
const idleMs = 120_000;

/**
 * Predictions of stored records on worker threads (issue 11 item 3: batch prediction over the
 * worklist). Each worker loads — and hash-verifies — a package itself, from its location, and
 * keeps the last two it used; a request goes to the worker with the fewest in flight, so a
 * batch that sends several at once uses every worker while the engine's own thread only
 * stores and audits. Started on first use, closed after two idle minutes.
 */
export class PredictionPool {
  private pool: WorkerPool | undefined;
  private readonly inFlight: number[] = [];
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly workers: number) {}

  /** Whether predictions go to workers here: more than one asked for, on a backend whose workers we can start. */
  get enabled(): boolean {
    return this.workers > 1 && parallelBackend(tf.getBackend()) !== undefined;
  }

  async predict(location: string, input: PredictionInput): Promise<Prediction> {
    const pool = this.started();
    const index = this.inFlight.indexOf(Math.min(...this.inFlight));
    this.inFlight[index] = (this.inFlight[index] ?? 0) + 1;
    clearTimeout(this.idleTimer);
    try {
      return await pool.call<Prediction>(index, { kind: 'predict', location, input });
    } finally {
      this.inFlight[index] = (this.inFlight[index] ?? 1) - 1;
      if (this.inFlight.every((n) => n === 0)) this.idleTimer = setTimeout(() => void this.close(), idleMs).unref();
    }
  }

  private started(): WorkerPool {
    if (!this.pool) {
      const backend = parallelBackend(tf.getBackend());
      if (!backend) throw new Error('PredictionPool: no worker backend');
      this.pool = WorkerPool.start(this.workers, backend);
      this.inFlight.splice(0, this.inFlight.length, ...new Array<number>(this.workers).fill(0));
    }
    return this.pool;
  }

  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    const pool = this.pool;
    this.pool = undefined;
    await pool?.close();
  }
}
