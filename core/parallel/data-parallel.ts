import * as tf from '@tensorflow/tfjs';
import type { SignalStore } from '../data/store';
import type { AdamWUpdateAttrs } from '../ml/optim/adamw-kernel';
import type { EvalOptions } from '../train/predict';
import type { BatchPlan } from '../train/step-runner';
import { WorkerPool, splitEvenly } from './pool';
import { shareModel, type SharedModel } from './model-share';
import type { LossSpec, WorkerStart } from './protocol';
import { splitRange } from './reduce';
import type { SharedUpdateState } from './shared-update';
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

/** Where each of `subset` (weights of `model`) lies in the buffer of model.weights. */
function offsetsIn(model: tf.LayersModel, subset: readonly tf.LayerVariable[], layout: TensorLayout): number[] {
  const all = model.weights;
  return subset.map((w) => {
    const index = all.indexOf(w);
    if (index < 0) throw new Error(`weight ${w.name} is not among the model's weights`);
    return layout.offsets[index] as number;
  });
}

/**
 * Data-parallel training on N worker threads (issue 11 item 1). Per step:
 *  1. each worker takes a contiguous shard of the global batch (inputs drawn ahead, while the
 *     previous update ran), loads the shared weights into its replica if they changed, runs
 *     forward and backward and writes its gradient into its own slot of shared memory;
 *  2. each worker then updates its own range of the flat parameter vector: sums the slots there
 *     (weighted by shard size: the loss is a mean, so this is exactly the global batch's
 *     gradient) and applies AdamW to the shared weights and moments in place (shared-update.ts),
 *     with the constants the caller's optimizers give for this step.
 * The update is sharded like the reduction (as ZeRO-1 shards optimizer state), so no thread
 * waits on a serial update and the weights are never copied back and forth per step; the main
 * thread's model and optimizers fall behind until the runner's syncModel brings them level
 * (pullWeights here, the moments and step counts in shared-adamw.ts) — before validation,
 * checkpoints and the end of training.
 *
 * Batch norm: each replica normalises with its own shard's statistics (PyTorch DDP without
 * SyncBN). Running statistics: every replica updates its own during the step and writes them
 * to its slot; the workers keep their mean weighted by shard size in the shared weights — the
 * momentum update is linear, so this is the update by the mean of the shards' batch means and
 * (unbiased) variances, which uses every sample (DDP's default keeps rank 0's alone) — so every
 * replica starts each step from the same statistics.
 */
export class DataParallelTrainer {
  /** Prepare requests already sent, by step number. */
  private readonly preparing = new Map<number, Promise<unknown>>();

  private constructor(
    private readonly options: DataParallelOptions,
    readonly pool: WorkerPool,
    private readonly shared: SharedModel,
    /** The buffers of the update in shared memory; `m` and `v` are the AdamW moments in gradient layout. */
    readonly update: SharedUpdateState,
  ) {}

  static async start(options: DataParallelOptions): Promise<DataParallelTrainer> {
    const { model, workers } = options;
    const gradLayout = layoutOf(model.trainableWeights.map((w) => w.shape as number[]));
    const statsLayout = layoutOf(model.nonTrainableWeights.map((w) => w.shape as number[]));
    const shared = shareModel(model);
    const update: SharedUpdateState = {
      weights: shared.spec.weights,
      m: sharedFloats(gradLayout.total),
      v: sharedFloats(gradLayout.total),
      grads: { slots: sharedFloats(workers * gradLayout.total), layout: gradLayout, reduced: sharedFloats(gradLayout.total) },
      stats: { slots: sharedFloats(workers * statsLayout.total), layout: statsLayout, reduced: sharedFloats(statsLayout.total) },
      trainableAt: offsetsIn(model, model.trainableWeights, shared.spec.layout),
      statsAt: offsetsIn(model, model.nonTrainableWeights, shared.spec.layout),
    };
    const pool = WorkerPool.start(workers, options.backend);
    const trainer = new DataParallelTrainer(options, pool, shared, update);
    try {
      await pool.all({ kind: 'replica', spec: shared.spec });
      await pool.all({ kind: 'store', shared: options.store.share() });
      await pool.all({ kind: 'update-state', state: update });
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

  /** Sets the main model's weights (trainable and running statistics) to the shared ones the workers updated. */
  pullWeights(): void {
    const tensors = readTensors(this.shared.spec.layout, this.shared.spec.weights);
    this.options.model.setWeights(tensors);
    tf.dispose(tensors);
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
   * One optimisation step on the shared weights: forward and backward on every worker, then the
   * sharded reduction and update with `attrs` (per trainable weight, model.trainableWeights
   * order; null leaves a weight as it is). Returns the global batch's mean loss. `next` is drawn
   * by the workers right after their part of the update, so a step never waits for its data
   * (only the very first step draws its own). The main model is not touched: see pullWeights.
   */
  async step(plan: BatchPlan, attrs: readonly (AdamWUpdateAttrs | null)[], next?: BatchPlan): Promise<number> {
    this.prepare(plan);
    const ready = this.preparing.get(plan.step);
    this.preparing.delete(plan.step);
    const shards = this.shards(plan);
    const { grads, stats } = this.update;
    const stepRequests = shards.map((positions, i) =>
      positions.length === 0
        ? Promise.resolve(0)
        : this.pool.call<number>(i, {
            kind: 'step',
            step: plan.step,
            loss: this.options.loss,
            dropoutSeed: shardDropoutSeed(plan.dropoutSeed, i),
            slots: { grads: grads.slots, gradBase: i * grads.layout.total, stats: stats.slots, statsBase: i * stats.layout.total },
          }),
    );
    await ready;
    const losses = await Promise.all(stepRequests);
    const total = plan.rows.length;
    const shardWeights = shards.map((s) => s.length / total);
    const gradRanges = splitRange(grads.layout.total, this.pool.size);
    const statRanges = splitRange(stats.layout.total, this.pool.size);
    const updated = Promise.all(gradRanges.map((range, i) => this.pool.call(i, { kind: 'update', share: { shardWeights, grads: range, stats: statRanges[i] as [number, number], attrs } })));
    // Queued behind the update: each worker draws its next shard as soon as its part is done.
    if (next) this.prepare(next);
    await updated;
    this.shared.changed();
    return losses.reduce((sum, l, i) => sum + l * (shardWeights[i] as number), 0);
  }

  /**
   * Logits of records with the main model's weights (published first), the ids split across the
   * workers. After steps, pullWeights first: until then the main model is behind the workers.
   * `keepBytes`: each worker keeps its part's inputs (within that bound) for the next call.
   */
  async logits(ids: readonly string[], evaluation: EvalOptions, keepBytes = 0): Promise<number[][]> {
    this.publish();
    // The same ids split the same way every call, so each worker is asked for the same part: its kept inputs serve it.
    return this.pool.map<string, number[]>(ids, (part) => ({ kind: 'logits', ids: part, evaluation, ...(keepBytes > 0 ? { keepBytes } : {}) }));
  }

  /** Ends every worker now (a step in flight is abandoned; its promise rejects). */
  async close(): Promise<void> {
    await this.pool.close();
  }
}
