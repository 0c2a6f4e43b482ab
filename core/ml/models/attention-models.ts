import * as tf from '@tensorflow/tfjs';
import { conv1d, logits } from './blocks';
import { MultiHeadAttention } from './layers/multi-head-attention';
import { SinusoidalPositionalEncoding } from './layers/positional-encoding';
import { TransformerEncoderLayer } from './layers/transformer-encoder';
import { resnet18Trunk } from './resnet';

type Sym = tf.SymbolicTensor;

function meanOverTokens(x: Sym): Sym {
  return tf.layers.globalAveragePooling1d().apply(x) as Sym;
}

/**
 * AttResNet (`models/AttResNet.py`): ResNet18 trunk → one bare self-attention (no positions,
 * residual or norm) → mean over the 64 tokens → Linear(512, C). 4.902M at C = 5.
 */
export function buildAttResNet(input: Sym, numClasses: number, options: { heads: number }): Sym {
  const tokens = resnet18Trunk(input);
  const attended = new MultiHeadAttention({ heads: options.heads }).apply(tokens) as Sym;
  return logits(meanOverTokens(attended), numClasses);
}

export interface EncoderOptions {
  width: number;
  layers: number;
  heads: number;
  dropout: number;
}

function encoderStack(x: Sym, options: EncoderOptions, maxLength: number): Sym {
  let out = new SinusoidalPositionalEncoding({ maxLength }).apply(x) as Sym;
  for (let i = 0; i < options.layers; i++) {
    out = new TransformerEncoderLayer({
      heads: options.heads,
      feedForward: 4 * options.width,
      dropout: options.dropout,
    }).apply(out) as Sym;
  }
  return out;
}

/**
 * ECG Transformer (`models/Transformers.py`): Conv1d(12→d, k3) embedding → sinusoidal positions
 * (max 5000) → post-LN encoder → mean over all samples → Linear. 12.63M at d 512 × 4 layers.
 */
export function buildTransformer(input: Sym, numClasses: number, options: EncoderOptions): Sym {
  const embedded = conv1d(input, options.width, 3, { useBias: true });
  return logits(meanOverTokens(encoderStack(embedded, options, 5000)), numClasses);
}

/** ResTransformer: ResNet18 trunk (64 × 512 tokens) → encoder (max 2048 positions) → mean → Linear. */
export function buildResTransformer(input: Sym, numClasses: number, options: Omit<EncoderOptions, 'width'>): Sym {
  const tokens = resnet18Trunk(input);
  return logits(meanOverTokens(encoderStack(tokens, { ...options, width: 512 }, 2048)), numClasses);
}
