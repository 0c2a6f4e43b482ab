import * as tf from '@tensorflow/tfjs';
import { zipSync } from 'fflate';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../ml/backend/init';
import { buildModel } from '../../ml/models/registry';
import { pipelineConfigSchema } from '../../signal/pipeline-config';
import { exportPackage, loadPackage, packageExtension } from './archive';
import { savePackage, type ManifestFields } from './io';
import { sealManifest } from './seal';

const classes = ['NORM', 'MI'];
const sha = 'a'.repeat(64);
const fields: ManifestFields = {
  name: 'unit-test-model',
  description: 'built by package.test.ts',
  demonstration: true,
  architecture: { name: 'xresnet1d50', buildOptions: { numClasses: 2, inputLength: 64 } },
  hyperParameters: { learningRate: 1e-3 },
  classes,
  preprocessing: pipelineConfigSchema.parse({ version: 1, stages: [{ kind: 'resample', targetHz: 100 }, { kind: 'crop', length: 64 }, { kind: 'normalise', method: 'zscore' }] }),
  inference: { mode: 'centre', aggregate: 'mean' },
  operatingPoint: { method: 'f1', thresholds: [0.4, 0.6], temperature: 1.5 },
  provenance: {
    dataset: { name: 'unit', sha256: sha, records: { train: 10, val: 3, test: 2 }, split: 'test split' },
    epochs: { run: 1, best: 1, planned: 1 },
    seed: 1,
    backend: 'cpu',
    secondsPerEpoch: 1,
    selection: 'f1Macro on validation',
    validation: { n: 3, metrics: { f1Macro: 0.5 }, ci: { f1Macro: { low: 0.1, high: 0.9 } } },
    history: [],
  },
};

const input = tf.tidy(() => tf.randomNormal([3, 64, 12], 0, 1, 'float32', 7).arraySync() as number[][][]);

async function predictOn(model: tf.LayersModel): Promise<number[][]> {
  const y = model.predict(tf.tensor3d(input)) as tf.Tensor;
  const out = (await y.array()) as number[][];
  y.dispose();
  return out;
}

let dir: string;
let expected: number[][];

beforeAll(async () => {
  await initBackend({ force: 'cpu' });
  dir = await mkdtemp(path.join(tmpdir(), 'einthoven-package-'));
  const model = buildModel('xresnet1d50', { numClasses: 2, inputLength: 64 });
  // Non-trivial BN running statistics, so a package that dropped or reordered them would predict differently.
  for (const layer of model.layers.filter((l) => l.getClassName().includes('BatchNorm'))) {
    const [gamma, beta, mean, variance] = layer.getWeights() as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    layer.setWeights([tf.add(gamma, 0.5), beta, tf.randomUniform(mean.shape, -0.2, 0.2, 'float32', 3), tf.randomUniform(variance.shape, 0.5, 2, 'float32', 4)]);
  }
  expected = await predictOn(model);
  expect(expected.flat().every(Number.isFinite)).toBe(true);
  const fresh = buildModel('xresnet1d50', { numClasses: 2, inputLength: 64 });
  expect(await predictOn(fresh)).not.toEqual(expected);
  fresh.dispose();
  await savePackage(path.join(dir, 'pkg'), model, fields, '0.1.0');
  model.dispose();
});

async function copyPackage(name: string): Promise<string> {
  const target = path.join(dir, name);
  await exportPackage(path.join(dir, 'pkg'), `${target}${packageExtension}`);
  return target;
}

async function tamperedCopy(name: string, edit: (files: Record<string, Uint8Array>) => void): Promise<string> {
  const files: Record<string, Uint8Array> = {};
  for (const f of ['manifest.json', 'model.json', 'weights.bin']) files[f] = new Uint8Array(await readFile(path.join(dir, 'pkg', f)));
  edit(files);
  const file = path.join(dir, `${name}${packageExtension}`);
  await writeFile(file, zipSync(files));
  return file;
}

describe('model package', () => {
  it('round-trips as a folder with the versioned manifest, identical predictions and all weights', async () => {
    const loaded = await loadPackage(path.join(dir, 'pkg'));
    expect(loaded.manifest).toMatchObject({ format: 'einthoven-model', formatVersion: 1, researchUseOnly: true, classes, engineVersion: '0.1.0' });
    expect(loaded.manifest.id).toBe(`unit-test-model@${loaded.manifest.integrity?.sha256.slice(0, 12)}`);
    expect(loaded.manifest.architecture.params).toBeGreaterThan(900_000);
    expect(await predictOn(loaded.model)).toEqual(expected);
    const modelJson = JSON.parse(await readFile(path.join(dir, 'pkg', 'model.json'), 'utf8')) as { format: string; weightsManifest: { paths: string[] }[] };
    expect(modelJson.format).toBe('layers-model'); // tfjs's own format: tf.loadLayersModel can open it
    expect(modelJson.weightsManifest[0]?.paths).toEqual(['weights.bin']);
    loaded.model.dispose();
  });

  it('round-trips as a single file and loads on the wasm backend with the same outputs', async () => {
    const file = `${await copyPackage('single')}${packageExtension}`;
    await initBackend({ force: 'wasm' });
    try {
      const loaded = await loadPackage(file);
      const got = await predictOn(loaded.model);
      // Different kernels sum in a different order: float32 agreement, relative to the logit scale.
      const scale = Math.max(...expected.flat().map(Math.abs));
      got.flat().forEach((v, i) => expect(Math.abs(v - (expected.flat()[i] as number)) / scale).toBeLessThan(1e-4));
      loaded.model.dispose();
    } finally {
      await initBackend({ force: 'cpu' });
    }
  });

  it('refuses altered weights, an altered topology and a mismatched or malformed manifest', async () => {
    const flipped = await tamperedCopy('flip', (f) => {
      (f['weights.bin'] as Uint8Array)[100] ^= 1;
    });
    await expect(loadPackage(flipped)).rejects.toThrow(/weights\.bin does not match the manifest's SHA-256/);
    const topology = await tamperedCopy('topology', (f) => {
      f['model.json'] = new TextEncoder().encode(new TextDecoder().decode(f['model.json']).replace('"relu"', '"tanh"'));
    });
    await expect(loadPackage(topology)).rejects.toThrow(/model\.json does not match/);
    const edit = (change: (m: Record<string, unknown>) => void) => (f: Record<string, Uint8Array>) => {
      const m = JSON.parse(new TextDecoder().decode(f['manifest.json'])) as Record<string, unknown>;
      change(m);
      // Resealed, so that the checks behind the seal are exercised (seal.test.ts tests the seal itself).
      f['manifest.json'] = new TextEncoder().encode(JSON.stringify(sealManifest(m)));
    };
    const thresholds = await tamperedCopy('thresholds', edit((m) => ((m.operatingPoint as { thresholds: number[] }).thresholds = [0.5])));
    await expect(loadPackage(thresholds)).rejects.toThrow(/mismatched package: 1 thresholds for 2 classes/);
    const arch = await tamperedCopy('arch', edit((m) => ((m.architecture as { name: string }).name = 'xresnet1d101')));
    await expect(loadPackage(arch)).rejects.toThrow(/E_MODEL|weights stored|expects/);
    const version = await tamperedCopy('version', edit((m) => (m.formatVersion = 2)));
    await expect(loadPackage(version)).rejects.toThrow(/format version 2 is not supported/);
    const research = await tamperedCopy('research', edit((m) => (m.researchUseOnly = false)));
    await expect(loadPackage(research)).rejects.toMatchObject({ code: 'E_MODEL' });
  });

  it('refuses archives that are not packages or declare oversized entries, before inflating', async () => {
    const notZip = path.join(dir, `junk${packageExtension}`);
    await writeFile(notZip, 'not a zip');
    await expect(loadPackage(notZip)).rejects.toMatchObject({ code: 'E_MODEL' });
    const missing = path.join(dir, `missing${packageExtension}`);
    await writeFile(missing, zipSync({ 'manifest.json': new Uint8Array([123, 125]) }));
    await expect(loadPackage(missing)).rejects.toThrow(/no model\.json/);
    // A zip whose central directory claims a 4 GiB weights.bin.
    const zip = zipSync({ 'weights.bin': new Uint8Array(8), 'manifest.json': new Uint8Array(2), 'model.json': new Uint8Array(2) }, { level: 0 });
    const view = new DataView(zip.buffer);
    for (let i = zip.length - 22; i >= 0; i--) {
      if (view.getUint32(i, true) === 0x02014b50 && new TextDecoder().decode(zip.subarray(i + 46, i + 46 + 11)) === 'weights.bin') view.setUint32(i + 24, 0xfffffff0, true);
    }
    const huge = path.join(dir, `huge${packageExtension}`);
    await writeFile(huge, zip);
    await expect(loadPackage(huge)).rejects.toMatchObject({ code: 'E_TOO_LARGE' });
    await expect(loadPackage(path.join(dir, 'nope'))).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
  });
});
