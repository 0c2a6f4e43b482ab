import * as tf from '@tensorflow/tfjs';
import { batchNorm, conv1d, dense, dropout, logits, relu } from './blocks';

type Sym = tf.SymbolicTensor;

/** conv (no bias) + BN (+ ReLU): fastai's ConvLayer. */
function convLayer(x: Sym, filters: number, kernel: number, options: { strides?: number; act?: boolean; zeroBn?: boolean } = {}): Sym {
  const out = batchNorm(conv1d(x, filters, kernel, { strides: options.strides ?? 1 }), { gammaZero: options.zeroBn ?? false });
  return options.act === false ? out : relu(out);
}

/** fastai ResBlock (bottleneck when expansion 4): zero-initialised last BN; avg-pool + 1×1 conv shortcut. */
function resBlock(x: Sym, expansion: number, width: number, stride: number, kernel: number): Sym {
  const inChannels = x.shape[x.shape.length - 1] as number;
  const outChannels = width * expansion;
  let path: Sym;
  if (expansion === 1) {
    path = convLayer(x, width, kernel, { strides: stride });
    path = convLayer(path, width, kernel, { act: false, zeroBn: true });
  } else {
    path = convLayer(x, width, 1);
    path = convLayer(path, width, kernel, { strides: stride });
    path = convLayer(path, outChannels, 1, { act: false, zeroBn: true });
  }
  let identity = x;
  if (stride !== 1) identity = tf.layers.averagePooling1d({ poolSize: 2, strides: 2, padding: 'same' }).apply(identity) as Sym;
  if (inChannels !== outChannels) identity = convLayer(identity, outChannels, 1, { act: false });
  return relu(tf.layers.add().apply([path, identity]) as Sym);
}

export interface XResNetOptions {
  expansion: 1 | 4;
  blocks: readonly number[];
  kernel: number;
}

/** Depth presets of Strodthoff et al.'s `xresnet1d` (kernel 5, stem 32/32/64). */
export const xresnetDepths = {
  xresnet1d50: { expansion: 4, blocks: [3, 4, 6, 3], kernel: 5 },
  xresnet1d101: { expansion: 4, blocks: [3, 4, 23, 3], kernel: 5 },
} as const satisfies Record<string, XResNetOptions>;

/**
 * xresnet1d (fastai XResNet in 1-D, as in the PTB-XL benchmark, paper-spec §12): 3-conv stem,
 * bottleneck stages 64/128/256/512 (×4), concat pool (avg ‖ max) head with BN and dropout
 * 0.25 / 0.5 → Linear(2nf, 128) → ReLU → BN → Linear(128, C). Designed for 100 Hz input.
 */
export function buildXResNet(input: Sym, numClasses: number, options: XResNetOptions): Sym {
  let x = convLayer(input, 32, options.kernel, { strides: 2 });
  x = convLayer(x, 32, options.kernel);
  x = convLayer(x, 64, options.kernel);
  x = tf.layers.maxPooling1d({ poolSize: 3, strides: 2, padding: 'same' }).apply(x) as Sym;
  [64, 128, 256, 512].forEach((width, stage) => {
    for (let i = 0; i < options.blocks[stage]!; i++) {
      x = resBlock(x, options.expansion, width, i === 0 && stage > 0 ? 2 : 1, options.kernel);
    }
  });
  const avg = tf.layers.globalAveragePooling1d().apply(x) as Sym;
  const max = tf.layers.globalMaxPooling1d().apply(x) as Sym;
  let head = tf.layers.concatenate().apply([avg, max]) as Sym;
  head = dropout(batchNorm(head), 0.25);
  head = dense(head, 128, 'relu');
  head = dropout(batchNorm(head), 0.5);
  return logits(head, numClasses);
}
