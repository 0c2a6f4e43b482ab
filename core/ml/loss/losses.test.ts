// Golden values: /usr/bin/python3 scripts/fixtures/ml_losses_optim.py (PyTorch, float64).
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init';
import { bceWithLogitsLoss, sigmoidFocalLoss } from './losses';

interface LossCase {
  logits: number[][];
  targets: number[][];
  loss: number;
  grad: number[][];
  posWeight?: number[];
}
const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/ml/losses-optim.json', import.meta.url), 'utf8'),
) as { focal: LossCase; bce: LossCase; bcePosWeight: LossCase };

function check(c: LossCase, fn: (t: tf.Tensor, z: tf.Tensor) => tf.Scalar) {
  const before = tf.memory().numTensors;
  const z = tf.tensor2d(c.logits);
  const t = tf.tensor2d(c.targets);
  const loss = fn(t, z);
  const grad = tf.grad((logits: tf.Tensor) => fn(t, logits))(z);
  expect(loss.dataSync()[0]).toBeCloseTo(c.loss, 5);
  const g = grad.arraySync() as number[][];
  c.grad.forEach((row, i) => row.forEach((v, j) => expect(g[i]![j]).toBeCloseTo(v, 6)));
  tf.dispose([z, t, loss, grad]);
  expect(tf.memory().numTensors).toBe(before);
}

describe('losses vs torch', () => {
  beforeAll(async () => {
    await initBackend({ force: 'cpu' });
  });

  it('sigmoid focal loss (α 0.7, γ 2, mean) and its gradient', () => {
    check(fixture.focal, (t, z) => sigmoidFocalLoss(t, z));
  });

  it('BCE with logits, no weights', () => {
    check(fixture.bce, (t, z) => bceWithLogitsLoss(t, z));
  });

  it('BCE with logits and pos_weight [2, 4, 2, 1, 2]', () => {
    check(fixture.bcePosWeight, (t, z) => bceWithLogitsLoss(t, z, fixture.bcePosWeight.posWeight));
  });
});
