import * as tf from '@tensorflow/tfjs';
import type { AdamWUpdateAttrs } from '../ml/optim/adamw-kernel';
import type { ParamGroup } from '../train/step';
import type { TensorLayout } from './tensor-layout';

/** The shared AdamW moments of the trainable weights, in gradient layout. */
export interface SharedMoments {
  readonly m: Float32Array;
  readonly v: Float32Array;
  readonly grads: { readonly layout: TensorLayout };
}

/**
 * The parameter groups' AdamW optimizers while data-parallel workers run the update in shared
 * memory (shared-update.ts). The main thread's optimizers stay the state that checkpoints save
 * and resume restores: their moments are copied into the shared buffers before the workers
 * start updating, and copied back, with the steps taken, when the runner syncs the model. Each
 * step's constants (learning rate after the schedule, bias corrections) come from them too.
 */
export class SharedAdamW {
  /** Steps the workers took since the main optimizers were last brought level. */
  private pending = 0;
  /** Each trainable weight's group (model.trainableWeights order); undefined: in no group, never updated. */
  private readonly groupOf: readonly (ParamGroup | undefined)[];
  private readonly indexOf: ReadonlyMap<string, number>;

  constructor(
    private readonly groups: readonly ParamGroup[],
    trainable: readonly tf.Variable[],
    private readonly shared: SharedMoments,
  ) {
    const groupByName = new Map(groups.flatMap((g) => g.variables.map((v) => [v.name, g] as const)));
    this.groupOf = trainable.map((v) => groupByName.get(v.name));
    this.indexOf = new Map(trainable.map((v, j) => [v.name, j]));
  }

  /** Group variables that have a place in the shared buffers, with that place (a variable without a gradient is skipped, as applyGradients skips it). */
  private placed(group: ParamGroup): { variable: tf.Variable; offset: number; index: number }[] {
    return group.variables.flatMap((variable) => {
      const j = this.indexOf.get(variable.name);
      return j === undefined ? [] : [{ variable, offset: this.shared.grads.layout.offsets[j] as number, index: j }];
    });
  }

  /** Copies every optimizer's moments into the shared buffers (zeros for an optimizer that has not stepped). */
  publish(): void {
    for (const group of this.groups) {
      const placed = this.placed(group);
      const { moments } = group.optimizer.exportState(placed.map((p) => p.variable));
      placed.forEach(({ offset }, i) => {
        this.shared.m.set((moments[2 * i] as tf.Tensor).dataSync() as Float32Array, offset);
        this.shared.v.set((moments[2 * i + 1] as tf.Tensor).dataSync() as Float32Array, offset);
      });
      tf.dispose(moments);
    }
    this.pending = 0;
  }

  /** Each trainable weight's AdamW constants for the next step (null: in no group, left as it is). */
  nextAttrs(): (AdamWUpdateAttrs | null)[] {
    const byGroup = new Map(this.groups.map((g) => [g, g.optimizer.updateAttrs(g.optimizer.steps + this.pending + 1)]));
    return this.groupOf.map((g) => (g ? (byGroup.get(g) as AdamWUpdateAttrs) : null));
  }

  /** Counts a step the workers took. */
  stepped(): void {
    this.pending += 1;
  }

  /** The optimizers take the shared moments and the steps the workers took. */
  pull(): void {
    if (this.pending === 0) return;
    const { layout } = this.shared.grads;
    for (const group of this.groups) {
      const placed = this.placed(group);
      const moments = placed.flatMap(({ offset, index }) => {
        const shape = [...(layout.shapes[index] as number[])];
        const end = offset + shape.reduce((a, b) => a * b, 1);
        return [tf.tensor(this.shared.m.slice(offset, end), shape), tf.tensor(this.shared.v.slice(offset, end), shape)];
      });
      group.optimizer.importState(
        placed.map((p) => p.variable),
        { step: group.optimizer.steps + this.pending, moments },
      );
      tf.dispose(moments);
    }
    this.pending = 0;
  }
}
