import * as tf from '@tensorflow/tfjs';
import { logits } from './blocks';
import { TorchRnn, type RnnCell } from './layers/torch-rnn';
import { resnet18Trunk } from './resnet';

type Sym = tf.SymbolicTensor;

export interface CrnnOptions {
  cell: RnnCell;
  hidden: number;
  layers: number;
  /** Dropout between stacked RNN layers (torch `dropout`, yml `rnn_dropout`). */
  dropout: number;
  /** Both directions, features [forward ‖ backward] (the paper's search space; its GRU branch ignored this). */
  bidirectional: boolean;
  /** true: classify from the last time step only (the paper code); false: mean over steps. */
  lastStepOnly: boolean;
}

/**
 * CRNN (`models/RNN.py`): ResNet18 trunk (64 tokens × 512) → stacked torch-style GRU/LSTM
 * (zero initial state) → Linear(hidden · directions, C). 4.836M (GRU) / 5.165M (LSTM) at C = 5.
 */
export function buildCrnn(input: Sym, numClasses: number, options: CrnnOptions): Sym {
  let x = resnet18Trunk(input);
  for (let layer = 0; layer < options.layers; layer++) {
    const last = layer === options.layers - 1;
    const returnSequences = !(last && options.lastStepOnly);
    x = new TorchRnn({ cell: options.cell, units: options.hidden, returnSequences, bidirectional: options.bidirectional }).apply(x) as Sym;
    if (!last && options.dropout > 0) x = tf.layers.dropout({ rate: options.dropout }).apply(x) as Sym;
  }
  if (!options.lastStepOnly) x = tf.layers.globalAveragePooling1d().apply(x) as Sym;
  return logits(x, numClasses);
}
