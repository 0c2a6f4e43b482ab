import * as tf from '@tensorflow/tfjs';
import { fusedGruAvailable, fusedGruStep } from './gru-kernels';
import { FastOrthogonal, LstmBias } from './initializers';
import { fusedLstmAvailable, fusedLstmStep } from './lstm-kernels';

type Shape = tf.Shape;

export type RnnCell = 'gru' | 'lstm';

export interface TorchRnnArgs {
  cell: RnnCell;
  units: number;
  /** All steps [B, T, dirs·h] (true) or, as torch's out[:, -1], the last position only [B, dirs·h]. */
  returnSequences: boolean;
  /** A second pass from the end; outputs are [forward ‖ backward] per position, as torch. */
  bidirectional?: boolean;
  name?: string;
}

type DirectionWeights = Record<'kernel' | 'recurrent' | 'biasIh' | 'biasHh', tf.LayerVariable>;

/** Gates per cell: GRU (r, z, n), LSTM (i, f, g, o), in torch's order. */
const gateCount: Record<RnnCell, number> = { gru: 3, lstm: 4 };

/** One GRU step exactly as torch.nn.GRU: the reset gate multiplies W_hn·h + b_hn ("reset after"). */
function gruStep(xp: tf.Tensor2D, h: tf.Tensor2D, recurrent: tf.Tensor2D, biasHh: tf.Tensor1D): tf.Tensor2D {
  const hp = tf.add(tf.matMul(h, recurrent), biasHh);
  const [xr, xz, xn] = tf.split(xp, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  const [hr, hz, hn] = tf.split(hp, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  const r = tf.sigmoid(tf.add(xr, hr));
  const z = tf.sigmoid(tf.add(xz, hz));
  const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
  return tf.add(n, tf.mul(z, tf.sub(h, n))) as tf.Tensor2D; // (1 − z)·n + z·h
}

/** One LSTM step as torch.nn.LSTM. Returns [h, c]. */
function lstmStep(xp: tf.Tensor2D, h: tf.Tensor2D, c: tf.Tensor2D, recurrent: tf.Tensor2D, biasHh: tf.Tensor1D): [tf.Tensor2D, tf.Tensor2D] {
  const gates = tf.add(xp, tf.add(tf.matMul(h, recurrent), biasHh));
  const [i, f, g, o] = tf.split(gates, 4, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  const cNext = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g))) as tf.Tensor2D;
  return [tf.mul(tf.sigmoid(o), tf.tanh(cNext)) as tf.Tensor2D, cNext];
}

/**
 * One layer of torch.nn.GRU / nn.LSTM (batch_first, zero initial state) with torch's parameters:
 * weight_ih, weight_hh and BOTH biases b_ih, b_hh — so parameter counts match the paper's
 * (tfjs-layers' cells keep one bias, and its GRU resets before the recurrent product, a different
 * cell). The input projection of all steps is one matrix product; only h·W_hh runs per step.
 * Init (paper-spec §4): W_ih xavier-uniform, W_hh orthogonal, biases 0, LSTM forget bias 1 in both.
 */
export class TorchRnn extends tf.layers.Layer {
  static readonly className = 'EinthovenTorchRnn';
  readonly cell: RnnCell;
  readonly units: number;
  readonly returnSequences: boolean;
  readonly bidirectional: boolean;
  private directions: DirectionWeights[] = [];

  constructor(args: TorchRnnArgs) {
    super(args.name ? { name: args.name } : {});
    this.cell = args.cell;
    this.units = args.units;
    this.returnSequences = args.returnSequences;
    this.bidirectional = args.bidirectional ?? false;
  }

  override build(inputShape: Shape | Shape[]): void {
    const features = (inputShape as Shape)[2];
    if (typeof features !== 'number') throw new Error('TorchRnn: the feature axis must have a known size');
    const width = gateCount[this.cell] * this.units;
    const bias = this.cell === 'lstm' ? new LstmBias({ units: this.units }) : tf.initializers.zeros();
    const suffixes = this.bidirectional ? ['', '_reverse'] : [''];
    this.directions = suffixes.map((suffix) => ({
      kernel: this.addWeight(`kernel${suffix}`, [features, width], 'float32', tf.initializers.glorotUniform({})),
      recurrent: this.addWeight(`recurrent_kernel${suffix}`, [this.units, width], 'float32', new FastOrthogonal()),
      biasIh: this.addWeight(`bias_ih${suffix}`, [width], 'float32', bias),
      biasHh: this.addWeight(`bias_hh${suffix}`, [width], 'float32', bias),
    }));
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const [batch, steps] = inputShape as Shape;
    const width = (this.bidirectional ? 2 : 1) * this.units;
    return this.returnSequences ? [batch ?? null, steps ?? null, width] : [batch ?? null, width];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
    return tf.tidy(() => {
      const [forward, backward] = this.directions.map((w, d) => this.runDirection(x, w, d === 1));
      if (!backward) return this.returnSequences ? tf.stack(forward!, 1) : forward![forward!.length - 1]!;
      // Position t holds [forward after x_0..x_t ‖ backward after x_T−1..x_t]; out[:, -1] is position T − 1.
      if (!this.returnSequences) return tf.concat([forward![forward!.length - 1]!, backward[backward.length - 1]!], 1);
      return tf.concat([tf.stack(forward!, 1), tf.stack(backward, 1)], 2);
    });
  }

  /** Hidden states by position (a backward pass's list is re-ordered to positions 0..T−1). */
  private runDirection(x: tf.Tensor3D, w: DirectionWeights, reverse: boolean): tf.Tensor2D[] {
    const [batch, steps, features] = x.shape;
    const width = gateCount[this.cell] * this.units;
    const projected = tf.add(tf.matMul(tf.reshape(x, [batch * steps, features]), w.kernel.read() as tf.Tensor2D), w.biasIh.read());
    // Time-major so that each step's slice is one contiguous block. The backward direction
    // reverses the tensor, not the list: tfjs's unstack gradient is wrong when its outputs are
    // consumed last-first (checked against finite differences and torch).
    const timeMajor = tf.transpose(tf.reshape(projected, [batch, steps, width]), [1, 0, 2]);
    const perStep = tf.unstack(reverse ? tf.reverse(timeMajor, 0) : timeMajor) as tf.Tensor2D[];
    const recurrent = w.recurrent.read() as tf.Tensor2D;
    const biasHh = w.biasHh.read() as tf.Tensor1D;
    if (this.cell === 'lstm' && fusedLstmAvailable()) {
      const states = this.fusedLstmStates(perStep, recurrent, biasHh, batch);
      return reverse ? states.reverse() : states;
    }
    let h = tf.zeros([batch, this.units]) as tf.Tensor2D;
    let c = tf.zeros([batch, this.units]) as tf.Tensor2D;
    const states: tf.Tensor2D[] = [];
    // A backend with a fused GRU step (webgpu) runs it: the same cell in a few dispatches.
    const fusedGru = fusedGruAvailable();
    for (const xp of perStep) {
      if (this.cell === 'gru') h = fusedGru ? (fusedGruStep(xp, h, recurrent, biasHh) as tf.Tensor2D) : gruStep(xp, h, recurrent, biasHh);
      else [h, c] = lstmStep(xp, h, c, recurrent, biasHh);
      states.push(h);
    }
    return reverse ? states.reverse() : states;
  }

  /** The LSTM on a backend's fused step: the state packed as [h ‖ c], h sliced once per step (output and next product). */
  private fusedLstmStates(perStep: tf.Tensor2D[], recurrent: tf.Tensor2D, biasHh: tf.Tensor1D, batch: number): tf.Tensor2D[] {
    let hc: tf.Tensor = tf.zeros([batch, 2 * this.units]);
    let h = tf.zeros([batch, this.units]) as tf.Tensor2D;
    return perStep.map((xp) => {
      hc = fusedLstmStep(xp, h, hc, recurrent, biasHh);
      h = tf.slice(hc, [0, 0], [batch, this.units]) as tf.Tensor2D;
      return h;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), cell: this.cell, units: this.units, returnSequences: this.returnSequences, bidirectional: this.bidirectional };
  }
}
tf.serialization.registerClass(TorchRnn);
