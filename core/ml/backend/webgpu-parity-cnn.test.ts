import { defineParitySuite } from './webgpu-parity-suite';

// The convolutional networks; the recurrent and attention ones are in webgpu-parity-seq.test.ts.
await defineParitySuite(['resnet18', 'alexnet', 'vgg11bn', 'xresnet1d50', 'xresnet1d101']);
