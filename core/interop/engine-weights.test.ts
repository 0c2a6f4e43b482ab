import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../ml/backend/init';
import { withoutInitialDraws } from '../ml/models/init';
import { buildModel, type BuildOptions } from '../ml/models/registry';
import { engineOrderLayers } from './engine-weights';

beforeAll(async () => {
  await initBackend({ force: 'cpu' });
});

/** How many tensors `read` made (tfjs numbers tensors as it makes them): building a model makes one per weight. */
function tensorsMadeBy(read: () => void): number {
  const first = tf.scalar(0);
  read();
  const last = tf.scalar(0);
  tf.dispose([first, last]);
  return last.id - first.id - 1;
}

// resnet18 and crnn-gru: their topological layer order is not their creation order, so an order read wrongly shows.
describe.each([
  ['resnet18', { numClasses: 5, inputLength: 64 }],
  ['crnn-gru', { numClasses: 5, inputLength: 64, rnn: { layers: 1, hidden: 16 } }],
] as [string, BuildOptions][])('engineOrderLayers of %s', (arch, options) => {
  it('reads the order of a model buildModel built as this architecture from its own layers, without building a second model (every weight allocated again on each export and import)', () => {
    const model = withoutInitialDraws(() => buildModel(arch, options));
    try {
      let layers: tf.layers.Layer[] = [];
      expect(tensorsMadeBy(() => (layers = engineOrderLayers(model, arch, options)))).toBe(0);
      // The same layers in the same order as matched against a second model, for a model buildModel did not make.
      const remade = tf.model({ inputs: model.inputs, outputs: model.outputs });
      expect(tensorsMadeBy(() => engineOrderLayers(remade, arch, options))).toBeGreaterThanOrEqual(model.weights.length);
      expect(layers.map((l) => l.name)).toEqual(engineOrderLayers(remade, arch, options).map((l) => l.name));
      expect(layers.map((l) => l.name)).not.toEqual(model.layers.filter((l) => l.weights.length > 0).map((l) => l.name));
    } finally {
      model.dispose();
    }
  });

  it('still checks a model built with other options against these options', () => {
    const model = withoutInitialDraws(() => buildModel(arch, { ...options, numClasses: 3 }));
    try {
      expect(() => engineOrderLayers(model, arch, options)).toThrow(/does not match/);
    } finally {
      model.dispose();
    }
  });
});
