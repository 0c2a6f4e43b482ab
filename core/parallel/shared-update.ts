import { adamwUpdateInto, type AdamWUpdateAttrs } from '../ml/optim/adamw-kernel';
import { weightedSumInto } from './reduce';
import type { TensorLayout } from './tensor-layout';

/** Per-worker slots of a flat layout and the buffer their weighted sum goes to. */
export interface ReducedSlots {
  readonly slots: Float32Array;
  readonly layout: TensorLayout;
  readonly reduced: Float32Array;
}

/**
 * Everything shared that the workers update in place after each step, sent once per trainer:
 * the published weights (model.weights layout, as the replicas read them), the AdamW moments of
 * the trainable weights (gradient layout), the gradient and running-statistics slots, and where
 * each trainable weight and each running statistic lies in the weights buffer.
 */
export interface SharedUpdateState {
  readonly weights: Float32Array;
  readonly m: Float32Array;
  readonly v: Float32Array;
  readonly grads: ReducedSlots;
  readonly stats: ReducedSlots;
  /** Offset in `weights` of trainable weight j (model.trainableWeights order). */
  readonly trainableAt: readonly number[];
  /** Offset in `weights` of running statistic j (model.nonTrainableWeights order). */
  readonly statsAt: readonly number[];
}

/** One worker's share of a step's update. */
export interface UpdateShare {
  /** Each shard's weight (its size over the global batch): the loss is a mean. */
  readonly shardWeights: readonly number[];
  /** The elements of the gradient layout, and of the statistics layout, this worker updates. */
  readonly grads: readonly [number, number];
  readonly stats: readonly [number, number];
  /** The AdamW constants of each trainable weight for this step; null leaves it untouched (in no parameter group). */
  readonly attrs: readonly (AdamWUpdateAttrs | null)[];
}

/** The part [from, to) of the layout's tensor j covers, as [start, end) in layout elements, or undefined. */
function overlap(layout: TensorLayout, j: number, [from, to]: readonly [number, number]): [number, number] | undefined {
  const start = layout.offsets[j] as number;
  const end = j + 1 < layout.offsets.length ? (layout.offsets[j + 1] as number) : layout.total;
  const a = Math.max(from, start);
  const b = Math.min(to, end);
  return a < b ? [a, b] : undefined;
}

/**
 * A worker's part of the update, done where the data already is: it sums its range of every
 * shard's gradient (weighted), applies AdamW to that range of the shared weights and moments —
 * the same kernel, in float32 storage, as the single-thread update — and writes the weighted
 * mean of its range of the running statistics into the shared weights. Ranges of different
 * workers are disjoint, so they run at once without locks.
 */
export function reduceAndUpdate(state: SharedUpdateState, share: UpdateShare): void {
  const { grads, stats, weights } = state;
  weightedSumInto(grads.slots, grads.layout.total, share.shardWeights, grads.reduced, share.grads[0], share.grads[1]);
  grads.layout.offsets.forEach((offset, j) => {
    const attrs = share.attrs[j];
    const range = overlap(grads.layout, j, share.grads);
    if (!attrs || !range) return;
    const [a, b] = range;
    const at = (state.trainableAt[j] as number) + a - offset;
    const p = weights.subarray(at, at + b - a);
    const m = state.m.subarray(a, b);
    const v = state.v.subarray(a, b);
    adamwUpdateInto(p, m, v, grads.reduced.subarray(a, b), p, m, v, attrs);
  });
  weightedSumInto(stats.slots, stats.layout.total, share.shardWeights, stats.reduced, share.stats[0], share.stats[1]);
  stats.layout.offsets.forEach((offset, j) => {
    const range = overlap(stats.layout, j, share.stats);
    if (range) weights.set(stats.reduced.subarray(range[0], range[1]), (state.statsAt[j] as number) + range[0] - offset);
  });
}
