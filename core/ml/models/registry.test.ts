// Parameter counts of the PyTorch twins: regenerate with `/usr/bin/python3 scripts/fixtures/ml_layers.py`.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../../test/shared-data';
import { initBackend } from '../backend/init';
import { architectureNames, buildModel, countTrainableParams, listArchitectures } from './registry';

const torchParams = (
  JSON.parse(readFileSync(fixturePath('ml', 'layers.json'), 'utf8')) as {
    params: Record<string, { default: number; paperExact: number }>;
  }
).params;

/** The paper's rounded figures at 5 outputs (paper-spec §4), in millions. */
const paperMillions: Record<string, [number, number]> = {
  alexnet: [23.88, 0.005],
  vgg11bn: [20.09, 0.005], // paperExact: the 49-feature pooling quirk
  resnet18: [3.851, 0.0005],
  'crnn-gru': [4.836, 0.0005],
  'crnn-lstm': [5.165, 0.0005],
  attresnet: [4.9, 0.005],
  transformer: [12.63, 0.005],
  restransformer: [10.16, 0.005],
};

describe('model registry', () => {
  beforeAll(async () => {
    await initBackend({ force: 'wasm' });
  });

  it('lists every architecture with its design input', () => {
    const list = listArchitectures();
    expect(list.map((a) => a.name)).toEqual([...architectureNames]);
    expect(list.find((a) => a.name === 'resnet18')).toMatchObject({ fs: 500, inputLength: 2048, leads: 12 });
    expect(list.find((a) => a.name === 'xresnet1d101')).toMatchObject({ fs: 100, inputLength: 250 });
  });

  it('the PyTorch twins have the paper’s parameter counts (paperExact where the paper has a quirk)', () => {
    for (const [name, [millions, tolerance]] of Object.entries(paperMillions)) {
      const count = torchParams[name]!.paperExact / 1e6;
      expect(Math.abs(count - millions), name).toBeLessThanOrEqual(tolerance);
    }
  });

  // The paperExact variants are counted by `ecg models --json --paper-exact` (core/cli/commands/models-backend.test.ts).
  it.each([...architectureNames])('%s (default variant): exactly the PyTorch twin’s trainable parameters', (name) => {
    const model = buildModel(name, { numClasses: 5 });
    const expected = torchParams[name]!.default;
    expect(countTrainableParams(model)).toBe(expected);
    const length = listArchitectures().find((a) => a.name === name)!.inputLength;
    expect(model.inputs[0]!.shape).toEqual([null, length, 12]);
    expect(model.outputs[0]!.shape).toEqual([null, 5]);
    model.dispose();
  });

  it('refuses unknown names and inputs too short for the strides', () => {
    expect(() => buildModel('resnet50', { numClasses: 5 })).toThrow(/unknown architecture/);
    expect(() => buildModel('alexnet', { numClasses: 5, inputLength: 100 })).toThrow(/at least 256/);
    expect(() => buildModel('resnet18', { numClasses: 0 })).toThrow(/numClasses/);
    expect(() => buildModel('transformer', { numClasses: 5, inputLength: 6000 })).toThrow(/at most 5000/);
  });
});
