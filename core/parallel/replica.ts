import * as tf from '@tensorflow/tfjs';
import '../ml/models/registry'; // registers the custom layers a topology may name
import { makeLoss } from '../ml/loss/losses';
import { createRng } from '../signal/rng';
import { withSeededRandom } from '../train/step';
import type { LossSpec, ReplicaSpec, StepSlots } from './protocol';
import { readTensors } from './tensor-layout';

/** A worker's copy of the model, kept equal to the main thread's by the published weights. */
export class Replica {
  private seenVersion = -1;
  private readonly trainable: tf.Variable[];

  private constructor(
    readonly model: tf.LayersModel,
    private readonly spec: ReplicaSpec,
  ) {
    this.trainable = model.trainableWeights.map((w) => w.read() as tf.Variable);
    if (model.weights.length !== spec.layout.shapes.length) {
      throw new Error(`replica has ${model.weights.length} weights, the published layout ${spec.layout.shapes.length}`);
    }
  }

  static async create(spec: ReplicaSpec): Promise<Replica> {
    const model = await tf.models.modelFromJSON(JSON.parse(spec.topology) as tf.io.ModelJSON['modelTopology'] as never);
    return new Replica(model, spec);
  }

  /** Loads the published weights if the main thread published new ones since the last call. */
  sync(): void {
    const version = Atomics.load(this.spec.version, 0);
    if (version === this.seenVersion) return;
    const tensors = readTensors(this.spec.layout, this.spec.weights);
    this.model.setWeights(tensors);
    tf.dispose(tensors);
    this.seenVersion = version;
  }

  /**
   * Forward and backward on this worker's shard: batch statistics of the shard only in every
   * batch norm (as PyTorch DDP without SyncBN). Writes the mean-loss gradient of each
   * trainable weight (model.trainableWeights order) and the batch-norm running statistics
   * this step left (model.nonTrainableWeights order) into the shared slots; returns the loss.
   */
  step(x: tf.Tensor, y: tf.Tensor, lossSpec: LossSpec, dropoutSeed: number, slots: StepSlots): number {
    this.sync();
    const loss = makeLoss(lossSpec.name, lossSpec.posWeight ? { posWeight: lossSpec.posWeight } : {});
    const value = withSeededRandom(createRng(dropoutSeed), () =>
      tf.tidy(() => {
        const { value: v, grads } = tf.variableGrads(() => loss(y, this.model.apply(x, { training: true }) as tf.Tensor), this.trainable);
        let offset = slots.gradBase;
        for (const variable of this.trainable) {
          const g = (grads[variable.name] as tf.Tensor).dataSync() as Float32Array;
          slots.grads.set(g, offset);
          offset += g.length;
        }
        return v.dataSync()[0] as number;
      }),
    );
    let offset = slots.statsBase;
    for (const w of this.model.nonTrainableWeights) {
      const values = w.read().dataSync() as Float32Array;
      slots.stats.set(values, offset);
      offset += values.length;
    }
    return value;
  }
}
