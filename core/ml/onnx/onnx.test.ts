import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init';
import { withoutInitialDraws } from '../models/init';
import { architectureInfo, architectureNames, buildModel } from '../models/registry';
import { exportOnnx, onnxArchitectures, samePadding, unsupportedLayers } from './export';
import { onnxLogits, onnxSessionFor, onnxSessionOptions } from './runtime';

/** CI sets this to 1: there a missing onnxruntime-node fails these tests instead of skipping them. */
const required = process.env['EINTHOVEN_REQUIRE_ONNX'] === '1';

const available = await import('onnxruntime-node').then(
  () => true,
  (error: unknown) => {
    if (required) throw error;
    console.warn(`onnx tests skipped: onnxruntime-node does not load (${error instanceof Error ? error.message : String(error)})`);
    return false;
  },
);

/** Seeded uniform values in [lo, hi). */
function uniform(n: number, seed: number, lo: number, hi: number): Float32Array {
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + ((hi - lo) * s) / 4294967296;
  });
}

/**
 * Batch norm with its initial statistics (mean 0, variance 1, γ 1 or 0, β 0) would hide a wrong
 * export of it, and γ = 0 (xresnet's residual branches) a whole branch: every BN gets random ones.
 */
function randomiseBatchNorms(model: tf.LayersModel, seed: number): void {
  model.layers
    .filter((l) => l.getClassName() === 'EinthovenBatchNorm')
    .forEach((layer, i) => {
      const n = layer.getWeights()[0]!.shape[0] as number;
      const ranges: [number, number][] = [
        [0.5, 1.5],
        [-0.2, 0.2],
        [-0.3, 0.3],
        [0.5, 2],
      ];
      layer.setWeights(ranges.map(([lo, hi], k) => tf.tensor1d(uniform(n, seed + 7 * i + k, lo, hi))));
    });
}

async function tfjsLogits(model: tf.LayersModel, x: Float32Array, shape: [number, number, number]): Promise<number[][]> {
  const y = model.predict(tf.tensor3d(x, shape)) as tf.Tensor;
  const rows = (await y.array()) as number[][];
  y.dispose();
  return rows;
}

function maxRelativeError(a: number[][], b: number[][]): number {
  const scale = Math.max(...a.flat().map(Math.abs), 1e-6);
  return Math.max(...a.flat().map((v, i) => Math.abs(v - (b.flat()[i] as number)))) / scale;
}

describe.runIf(available)('ONNX export runs the same forward pass on onnxruntime', () => {
  beforeAll(async () => {
    await initBackend({ force: 'wasm' });
  });

  // Odd lengths make tfjs's 'same' padding asymmetric at every stride-2 layer.
  const cases: { arch: string; length: number; paperExact?: boolean }[] = [
    { arch: 'resnet18', length: 301 },
    { arch: 'xresnet1d50', length: 250 },
    { arch: 'xresnet1d50', length: 257 },
    { arch: 'alexnet', length: 1000 },
    { arch: 'vgg11bn', length: 449 },
    { arch: 'vgg11bn', length: 449, paperExact: true },
    { arch: 'attresnet', length: 300 },
    { arch: 'attresnet', length: 300, paperExact: true },
    { arch: 'restransformer', length: 257 },
    { arch: 'transformer', length: 96 },
  ];
  for (const { arch, length, paperExact } of cases) {
    it(`${arch}${paperExact ? ' (paperExact)' : ''}, ${length} samples: logits within 1e-4 of tfjs`, async () => {
      const model = buildModel(arch, { numClasses: 5, inputLength: length, ...(paperExact ? { paperExact } : {}) });
      randomiseBatchNorms(model, length);
      const shape: [number, number, number] = [3, length, 12];
      const x = uniform(3 * length * 12, 99, -1, 1);
      const session = await onnxSessionFor(model);
      expect(session).not.toBeNull();
      const [expected, actual] = [await tfjsLogits(model, x, shape), await onnxLogits(session!, x, shape)];
      expect(actual.length).toBe(3);
      expect(maxRelativeError(expected, actual)).toBeLessThan(1e-4);
      model.dispose();
    });
  }

  it('rebuilds the session when the weights change (a model validated between epochs)', async () => {
    const model = buildModel('xresnet1d50', { numClasses: 3, inputLength: 250 });
    randomiseBatchNorms(model, 1);
    const shape: [number, number, number] = [2, 250, 12];
    const x = uniform(2 * 250 * 12, 5, -1, 1);
    const before = await onnxLogits((await onnxSessionFor(model))!, x, shape);
    const logits = model.getLayer('logits');
    logits.setWeights(logits.getWeights().map((w) => tf.mul(w, 3)));
    const after = await onnxLogits((await onnxSessionFor(model))!, x, shape);
    expect(maxRelativeError(after, before)).toBeGreaterThan(0.1);
    expect(maxRelativeError(await tfjsLogits(model, x, shape), after)).toBeLessThan(1e-4);
    model.dispose();
  });

  it('builds sessions whose intra-op threads wait without spinning, which onnxruntime-node accepts and runs on two threads', async () => {
    // Spinning threads kept a core after each forward pass and slowed the next record's gates (docs/benchmarks.md, "predict-sequence").
    const options = onnxSessionOptions(2);
    expect(options).toMatchObject({ intraOpNumThreads: 2, interOpNumThreads: 1, graphOptimizationLevel: 'all', executionMode: 'sequential' });
    expect(options.extra).toEqual({ session: { intra_op: { allow_spinning: '0' } } });
    const model = buildModel('xresnet1d50', { numClasses: 3, inputLength: 250 });
    randomiseBatchNorms(model, 2);
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(await exportOnnx(model), options);
    const shape: [number, number, number] = [4, 250, 12];
    const x = uniform(4 * 250 * 12, 7, -1, 1);
    expect(maxRelativeError(await tfjsLogits(model, x, shape), await onnxLogits(session, x, shape))).toBeLessThan(1e-4);
    await session.release();
    model.dispose();
  });

  it('keeps recurrent models and attention over long inputs on tfjs, naming the layer', async () => {
    for (const [arch, inputLength] of [
      ['crnn-gru', 128],
      ['crnn-lstm', 128],
      ['transformer', 600],
    ] as const) {
      // Which layers export depends on the structure alone: no initial weights drawn (tfjs draws them one by one in JavaScript).
      const model = withoutInitialDraws(() => buildModel(arch, { numClasses: 2, inputLength }));
      expect(unsupportedLayers(model).length).toBeGreaterThan(0);
      expect(await onnxSessionFor(model)).toBeNull();
      model.dispose();
    }
  });
});

describe('onnxArchitectures', () => {
  it('names exactly the architectures whose every layer exports at their design input', () => {
    for (const arch of architectureNames) {
      // Structure only: drawing the initial weights of every architecture at its design input took most of this test's 9 s.
      const model = withoutInitialDraws(() => buildModel(arch, { numClasses: 2, inputLength: architectureInfo(arch).inputLength }));
      expect({ arch, exports: unsupportedLayers(model).length === 0 }).toEqual({ arch, exports: onnxArchitectures.has(arch) });
      model.dispose();
    }
  });
});

describe('samePadding', () => {
  it('matches TensorFlow: the odd sample goes after', () => {
    expect(samePadding(10, 3, 1)).toEqual([1, 1]);
    expect(samePadding(301, 7, 2)).toEqual([3, 3]);
    expect(samePadding(300, 7, 2)).toEqual([2, 3]);
    expect(samePadding(5, 2, 2)).toEqual([0, 1]);
  });
});
