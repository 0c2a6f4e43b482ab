import * as tf from '@tensorflow/tfjs';
import { AdaptiveAvgPool1D } from './layers/adaptive-pool';
import { batchNorm, conv1d, dense, dropout, logits, relu } from './blocks';

type Sym = tf.SymbolicTensor;

/** VGG cfg 'A': numbers are k3 conv widths, 'M' a MaxPool(2, 2). */
const vgg11Config = [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'] as const;

/**
 * VGG11_bn-1D (`models/VGGnet.py`). paperExact pools the 512×64 map to 7×7 = 49 features
 * (AdaptiveAvgPool2d on a 3-D tensor averages channels too: 20.09M at C = 5); otherwise the
 * 1-D analogue of torchvision's head: 7 time bins × 512 channels = 3584 features.
 */
export function buildVgg11Bn(input: Sym, numClasses: number, options: { dropout: number; paperExact: boolean }): Sym {
  let x = input;
  for (const item of vgg11Config) {
    if (item === 'M') x = tf.layers.maxPooling1d({ poolSize: 2, strides: 2 }).apply(x) as Sym;
    else x = relu(batchNorm(conv1d(x, item, 3, { useBias: true })));
  }
  x = new AdaptiveAvgPool1D({ timeBins: 7, channelBins: options.paperExact ? 7 : null }).apply(x) as Sym;
  x = tf.layers.flatten().apply(x) as Sym;
  x = dropout(dense(x, 4096, { activation: 'relu' }), options.dropout);
  x = dropout(dense(x, 4096, { activation: 'relu' }), options.dropout);
  return logits(x, numClasses);
}
