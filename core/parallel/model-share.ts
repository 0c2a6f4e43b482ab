import type * as tf from '@tensorflow/tfjs';
import type { ReplicaSpec } from './protocol';
import { layoutOf, sharedFloats, writeTensors } from './tensor-layout';

/** A model's topology and a shared buffer its weights are published into, for replicas in workers. */
export interface SharedModel {
  readonly spec: ReplicaSpec;
  /** Copies the model's current weights into the buffer and bumps the version. */
  publish(): void;
  /** Bumps the version after the workers changed the buffer themselves (the update in shared memory). */
  changed(): void;
}

export function shareModel(model: tf.LayersModel): SharedModel {
  const layout = layoutOf(model.weights.map((w) => w.shape as number[]));
  const spec: ReplicaSpec = {
    topology: JSON.stringify(model.toJSON(undefined, false)),
    weights: sharedFloats(layout.total),
    layout,
    version: new Int32Array(new SharedArrayBuffer(4)),
  };
  let version = 0;
  const changed = () => {
    version += 1;
    Atomics.store(spec.version, 0, version);
  };
  const publish = () => {
    writeTensors(
      model.weights.map((w) => w.read()),
      layout,
      spec.weights,
    );
    changed();
  };
  publish();
  return { spec, publish, changed };
}
