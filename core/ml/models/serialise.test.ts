import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init';
import { conv1d } from './blocks';
import { AdaptiveAvgPool1D } from './layers/adaptive-pool';
import { BatchNorm } from './layers/batch-norm';
import { MultiHeadAttention } from './layers/multi-head-attention';
import { SinusoidalPositionalEncoding } from './layers/positional-encoding';
import { TorchRnn } from './layers/torch-rnn';
import { TransformerEncoderLayer } from './layers/transformer-encoder';
import { ZeroPadding1D } from './layers/zero-padding';
import { buildModel } from './registry';

type Sym = tf.SymbolicTensor;

/** Saves to memory (topology JSON + weights) and loads it back, as a model package does on disk. */
async function roundTrip(model: tf.LayersModel): Promise<{ loaded: tf.LayersModel; artifacts: tf.io.ModelArtifacts }> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  // JSON text in between: the topology must survive serialisation, not just an in-memory object.
  const topology = JSON.parse(JSON.stringify(artifacts!.modelTopology)) as tf.io.ModelArtifacts['modelTopology'];
  const loaded = await tf.loadLayersModel(tf.io.fromMemory({ ...artifacts!, modelTopology: topology }));
  return { loaded, artifacts: artifacts! };
}

function expectSamePredictions(a: tf.LayersModel, b: tf.LayersModel, x: tf.Tensor): void {
  const [pa, pb] = [a.predict(x) as tf.Tensor, b.predict(x) as tf.Tensor];
  expect(Array.from(pb.dataSync())).toEqual(Array.from(pa.dataSync()));
  tf.dispose([pa, pb]);
}

describe('custom layers serialise and load (tfjs LayersModel JSON + weights)', () => {
  beforeAll(async () => {
    await initBackend({ force: 'wasm' });
  });

  it('a model with every custom layer reloads with the same configuration and predictions', async () => {
    const input = tf.input({ shape: [32, 12] });
    let x = conv1d(input, 8, 3);
    x = new BatchNorm({ gammaZero: false }).apply(x) as Sym;
    x = new ZeroPadding1D({ before: 1, after: 2 }).apply(x) as Sym;
    x = new SinusoidalPositionalEncoding({ maxLength: 64 }).apply(x) as Sym;
    x = new MultiHeadAttention({ heads: 2, dropout: 0.1 }).apply(x) as Sym;
    x = new TransformerEncoderLayer({ heads: 2, feedForward: 16, dropout: 0.1 }).apply(x) as Sym;
    x = new AdaptiveAvgPool1D({ timeBins: 5 }).apply(x) as Sym;
    x = new TorchRnn({ cell: 'lstm', units: 6, returnSequences: true }).apply(x) as Sym;
    x = new TorchRnn({ cell: 'gru', units: 5, returnSequences: false }).apply(x) as Sym;
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 3 }).apply(x) as Sym });
    const { loaded, artifacts } = await roundTrip(model);
    const classes = (artifacts.modelTopology as { config: { layers: { class_name: string }[] } }).config.layers.map((l) => l.class_name);
    for (const name of ['EinthovenBatchNorm', 'EinthovenZeroPadding1D', 'EinthovenSinusoidalPositionalEncoding', 'EinthovenMultiHeadAttention', 'EinthovenTransformerEncoderLayer', 'EinthovenAdaptiveAvgPool1D', 'EinthovenTorchRnn']) {
      expect(classes).toContain(name);
    }
    // Our layers' configurations come back field for field (built-in initialisers gain "seed": null).
    const custom = (m: tf.LayersModel) => m.layers.filter((l) => l.getClassName().startsWith('Einthoven')).map((l) => [l.getClassName(), l.getConfig()]);
    expect(custom(loaded)).toEqual(custom(model));
    expect(custom(model)).toHaveLength(8);
    const probe = tf.randomNormal([2, 32, 12], 0, 1, 'float32', 1);
    expectSamePredictions(model, loaded, probe);
    tf.dispose(probe);
    model.dispose();
    loaded.dispose();
  });

  it.each([
    { name: 'attresnet', paperExact: true, inputLength: 64 },
    { name: 'transformer', paperExact: false, inputLength: 32 },
    { name: 'crnn-lstm', paperExact: true, inputLength: 64 },
    { name: 'vgg11bn', paperExact: true, inputLength: 224 },
  ])('$name (paperExact $paperExact) reloads with identical predictions', async ({ name, paperExact, inputLength }) => {
    const model = buildModel(name, { numClasses: 5, paperExact, inputLength });
    const { loaded } = await roundTrip(model);
    const probe = tf.randomNormal([2, inputLength, 12], 0, 1, 'float32', 2);
    expectSamePredictions(model, loaded, probe);
    tf.dispose(probe);
    model.dispose();
    loaded.dispose();
  });
});
