import * as tf from '@tensorflow/tfjs';
import { batchNorm, conv1d, dense, dropout, logits, relu } from './blocks';
import { kaimingFanIn } from './init';

type Sym = tf.SymbolicTensor;

/** fastai ConvLayer: conv (no bias, kaiming fan-in init) + BN (+ ReLU). */
function convLayer(x: Sym, filters: number, kernel: number, options: { strides?: number; act?: boolean; zeroBn?: boolean } = {}): Sym {
  const inChannels = x.shape[x.shape.length - 1] as number;
  const conv = conv1d(x, filters, kernel, { strides: options.strides ?? 1, init: kaimingFanIn(inChannels * kernel) });
  const out = batchNorm(conv, { gammaZero: options.zeroBn ?? false });
  return options.act === false ? out : relu(out);
}

/**
 * ResBlock of `xresnet1d.py` (bottleneck when expansion is 4): the last BN of the conv path
 * starts at γ = 0; the identity path is AvgPool(2) when strided, then a 1×1 ConvLayer when
 * the width changes.
 */
function resBlock(x: Sym, expansion: number, width: number, stride: number, kernel: number): Sym {
  const inChannels = x.shape[x.shape.length - 1] as number;
  const outChannels = width * expansion;
  let path: Sym;
  if (expansion === 1) {
    path = convLayer(x, width, kernel, { strides: stride });
    path = convLayer(path, outChannels, kernel, { act: false, zeroBn: true });
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

/** Depth presets of Strodthoff et al.'s `xresnet1d` (kernel 5 in stem and blocks). */
export const xresnetDepths = {
  xresnet1d50: { expansion: 4, blocks: [3, 4, 6, 3], kernel: 5 },
  xresnet1d101: { expansion: 4, blocks: [3, 4, 23, 3], kernel: 5 },
} as const satisfies Record<string, XResNetOptions>;

/**
 * xresnet1d as in the PTB-XL benchmark code (`ecg_ptbxl_benchmarking/code/models/xresnet1d.py`,
 * paper-spec §12), which — unlike fastai's 2-D XResNet — keeps every stage 64 wide (×4 with
 * bottlenecks): stem 32/32/64 (k5, first stride 2) + MaxPool(3, 2), four stages, then the
 * concat-pool head: [max ‖ avg] → BN → Dropout 0.25 → Linear(2nf, 128) → ReLU → BN →
 * Dropout 0.5 → Linear(128, C). Conv and linear weights kaiming-normal (fan-in), biases 0.
 * xresnet1d101: 1.872M trainable parameters at C = 5. Designed for 100 Hz input.
 */
export function buildXResNet(input: Sym, numClasses: number, options: XResNetOptions): Sym {
  const k = options.kernel;
  let x = convLayer(input, 32, k, { strides: 2 });
  x = convLayer(x, 32, k);
  x = convLayer(x, 64, k);
  x = tf.layers.maxPooling1d({ poolSize: 3, strides: 2, padding: 'same' }).apply(x) as Sym;
  options.blocks.forEach((count, stage) => {
    for (let i = 0; i < count; i++) x = resBlock(x, options.expansion, 64, i === 0 && stage > 0 ? 2 : 1, k);
  });
  const features = x.shape[x.shape.length - 1] as number;
  const max = tf.layers.globalMaxPooling1d().apply(x) as Sym;
  const avg = tf.layers.globalAveragePooling1d().apply(x) as Sym;
  let head = tf.layers.concatenate().apply([max, avg]) as Sym;
  head = dropout(batchNorm(head), 0.25);
  head = dense(head, 128, { activation: 'relu', init: kaimingFanIn(2 * features) });
  head = dropout(batchNorm(head), 0.5);
  return logits(head, numClasses, kaimingFanIn(128));
}
