import * as tf from '@tensorflow/tfjs';
import { kaimingFanOut, linearNormal, torchBatchNorm } from './init';

type Sym = tf.SymbolicTensor;

/** Conv1d (channels-last) with the paper's init; 'same' reproduces torch's p=(k−1)/2 shapes. */
export function conv1d(
  x: Sym,
  filters: number,
  kernelSize: number,
  options: { strides?: number; useBias?: boolean; padding?: 'same' | 'valid'; name?: string } = {},
): Sym {
  return tf.layers
    .conv1d({
      filters,
      kernelSize,
      strides: options.strides ?? 1,
      padding: options.padding ?? 'same',
      useBias: options.useBias ?? false,
      kernelInitializer: kaimingFanOut(filters, kernelSize),
      biasInitializer: 'zeros',
      ...(options.name ? { name: options.name } : {}),
    })
    .apply(x) as Sym;
}

export function batchNorm(x: Sym, options: { gammaZero?: boolean } = {}): Sym {
  return tf.layers
    .batchNormalization({
      ...torchBatchNorm,
      ...(options.gammaZero ? { gammaInitializer: 'zeros' } : {}),
    })
    .apply(x) as Sym;
}

export function relu(x: Sym): Sym {
  return tf.layers.reLU().apply(x) as Sym;
}

/** Linear with N(0, 0.01) weights and zero bias. */
export function dense(x: Sym, units: number, activation?: 'relu'): Sym {
  return tf.layers
    .dense({ units, kernelInitializer: linearNormal(), biasInitializer: 'zeros', ...(activation ? { activation } : {}) })
    .apply(x) as Sym;
}

export function dropout(x: Sym, rate: number): Sym {
  return rate > 0 ? (tf.layers.dropout({ rate }).apply(x) as Sym) : x;
}

/** Logits head: the models output raw logits; losses and prediction apply the sigmoid. */
export function logits(x: Sym, numClasses: number): Sym {
  return tf.layers
    .dense({ units: numClasses, kernelInitializer: linearNormal(), biasInitializer: 'zeros', name: 'logits' })
    .apply(x) as Sym;
}
