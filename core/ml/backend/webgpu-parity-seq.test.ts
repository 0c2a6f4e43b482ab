import { defineParitySuite } from './webgpu-parity-suite';

// The recurrent and attention networks; the convolutional ones are in webgpu-parity-cnn.test.ts.
await defineParitySuite(['crnn-gru', 'crnn-lstm', 'attresnet', 'transformer', 'restransformer']);
