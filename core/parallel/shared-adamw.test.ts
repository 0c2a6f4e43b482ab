import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdamW } from '../ml/optim/adamw';
import type { ParamGroup } from '../train/step';
import { SharedAdamW } from './shared-adamw';
import { layoutOf, sharedFloats } from './tensor-layout';

/** A group's moments as arrays (m, v per variable), the cloned tensors disposed. */
function momentsOf(group: ParamGroup): number[][] {
  const { moments } = group.optimizer.exportState(group.variables);
  const out = moments.map((t) => Array.from(t.dataSync()));
  tf.dispose(moments);
  return out;
}

describe('the parameter groups’ AdamW mirrored in shared memory', () => {
  let variables: tf.Variable[];
  let groups: ParamGroup[];

  beforeAll(async () => {
    await tf.setBackend('cpu');
    variables = [tf.variable(tf.tensor([1, 2, 3]), true, 'sa-trunk-a'), tf.variable(tf.tensor([[4, 5]]), true, 'sa-head'), tf.variable(tf.tensor([6]), true, 'sa-trunk-b'), tf.variable(tf.tensor([7, 8]), true, 'sa-free')];
    const [trunkA, head, trunkB] = variables as [tf.Variable, tf.Variable, tf.Variable];
    groups = [
      { name: 'trunk', variables: [trunkA, trunkB], optimizer: new AdamW({ learningRate: 1e-4, weightDecay: 0.05 }), baseLearningRate: 1e-4 },
      { name: 'head', variables: [head], optimizer: new AdamW({ learningRate: 1e-2 }), baseLearningRate: 1e-2 },
    ];
  });

  afterAll(() => {
    groups.forEach((g) => g.optimizer.dispose());
    tf.dispose(variables);
  });

  it('gives each weight its own group’s constants at the right step, and hands the moments and steps back', () => {
    const layout = layoutOf(variables.map((v) => v.shape));
    const shared = { m: sharedFloats(layout.total), v: sharedFloats(layout.total), grads: { layout } };
    const [trunk, head] = groups as [ParamGroup, ParamGroup];
    // The trunk has stepped once already (its moments are not zero): publish must copy them.
    trunk.optimizer.applyGradients({ 'sa-trunk-a': tf.tensor([0.5, -0.5, 1]), 'sa-trunk-b': tf.tensor([2]) });
    const trunkMoments = momentsOf(trunk);
    const mirror = new SharedAdamW(groups, variables, shared);
    mirror.publish();
    expect(Array.from(shared.m.slice(0, 3))).toEqual(trunkMoments[0]);
    expect(Array.from(shared.v.slice(5, 6))).toEqual(trunkMoments[3]);
    expect(Array.from(shared.m.slice(3, 5))).toEqual([0, 0]); // the head has not stepped

    const first = mirror.nextAttrs();
    expect(first[0]).toEqual(trunk.optimizer.updateAttrs(2));
    expect(first[2]).toEqual(trunk.optimizer.updateAttrs(2));
    expect(first[1]).toEqual(head.optimizer.updateAttrs(1));
    expect(first[3]).toBeNull(); // in no group: the workers leave it alone
    expect(first[1]?.stepSize).not.toBe(first[0]?.stepSize);
    mirror.stepped();
    expect(mirror.nextAttrs()[1]).toEqual(head.optimizer.updateAttrs(2));
    mirror.stepped();

    // What the workers would have written; pull hands it to the optimizers with the steps taken.
    shared.m.set([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
    shared.v.set([1, 2, 3, 4, 5, 6]);
    mirror.pull();
    expect(trunk.optimizer.steps).toBe(3);
    expect(head.optimizer.steps).toBe(2);
    const headState = momentsOf(head);
    expect(headState[0]?.map((x) => Math.round(x * 10) / 10)).toEqual([0.4, 0.5]);
    expect(headState[1]).toEqual([4, 5]);
    const trunkState = momentsOf(trunk);
    expect(trunkState[3]).toEqual([6]);
    // Nothing pending after a pull: a second one changes nothing.
    mirror.pull();
    expect(trunk.optimizer.steps).toBe(3);
  });
});
