import * as tf from '@tensorflow/tfjs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRecordFiles, recordToLeadSignal } from '../data/records';
import { initBackend } from '../ml/backend/init';
import { architectureInfo, buildModel, type BuildOptions } from '../ml/models/registry';
import { buildPipeline } from '../signal/pipeline';
import { pipelineConfigSchema, type PipelineConfig } from '../signal/pipeline-config';
import { loadPackage } from '../train/package/archive';
import { savePackage, type ManifestFields } from '../train/package/io';
import { fixturePath } from '../test/shared-data';
import { runEinthovenDdp, torchAvailable } from '../test/python';
import { exportPytorch } from './export-pytorch';
import { importPytorch } from './import-pytorch';
import { decodeNpy, encodeNpy } from './npy';
import { pytorchFiles } from './pytorch-dir';
import { handMadePytorchTraining } from '../test/pytorch-training';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const classes = ['NORM', 'MI', 'STTC', 'CD', 'HYP'];
const records = ['00001', '00002', '00003'].map((id) => fixturePath('train', 'ptbxl', 'records100', '00000', `${id}_lr.hea`));

/** Every architecture and every option that changes its structure, at short inputs to keep the test quick. */
const variants: { arch: string; options: Omit<BuildOptions, 'numClasses'> }[] = [
  { arch: 'resnet18', options: { inputLength: 256 } },
  { arch: 'crnn-gru', options: { inputLength: 256 } },
  { arch: 'crnn-gru', options: { inputLength: 256, rnn: { layers: 1, bidirectional: true, hidden: 32 } } },
  { arch: 'crnn-lstm', options: { inputLength: 256, paperExact: true } },
  { arch: 'alexnet', options: { inputLength: 512 } },
  { arch: 'vgg11bn', options: { inputLength: 256 } },
  { arch: 'vgg11bn', options: { inputLength: 256, paperExact: true } },
  { arch: 'attresnet', options: { inputLength: 256 } },
  { arch: 'attresnet', options: { inputLength: 256, paperExact: true } },
  { arch: 'transformer', options: { inputLength: 96 } },
  { arch: 'restransformer', options: { inputLength: 256 } },
  { arch: 'xresnet1d50', options: { inputLength: 250 } },
  { arch: 'xresnet1d101', options: { inputLength: 251 } },
];

function pipelineFor(arch: string, inputLength: number): PipelineConfig {
  const fs = architectureInfo(arch).fs;
  return pipelineConfigSchema.parse({ version: 1, stages: [{ kind: 'resample', targetHz: fs }, { kind: 'padTruncate', length: fs * 10 }, { kind: 'crop', length: inputLength }, { kind: 'normalise', method: 'zscore' }] });
}

function fieldsFor(arch: string, buildOptions: BuildOptions): ManifestFields {
  return {
    name: `roundtrip-${arch}`,
    description: 'pytorch-roundtrip.test.ts',
    demonstration: true,
    architecture: { name: arch, buildOptions },
    hyperParameters: {},
    classes,
    preprocessing: pipelineFor(arch, buildOptions.inputLength as number),
    inference: { mode: 'centre', aggregate: 'mean' },
    operatingPoint: { method: 'f1', thresholds: [0.5, 0.4, 0.3, 0.6, 0.5], temperature: 1.3 },
    provenance: {
      dataset: { name: 'unit', sha256: 'b'.repeat(64), records: { train: 1, val: 1, test: 1 }, split: 'none' },
      epochs: { run: 1, best: 1, planned: 1 },
      seed: 1,
      backend: 'wasm',
      secondsPerEpoch: 0,
      selection: 'none',
      validation: { n: 0, metrics: {}, ci: {} },
      history: [],
    },
  };
}

/**
 * `count` uniform figures in [low, high) from mulberry32 seeded with `seed`: deterministic, and a
 * few milliseconds for VGG11-bn's 35 million weights, where tf.randomUniform with a seed draws
 * them one by one through seedrandom's alea in JavaScript (about 5 s of this file's CPU). The round
 * trip holds for any weights; what it needs is that they are not all equal and take both signs.
 */
function seededUniform(count: number, low: number, high: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0;
  for (let k = 0; k < count; k++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[k] = low + ((t ^ (t >>> 14)) >>> 0) * ((high - low) / 4294967296);
  }
  return out;
}

/**
 * A model whose every weight, BN running statistics included, differs from its initial value:
 * scales (gamma, running variance) drawn in [0.8, 1.2), the rest moved by up to ±0.05 from the
 * paper's random initial values, so their scale is what training starts from.
 */
function perturbed(arch: string, buildOptions: BuildOptions): tf.LayersModel {
  const model = buildModel(arch, buildOptions);
  model.weights.forEach((w, i) => {
    const v = w.read();
    const isScale = /gamma|moving_variance/.test(w.originalName);
    const draws = tf.tensor(seededUniform(v.size, isScale ? 0.8 : -0.05, isScale ? 1.2 : 0.05, i + 1), v.shape, 'float32');
    const next = isScale ? draws : tf.add(v, draws);
    w.write(next); // the variable takes its own reference
    tf.dispose([draws, next]);
  });
  return model;
}

/**
 * Divides the final linear layer so that the largest logit on `inputs` is `target`. Perturbed BN
 * statistics no longer normalise anything, so a deep model's logits reach thousands: every
 * probability is then 0 or 1 (the comparison says nothing), and a float32 difference of a few
 * parts per million between the engines moves a logit that happens to sit near 0 by 1e-2 (one
 * fresh-clone run failed so). Scaled, probabilities span (0, 1) and a structural mismatch still
 * moves them by far more than the tolerance.
 */
function scaleLogitsTo(model: tf.LayersModel, inputs: { data: Float32Array; shape: number[] }, target: number): void {
  const largest = logitsOfModel(model, inputs).reduce((m, z) => Math.max(m, Math.abs(z)), 0);
  const logits = model.getLayer('logits');
  if (largest <= target || logits.getConfig()['activation'] !== 'linear') return;
  const scaled = logits.getWeights().map((w) => tf.div(w, largest / target));
  logits.setWeights(scaled);
  tf.dispose(scaled);
}

async function inputsOf(pipeline: PipelineConfig): Promise<{ data: Float32Array; shape: number[] }> {
  const run = buildPipeline(pipeline);
  const rows = await Promise.all(records.map(async (file) => run.run(recordToLeadSignal(await decodeRecordFiles([file, file.replace('.hea', '.dat')]), pipeline.leads), { mode: 'eval' }).signal));
  const length = rows[0]![0]!.length;
  const data = new Float32Array(rows.length * length * 12);
  rows.forEach((leads, r) => leads.forEach((lead, l) => lead.forEach((v, t) => (data[(r * length + t) * 12 + l] = v))));
  return { data, shape: [rows.length, length, 12] };
}

function probabilities(logits: ArrayLike<number>, temperature: number): number[] {
  return Array.from(logits, (z) => 1 / (1 + Math.exp(-z / temperature)));
}

function logitsOfModel(model: tf.LayersModel, inputs: { data: Float32Array; shape: number[] }): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor3d(inputs.data, inputs.shape as [number, number, number])) as tf.Tensor).dataSync() as Float32Array);
}

describe.runIf(torchAvailable)('PyTorch round trip: export → twin → import predicts the same (every architecture, real records)', () => {
  let work: string;
  beforeAll(async () => {
    await initBackend({ force: 'wasm' });
    work = await mkdtemp(path.join(tmpdir(), 'einthoven-pytorch-'));
  });

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  /** Per variant: the original package's probabilities on the real records' model inputs. */
  const expected: number[][] = [];
  const dirOf = (i: number) => path.join(work, `v${i}`);

  beforeAll(async () => {
    for (const [i, { arch, options }] of variants.entries()) {
      const buildOptions: BuildOptions = { numClasses: classes.length, ...options };
      const model = perturbed(arch, buildOptions);
      const fields = fieldsFor(arch, buildOptions);
      const inputs = await inputsOf(pipelineFor(arch, buildOptions.inputLength as number));
      scaleLogitsTo(model, inputs, 4);
      await savePackage(path.join(dirOf(i), 'package'), model, fields, 'test');
      // The model as it was saved is the reference (no reload: loading is what the imported package checks below).
      const logits = logitsOfModel(model, inputs);
      model.dispose();
      expected[i] = probabilities(logits, 1.3);
      await writeFile(path.join(dirOf(i), 'inputs.npy'), encodeNpy(inputs.data, inputs.shape));
      await writeFile(path.join(dirOf(i), 'logits.npy'), encodeNpy(logits, [inputs.shape[0] as number, classes.length]));
      await exportPytorch(path.join(dirOf(i), 'package'), path.join(dirOf(i), 'export'));
    }
    // One Python process for every variant: the twin predicts and writes its weights back.
    const perVariant = variants.flatMap((_, i) => ['--dir', path.join(dirOf(i), 'export'), '--inputs', path.join(dirOf(i), 'inputs.npy'), '--out', path.join(dirOf(i), 'torch.npy'), '--write-weights', path.join(dirOf(i), 'back.safetensors')]);
    runEinthovenDdp(repoRoot, ['predict', ...perVariant], 600_000);
  }, 900_000);

  for (const [i, { arch, options }] of variants.entries()) {
    it(`${arch} ${JSON.stringify(options)}: the PyTorch twin, then the package imported back, predict within 1e-4`, async () => {
      const want = expected[i] as number[];
      expect(want.every((p) => p > 0.01 && p < 0.99)).toBe(true); // scaled logits: no saturated probability hides a difference
      const torchLogits = decodeNpy(new Uint8Array(readFileSync(path.join(dirOf(i), 'torch.npy'))), 'torch.npy');
      probabilities(torchLogits.data, 1.3).forEach((p, k) => expect(Math.abs(p - (want[k] as number))).toBeLessThan(1e-4));

      // Home again: the twin's weights, converted back by the Python side, as a training result.
      const result = path.join(dirOf(i), 'result');
      await mkdir(result);
      await copyFile(path.join(dirOf(i), 'back.safetensors'), path.join(result, pytorchFiles.weights));
      await copyFile(path.join(dirOf(i), 'logits.npy'), path.join(result, pytorchFiles.valLogits));
      const rows = want.length / classes.length;
      await writeFile(path.join(result, pytorchFiles.valLabels), encodeNpy(Float32Array.from({ length: rows * classes.length }, (_, k) => (k % 3 === 0 ? 1 : 0)), [rows, classes.length]));
      const exported = JSON.parse(readFileSync(path.join(dirOf(i), 'export', pytorchFiles.config), 'utf8')) as Record<string, unknown>;
      const training = handMadePytorchTraining(rows);
      await writeFile(path.join(result, pytorchFiles.config), JSON.stringify({ ...exported, operatingPoint: undefined, training }));
      await importPytorch(result, path.join(dirOf(i), 'imported'));
      const imported = await loadPackage(path.join(dirOf(i), 'imported'));
      const inputs = decodeNpy(new Uint8Array(readFileSync(path.join(dirOf(i), 'inputs.npy'))), 'inputs.npy');
      const back = probabilities(logitsOfModel(imported.model, inputs), 1.3);
      imported.model.dispose();
      back.forEach((p, k) => expect(Math.abs(p - (want[k] as number))).toBeLessThan(1e-4));
    }, 120_000);
  }
});
