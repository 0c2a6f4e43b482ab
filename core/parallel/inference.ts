import * as tf from '@tensorflow/tfjs';
import type { DecodedItem, SignalStore, StoreOptions } from '../data/store';
import type { DatasetItem } from '../data/types';
import { runsOnOnnx } from '../ml/onnx/runtime';
import type { PipelineConfig } from '../signal/pipeline-config';
import { recordLogits, type EvalOptions } from '../train/predict';
import { shareModel, type SharedModel } from './model-share';
import { WorkerPool } from './pool';
import { parallelBackend } from './runner';

/**
 * Worker threads for the work that loops over records (issue 11 item 3): decoding and
 * filtering a dataset, evaluation and sliding-window inference, trunk features for head-mode
 * fine-tuning. Each worker has its own backend; a model is replicated into every worker once
 * (weights through shared memory) and the decoded records are shared, never copied.
 */
export class InferencePool {
  private model: { model: tf.LayersModel; shared: SharedModel } | undefined;
  private storeHandle: ReturnType<SignalStore['share']> | undefined;
  private turn = 0;

  private constructor(private readonly pool: WorkerPool) {}

  /** A pool of `workers` threads, or undefined when one thread is asked for or the backend runs its own threads. */
  static start(workers: number): InferencePool | undefined {
    const backend = parallelBackend(tf.getBackend());
    if (workers <= 1 || !backend) return undefined;
    return new InferencePool(WorkerPool.start(workers, backend));
  }

  get size(): number {
    return this.pool.size;
  }

  /** A SignalStore decoder that spreads batches of records over the workers (two in flight per worker). */
  decoder(pipeline: PipelineConfig, cacheDir: string | undefined): NonNullable<StoreOptions['decoder']> {
    return {
      lanes: this.pool.size * 2,
      decode: (items: readonly DatasetItem[]) => this.pool.call<DecodedItem[]>(this.turn++ % this.pool.size, { kind: 'decode', items, before: pipeline, cacheDir: cacheDir ?? null }),
    };
  }

  /** Replicates the model (once; its current weights each call) and attaches the store in every worker. */
  private async load(model: tf.LayersModel, store: SignalStore): Promise<void> {
    if (this.model?.model !== model) {
      const shared = shareModel(model);
      await this.pool.all({ kind: 'replica', spec: shared.spec });
      this.model = { model, shared };
    } else this.model.shared.publish();
    const handle = store.share();
    if (handle !== this.storeHandle) {
      await this.pool.all({ kind: 'store', shared: handle });
      this.storeHandle = handle;
    }
  }

  /** Logits per record (centre crop or aggregated windows), the records split across the workers. */
  async recordLogits(model: tf.LayersModel, store: SignalStore, ids: readonly string[], evaluation: EvalOptions): Promise<number[][]> {
    if (evaluation.mode === 'random') return recordLogits(model, store, ids, evaluation); // one seeded sequence over all records
    await this.load(model, store);
    return this.pool.map<string, number[]>(ids, (part) => ({ kind: 'logits', ids: part, evaluation }));
  }

  /**
   * Model outputs per record: `crops` random training crops each (record i's from seeds[i]),
   * or with crops 0 its evaluation windows (or centre crop).
   */
  async features(model: tf.LayersModel, store: SignalStore, ids: readonly string[], options: { crops: number; seeds: readonly number[]; evaluation: EvalOptions; batchSize: number }): Promise<number[][][]> {
    await this.load(model, store);
    const indexed = ids.map((id, i) => ({ id, seed: options.seeds[i] ?? 0 }));
    return this.pool.map<{ id: string; seed: number }, number[][]>(indexed, (part) => ({
      kind: 'features',
      ids: part.map((p) => p.id),
      seeds: part.map((p) => p.seed),
      crops: options.crops,
      evaluation: options.evaluation,
      batchSize: options.batchSize,
    }));
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

/** Runs `fn` with a pool of `workers` threads (or none, see InferencePool.start) and always closes it. */
export async function withInferencePool<T>(workers: number, fn: (pool: InferencePool | undefined) => Promise<T>): Promise<T> {
  const pool = InferencePool.start(workers);
  try {
    return await fn(pool);
  } finally {
    await pool?.close();
  }
}

/**
 * Record logits on the pool when there is one, else in this thread — and in this thread when the
 * model runs on onnxruntime, whose one session already uses every core (replicas in N workers
 * would each run tfjs's single-threaded wasm kernels, several times slower).
 */
export async function logitsOn(pool: InferencePool | undefined, model: tf.LayersModel, store: SignalStore, ids: readonly string[], evaluation: EvalOptions): Promise<number[][]> {
  if (!pool || (await runsOnOnnx(model))) return recordLogits(model, store, ids, evaluation);
  return pool.recordLogits(model, store, ids, evaluation);
}
