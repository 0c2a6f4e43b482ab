import * as tf from '@tensorflow/tfjs';
import { readScalar } from '../ml/backend/read';
import { createRng } from '../signal/rng';
import type { LossFn, ParamGroup } from './step';
import { withSeededRandom } from './step';

/**
 * One optimisation step over a batch too large for the GPU's buffers, as micro-batches of
 * `micro` records: gradients of each part, weighted by its share of the batch, are summed and
 * applied once — the same update as the whole batch for a mean loss. Batch normalisation sees
 * each micro-batch's own statistics (as "ghost" batch norm), so results differ slightly from an
 * unsplit step. Returns the batch loss.
 */
export async function accumulatedTrainStep(model: tf.LayersModel, groups: readonly ParamGroup[], loss: LossFn, x: tf.Tensor, y: tf.Tensor, seed: number, micro: number): Promise<number> {
  const variables = groups.flatMap((g) => g.variables);
  const n = x.shape[0]!;
  let sums: tf.Tensor[] | undefined;
  let lossSum = 0;
  try {
    for (let start = 0, part = 0; start < n; start += micro, part++) {
      const size = Math.min(micro, n - start);
      const weight = size / n;
      const { value, grads } = withSeededRandom(createRng(seed * 31 + part), () =>
        tf.tidy(() => {
          const xs = tf.slice(x, start, size);
          const ys = tf.slice(y, start, size);
          return tf.variableGrads(() => loss(ys, model.apply(xs, { training: true }) as tf.Tensor), variables);
        }),
      );
      const weighted = variables.map((v) => grads[v.name]!);
      const previous = sums;
      sums = tf.tidy(() => weighted.map((g, i) => (previous ? tf.add(previous[i]!, tf.mul(g, weight)) : tf.mul(g, weight))));
      tf.dispose([...(previous ?? []), ...weighted]);
      lossSum += (await readScalar(value).finally(() => value.dispose())) * weight;
    }
    const summed = sums ?? [];
    let offset = 0;
    for (const group of groups) {
      const named = Object.fromEntries(group.variables.map((v, i) => [v.name, summed[offset + i]!]));
      group.optimizer.applyGradients(named);
      offset += group.variables.length;
    }
    return lossSum;
  } finally {
    if (sums) tf.dispose(sums);
  }
}
