import * as tf from '@tensorflow/tfjs';
import { logits } from './blocks';
import { xavierUniform } from './init';
import { FastOrthogonal } from './layers/orthogonal';
import { resnet18Trunk } from './resnet';

type Sym = tf.SymbolicTensor;

export interface CrnnOptions {
  cell: 'gru' | 'lstm';
  hidden: number;
  layers: number;
  /** Dropout between stacked RNN layers (torch `dropout`, yml `rnn_dropout`). */
  dropout: number;
  /** true: classify from the last time step only (the paper code); false: mean over steps. */
  lastStepOnly: boolean;
}

/**
 * CRNN (`models/RNN.py`): ResNet18 trunk (64 tokens × 512) → stacked GRU/LSTM → Linear.
 * tfjs cells carry one bias vector where torch has two (b_ih, b_hh): 3h (GRU) or 4h (LSTM)
 * fewer parameters per layer; the LSTM forget bias starts at 1 (torch's effective value is 2).
 */
export function buildCrnn(input: Sym, numClasses: number, options: CrnnOptions): Sym {
  let x = resnet18Trunk(input);
  for (let layer = 0; layer < options.layers; layer++) {
    const last = layer === options.layers - 1;
    const common = {
      units: options.hidden,
      returnSequences: !(last && options.lastStepOnly),
      kernelInitializer: xavierUniform(),
      recurrentInitializer: new FastOrthogonal(),
      biasInitializer: 'zeros' as const,
    };
    const rnn = options.cell === 'gru' ? tf.layers.gru(common) : tf.layers.lstm({ ...common, unitForgetBias: true });
    x = rnn.apply(x) as Sym;
    if (!last && options.dropout > 0) x = tf.layers.dropout({ rate: options.dropout }).apply(x) as Sym;
  }
  if (!options.lastStepOnly) x = tf.layers.globalAveragePooling1d().apply(x) as Sym;
  return logits(x, numClasses);
}
