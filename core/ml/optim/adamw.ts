import * as tf from '@tensorflow/tfjs';
import { EinthovenError } from '../../errors';
import { fusedAdamWUpdate, type AdamWUpdateAttrs } from './adamw-kernel';

export interface AdamWConfig {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Decoupled weight decay (torch AdamW default 0.01). */
  weightDecay?: number;
}

/** One gradient as tfjs passes it to Optimizer.applyGradients. */
interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

interface Moments {
  m: tf.Variable;
  v: tf.Variable;
}

/**
 * torch.optim.AdamW (amsgrad off): p ← p − lr·wd·p, then the bias-corrected Adam step
 * p ← p − lr · m̂ / (√v̂ + ε). tfjs has no AdamW. Decay applies to every trainable variable,
 * as the paper code's AdamW(model.parameters()).
 */
export class AdamW extends tf.Optimizer {
  static readonly className = 'EinthovenAdamW';
  /** Mutable so a schedule (e.g. one-cycle in core/train) can set it before each step. */
  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  private readonly moments = new Map<string, Moments>();
  private step = 0;

  constructor(config: AdamWConfig) {
    super();
    this.learningRate = config.learningRate;
    this.beta1 = config.beta1 ?? 0.9;
    this.beta2 = config.beta2 ?? 0.999;
    this.epsilon = config.epsilon ?? 1e-8;
    this.weightDecay = config.weightDecay ?? 0.01;
  }

  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const entries = Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor] as const)
      : Object.entries(variableGradients);
    this.step += 1;
    const attrs = this.updateAttrs(this.step);
    const { stepSize, epsHat } = attrs;
    for (const [name, gradient] of entries) {
      const variable = tf.engine().registeredVariables[name];
      if (!variable || !gradient) continue;
      const { m, v } = this.momentsOf(name, variable);
      const fused = fusedAdamWUpdate(variable, m, v, gradient, attrs);
      if (fused) {
        variable.assign(fused[0]);
        m.assign(fused[1]);
        v.assign(fused[2]);
        tf.dispose(fused);
        continue;
      }
      tf.tidy(() => {
        const newM = tf.add(tf.mul(m, this.beta1), tf.mul(gradient, 1 - this.beta1));
        const newV = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(gradient), 1 - this.beta2));
        m.assign(newM);
        v.assign(newV);
        // m̂/(√v̂ + ε) = (m/(1−β1ᵗ)) / (√v/√(1−β2ᵗ) + ε) = stepSize/lr · m / (√v + ε·√(1−β2ᵗ))
        const decayed = tf.mul(variable, attrs.decay);
        variable.assign(tf.sub(decayed, tf.mul(tf.div(newM, tf.add(tf.sqrt(newV), epsHat)), stepSize)));
      });
    }
    this.incrementIterations();
  }

  /** Updates applied so far (t of the last bias correction). */
  get steps(): number {
    return this.step;
  }

  /**
   * The update's constants at step t with the current learning rate: what the fused kernel
   * takes, here and in data-parallel workers that update shared weights for this optimizer.
   */
  updateAttrs(t: number): AdamWUpdateAttrs {
    const lr = this.learningRate;
    return {
      decay: 1 - lr * this.weightDecay,
      beta1: this.beta1,
      beta2: this.beta2,
      stepSize: (lr * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t),
      epsHat: this.epsilon * Math.sqrt(1 - this.beta2 ** t),
    };
  }

  /**
   * Optimizer state for a checkpoint: the step count and the moments of `variables`, in that
   * order (variable names differ between model instances, the order does not). Clones.
   */
  exportState(variables: readonly tf.Variable[]): { step: number; moments: tf.Tensor[] } {
    const moments = variables.flatMap((variable) => {
      const { m, v } = this.momentsOf(variable.name, variable);
      return [m.clone(), v.clone()];
    });
    return { step: this.step, moments };
  }

  /** Restores exportState's output onto the same variables (of a rebuilt model); resumes bit-exactly. */
  importState(variables: readonly tf.Variable[], state: { step: number; moments: readonly tf.Tensor[] }): void {
    if (state.moments.length !== variables.length * 2) {
      throw new EinthovenError('E_VALIDATION', `optimizer state holds ${state.moments.length / 2} variables, the model has ${variables.length}`);
    }
    variables.forEach((variable, i) => {
      const { m, v } = this.momentsOf(variable.name, variable);
      m.assign(state.moments[2 * i] as tf.Tensor);
      v.assign(state.moments[2 * i + 1] as tf.Tensor);
    });
    this.step = state.step;
  }

  private momentsOf(name: string, variable: tf.Variable): Moments {
    let moments = this.moments.get(name);
    if (!moments) {
      moments = tf.tidy(() => ({
        m: tf.variable(tf.zerosLike(variable), false),
        v: tf.variable(tf.zerosLike(variable), false),
      }));
      this.moments.set(name, moments);
    }
    return moments;
  }

  override dispose(): void {
    for (const { m, v } of this.moments.values()) {
      m.dispose();
      v.dispose();
    }
    this.moments.clear();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      weightDecay: this.weightDecay,
    };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config as unknown as AdamWConfig);
  }
}
tf.serialization.registerClass(AdamW);
