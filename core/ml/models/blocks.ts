import * as tf from '@tensorflow/tfjs';
import type { Initializer } from '@tensorflow/tfjs-layers/dist/initializers';
import { kaimingFanOut, linearNormal } from './init';
import { BatchNorm } from './layers/batch-norm';

type Sym = tf.SymbolicTensor;

/** Conv1d (channels-last) with the paper's init unless told; 'same' reproduces torch's p=(k−1)/2 lengths. */
export function conv1d(
  x: Sym,
  filters: number,
  kernelSize: number,
  options: { strides?: number; useBias?: boolean; padding?: 'same' | 'valid'; init?: Initializer } = {},
): Sym {
  return tf.layers
    .conv1d({
      filters,
      kernelSize,
      strides: options.strides ?? 1,
      padding: options.padding ?? 'same',
      useBias: options.useBias ?? false,
      kernelInitializer: options.init ?? kaimingFanOut(filters, kernelSize),
      biasInitializer: 'zeros',
    })
    .apply(x) as Sym;
}

/** torch BatchNorm1d (eps 1e-5, momentum 0.1, unbiased running variance) over the channel axis. */
export function batchNorm(x: Sym, options: { gammaZero?: boolean } = {}): Sym {
  return new BatchNorm({ gammaZero: options.gammaZero ?? false }).apply(x) as Sym;
}

export function relu(x: Sym): Sym {
  return tf.layers.reLU().apply(x) as Sym;
}

/** Linear with N(0, 0.01) weights (the paper's init) unless told, and zero bias. */
export function dense(x: Sym, units: number, options: { activation?: 'relu'; init?: Initializer } = {}): Sym {
  return tf.layers
    .dense({
      units,
      kernelInitializer: options.init ?? linearNormal(),
      biasInitializer: 'zeros',
      ...(options.activation ? { activation: options.activation } : {}),
    })
    .apply(x) as Sym;
}

export function dropout(x: Sym, rate: number): Sym {
  return rate > 0 ? (tf.layers.dropout({ rate }).apply(x) as Sym) : x;
}

/** Logits head: the models output raw logits; losses and prediction apply the sigmoid. */
export function logits(x: Sym, numClasses: number, init?: Initializer): Sym {
  return tf.layers
    .dense({ units: numClasses, kernelInitializer: init ?? linearNormal(), biasInitializer: 'zeros', name: 'logits' })
    .apply(x) as Sym;
}
