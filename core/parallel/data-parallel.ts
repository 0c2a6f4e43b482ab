import * as tf from '@tensorflow/tfjs';
import type { SignalStore } from '../data/store';
import type { EvalOptions } from '../train/predict';
import type { BatchPlan } from '../train/step-runner';
import { WorkerPool, splitEvenly } from './pool';
import { shareModel, type SharedModel } from './model-share';
import type { LossSpec, WorkerStart } from './protocol';
import { splitRange, weightedSumInto } from './reduce';
import { layoutOf, readTensors, sharedFloats, type TensorLayout } from './tensor-layout';

export interface DataParallelOptions {
  readonly model: tf.LayersModel;
  readonly store: SignalStore;
  readonly trainIds: readonly string[];
  readonly trainLabels: readonly (readonly number[])[];
  readonly loss: LossSpec;
  readonly workers: number;
  readonly backend: WorkerStart['backend'];
}

/** Dropout seed of a shard: shard 0 keeps the step's own, so one worker draws what the in-process step draws. */
function shardDropoutSeed(seed: number, shard: number): number {
  return shard === 0 ? seed : (Math.imul(seed ^ 0x9e3779b9, shard + 1) ^ (shard << 16)) >>> 0;
}

/**
 * Data-parallel training on N worker threads (issue 11 item 1), the main thread holding the
 * authoritative model and optimizer:
 *  1. the main thread publishes every weight into one SharedArrayBuffer (a version counter
 *     tells replicas to reload);
 *  2. each worker takes a contiguous shard of the global batch (inputs drawn ahead, while the
 *     previous update ran), runs forward and backward on its replica and writes its gradient
 *     into its own slot of a shared gradient buffer;
 *  3. the slots are reduced (weighted by shard size: the loss is a mean, so this is exactly the
 *     global batch's gradient), each worker summing its own range of the shared buffer, and
 *     the main thread's optimizer makes the one update.
 * Broadcasting weights rather than replaying the update in every worker keeps one optimizer
 * state (checkpoints, resume with any N, learning-rate schedules and parameter groups stay
 * the main thread's) at the cost of one weight copy per step per worker (~15 MB for ResNet18).
 *
 * Batch norm: each replica normalises with its own shard's statistics (PyTorch DDP without
 * SyncBN). Running statistics: every replica updates its own during the step and writes them
 * back; the main thread keeps their mean weighted by shard size — the momentum update is linear,
 * so this is the update by the mean of the shards' batch means and (unbiased) variances, which
 * uses every sample (DDP's default keeps rank 0's alone) — and publishes it with the
 * weights, so every replica starts each step from the same statistics.
 */
export class DataParallelTrainer {
  private readonly trainable: tf.Variable[];
  /** Prepare requests already sent, by step number. */
  private readonly preparing = new Map<number, Promise<unknown>>();

  private constructor(
    private readonly options: DataParallelOptions,
    readonly pool: WorkerPool,
    private readonly shared: SharedModel,
    private readonly gradLayout: TensorLayout,
    private readonly statsLayout: TensorLayout,
    private readonly slots: { grads: Float32Array; stats: Float32Array; reduced: Float32Array },
  ) {
    this.trainable = options.model.trainableWeights.map((w) => w.read() as tf.Variable);
  }

  static async start(options: DataParallelOptions): Promise<DataParallelTrainer> {
    const { model, workers } = options;
    const gradLayout = layoutOf(model.trainableWeights.map((w) => w.shape as number[]));
    const statsLayout = layoutOf(model.nonTrainableWeights.map((w) => w.shape as number[]));
    const shared = shareModel(model);
    const slots = { grads: sharedFloats(workers * gradLayout.total), stats: sharedFloats(workers * statsLayout.total), reduced: sharedFloats(gradLayout.total) };
    const pool = WorkerPool.start(workers, options.backend);
    const trainer = new DataParallelTrainer(options, pool, shared, gradLayout, statsLayout, slots);
    try {
      await pool.all({ kind: 'replica', spec: shared.spec });
      await pool.all({ kind: 'store', shared: options.store.share() });
    } catch (error) {
      await pool.close();
      throw error;
    }
    return trainer;
  }

  get workers(): number {
    return this.pool.size;
  }

  /** Copies the main model's weights into the shared buffer; replicas load them before their next request. */
  publish(): void {
    this.shared.publish();
  }

  private shards(plan: BatchPlan): number[][] {
    return splitEvenly(
      plan.rows.map((_, i) => i),
      this.pool.size,
    );
  }

  /** Sends each worker its shard of a step's inputs to draw (crop, normalise, augment) ahead of the step. */
  prepare(plan: BatchPlan): void {
    if (this.preparing.has(plan.step)) return;
    const { trainIds, trainLabels } = this.options;
    const requests = this.shards(plan).map((positions, i) =>
      positions.length === 0
        ? Promise.resolve()
        : this.pool.call(i, {
            kind: 'prepare',
            step: plan.step,
            ids: positions.map((b) => trainIds[plan.rows[b] as number] as string),
            seeds: positions.map((b) => plan.seeds[b] as number),
            labels: positions.map((b) => trainLabels[plan.rows[b] as number] as readonly number[]),
          }),
    );
    const all = Promise.all(requests);
    all.catch(() => undefined); // surfaced by the step that awaits it
    this.preparing.set(plan.step, all);
  }

  /**
   * Runs one step's forward and backward on every worker and returns the global batch's mean
   * loss and gradients (tensors keyed by variable name, for the caller's optimizers; the caller
   * disposes them). Also sets the main model's running statistics to the replicas' mean.
   * `next` is drawn by the workers while the caller updates the weights, so a step never waits
   * for its data (only the very first step draws its own).
   */
  async step(plan: BatchPlan, next?: BatchPlan): Promise<{ loss: number; grads: Record<string, tf.Tensor> }> {
    this.publish();
    this.prepare(plan);
    const ready = this.preparing.get(plan.step);
    this.preparing.delete(plan.step);
    const shards = this.shards(plan);
    const stepRequests = shards.map((positions, i) =>
      positions.length === 0
        ? Promise.resolve(0)
        : this.pool.call<number>(i, {
            kind: 'step',
            step: plan.step,
            loss: this.options.loss,
            dropoutSeed: shardDropoutSeed(plan.dropoutSeed, i),
            slots: { grads: this.slots.grads, gradBase: i * this.gradLayout.total, stats: this.slots.stats, statsBase: i * this.statsLayout.total },
          }),
    );
    await ready;
    const losses = await Promise.all(stepRequests);
    const total = plan.rows.length;
    const weights = shards.map((s) => s.length / total);
    const loss = losses.reduce((sum, l, i) => sum + l * (weights[i] as number), 0);
    const reduced = this.reduce(weights);
    // Queued behind the reduction: each worker draws its next shard while this thread runs the update.
    if (next) this.prepare(next);
    await reduced;
    const stats = new Float32Array(this.statsLayout.total);
    weightedSumInto(this.slots.stats, this.statsLayout.total, weights, stats);
    this.setRunningStatistics(stats);
    const tensors = readTensors(this.gradLayout, this.slots.reduced);
    return { loss, grads: Object.fromEntries(this.trainable.map((v, i) => [v.name, tensors[i] as tf.Tensor])) };
  }

  /** Each worker sums its own range of the gradient slots into the shared reduced buffer. */
  private async reduce(weights: readonly number[]): Promise<void> {
    const size = this.gradLayout.total;
    const { grads, reduced } = this.slots;
    await Promise.all(splitRange(size, this.pool.size).map(([from, to], i) => this.pool.call(i, { kind: 'reduce', slots: grads, size, weights, from, to, into: reduced })));
  }

  private setRunningStatistics(values: Float32Array): void {
    if (this.statsLayout.total === 0) return;
    const tensors = readTensors(this.statsLayout, values);
    this.options.model.nonTrainableWeights.forEach((w, i) => w.write(tensors[i] as tf.Tensor));
    tf.dispose(tensors);
  }

  /** Logits of records with the main model's current weights, the ids split across the workers. */
  async logits(ids: readonly string[], evaluation: EvalOptions): Promise<number[][]> {
    this.publish();
    return this.pool.map<string, number[]>(ids, (part) => ({ kind: 'logits', ids: part, evaluation }));
  }

  /** Ends every worker now (a step in flight is abandoned; its promise rejects). */
  async close(): Promise<void> {
    await this.pool.close();
  }
}
