import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../core/ml/backend/init';
import { buildModel, countTrainableParams, listArchitectures } from '../core/ml/models/registry';
await initBackend({ force: 'wasm' });
for (const a of listArchitectures()) for (const exact of [false, true]) {
  const t0 = Date.now();
  const m = buildModel(a.name, { numClasses: 5, paperExact: exact });
  console.log(a.name, exact, countTrainableParams(m), m.outputs[0]!.shape, Date.now() - t0, 'ms', tf.memory().numTensors);
  m.dispose();
}
