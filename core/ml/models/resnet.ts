import * as tf from '@tensorflow/tfjs';
import { batchNorm, conv1d, logits, relu } from './blocks';

type Sym = tf.SymbolicTensor;

/** torchvision BasicBlock in 1-D: two k3 convs, 1×1 conv + BN shortcut when the shape changes. */
function basicBlock(x: Sym, filters: number, stride: number): Sym {
  const inChannels = x.shape[x.shape.length - 1];
  let out = relu(batchNorm(conv1d(x, filters, 3, { strides: stride })));
  out = batchNorm(conv1d(out, filters, 3));
  const shortcut = stride !== 1 || inChannels !== filters ? batchNorm(conv1d(x, filters, 1, { strides: stride })) : x;
  return relu(tf.layers.add().apply([out, shortcut]) as Sym);
}

/**
 * ResNet18-1D trunk (`models/ResNet_1D.py` minus avgpool and fc): stem k7 s2 + maxpool,
 * stages 64/128/256/512 × 2 blocks. [B, 2048, 12] → [B, 64, 512], i.e. 64 tokens × 512.
 * Stride-2 'same' padding gives torch's lengths; the window alignment may differ by one sample.
 */
export function resnet18Trunk(input: Sym): Sym {
  let x = relu(batchNorm(conv1d(input, 64, 7, { strides: 2 })));
  x = tf.layers.maxPooling1d({ poolSize: 3, strides: 2, padding: 'same' }).apply(x) as Sym;
  const widths = [64, 128, 256, 512];
  widths.forEach((filters, stage) => {
    x = basicBlock(x, filters, stage === 0 ? 1 : 2);
    x = basicBlock(x, filters, 1);
  });
  return x;
}

/** ResNet18-1D: trunk → global average pool → Linear(512, C). 3.851M trainable at C = 5. */
export function buildResNet18(input: Sym, numClasses: number): Sym {
  const pooled = tf.layers.globalAveragePooling1d().apply(resnet18Trunk(input)) as Sym;
  return logits(pooled, numClasses);
}
