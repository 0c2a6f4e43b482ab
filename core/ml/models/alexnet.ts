import * as tf from '@tensorflow/tfjs';
import { AdaptiveAvgPool1D } from './layers/adaptive-pool';
import { ZeroPadding1D } from './layers/zero-padding';
import { batchNorm, conv1d, dense, dropout, logits, relu } from './blocks';

type Sym = tf.SymbolicTensor;

function padded(x: Sym, pad: number): Sym {
  return pad > 0 ? (new ZeroPadding1D({ before: pad, after: pad }).apply(x) as Sym) : x;
}

function maxPool(x: Sym): Sym {
  return tf.layers.maxPooling1d({ poolSize: 3, strides: 2, padding: 'valid' }).apply(x) as Sym;
}

/**
 * AlexNet1D (`models/AlexNet.py`), with torch's explicit paddings so lengths match exactly
 * (2048 → 511 → 255 → 127 → 63 → 6). The 4th conv is ReLU-then-BN as in the code. 23.88M at C = 5.
 */
export function buildAlexNet(input: Sym, numClasses: number, options: { dropout: number }): Sym {
  let x = maxPool(relu(batchNorm(conv1d(padded(input, 2), 64, 11, { strides: 4, padding: 'valid', useBias: true }))));
  x = maxPool(relu(batchNorm(conv1d(x, 192, 5, { useBias: true }))));
  x = relu(batchNorm(conv1d(x, 384, 3, { useBias: true })));
  x = batchNorm(relu(conv1d(x, 256, 3, { useBias: true })));
  x = maxPool(relu(batchNorm(conv1d(x, 256, 3, { useBias: true }))));
  x = new AdaptiveAvgPool1D({ timeBins: 6 }).apply(x) as Sym;
  x = tf.layers.flatten().apply(x) as Sym;
  x = dense(dropout(x, options.dropout), 4096, { activation: 'relu' });
  x = dense(dropout(x, options.dropout), 4096, { activation: 'relu' });
  return logits(x, numClasses);
}
