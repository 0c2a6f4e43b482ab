import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetSpec } from '../data/load';
import { SignalStore } from '../data/store';
import { itemsOf } from '../data/types';
import { decodeFiles } from '../formats/index';
import { loadFilesForDecoding } from '../formats/load';
import { initBackend } from '../ml/backend/init';
import { ModelDirectory } from '../train/service/models';
import { indexDataset } from '../train/jobs/prepare';
import { normalisations } from '../signal/normalise';
import { defaultPipeline } from '../train/pipelines';
import { predictRecord } from '../train/predictor';
import { pythonExecutable, runEinthovenDdp, torchAvailable } from '../test/python';
import { fixturePath, sharedData, sharedDataPath } from '../test/shared-data';
import { importPytorch } from './import-pytorch';
import { decodeNpy } from './npy';
import { exportShards, readShardIndex } from './shards';

const repoRoot = path.resolve(import.meta.dirname, '../..');
// The shared pool (456 PTB-XL records) where it exists, as in CI; the committed fixture otherwise.
const data = sharedData ? sharedDataPath('ptbxl-pool') : fixturePath('train', 'ptbxl');
const arch = 'xresnet1d50';

describe.runIf(torchAvailable)('distributed training: shards → 2-process DDP (gloo) → import → the engine predicts', () => {
  let work: string;
  const spec: DatasetSpec = { kind: 'ptbxl', root: data, fs: 100 };
  const fixture: DatasetSpec = { kind: 'ptbxl', root: fixturePath('train', 'ptbxl'), fs: 100 };
  const shardsOf = (normalisation: string) => path.join(work, `shards-${normalisation}`);
  const inputsFile = (shards: string) => path.join(shards, 'inputs.npy');

  beforeAll(async () => {
    await initBackend({ force: 'wasm' });
    work = await mkdtemp(path.join(tmpdir(), 'einthoven-ddp-'));
    await exportShards({ spec, pipeline: defaultPipeline(arch), architecture: arch, out: path.join(work, 'shards'), shardSize: 64 });
    for (const normalisation of normalisations) {
      await exportShards({ spec: fixture, pipeline: defaultPipeline('resnet18', { normalisation }), architecture: 'resnet18', out: shardsOf(normalisation) });
    }
    // One Python process makes the trainer's inputs of every export: each start imports torch (2 s of CPU).
    const exports = [path.join(work, 'shards'), ...normalisations.map(shardsOf)];
    runEinthovenDdp(repoRoot, ['inputs', '--split', 'val', ...exports.flatMap((shards) => ['--shards', shards, '--out', inputsFile(shards)])]);
  }, 300_000);
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  /** The trainer's centre-crop inputs of the validation split against the engine's, for one shard export. */
  async function worstInputDifference(shards: string, datasetSpec: DatasetSpec): Promise<number> {
    const file = inputsFile(shards);
    const fromTrainer = decodeNpy(new Uint8Array(readFileSync(file)), 'inputs.npy');
    const index = readShardIndex(shards);
    const val = itemsOf(await indexDataset(datasetSpec, index.pipeline, false), 'val');
    const store = await SignalStore.build(val, { pipeline: index.pipeline });
    const ids = index.splits.val.ids;
    expect(ids).toEqual(val.map((v) => v.id).filter((id) => store.has(id)));
    const [n, length, leads] = fromTrainer.shape as [number, number, number];
    expect(n).toBe(ids.length);
    let worst = 0;
    ids.forEach((id, r) => {
      store.sample(id, 'eval').forEach((lead, l) => lead.forEach((v, t) => (worst = Math.max(worst, Math.abs(v - (fromTrainer.data[(r * length + t) * leads + l] as number))))));
    });
    return worst;
  }

  it('the trainer makes exactly the model inputs the engine makes: xresnet1d50 (100 Hz, standardised)', async () => {
    expect(await worstInputDifference(path.join(work, 'shards'), spec)).toBeLessThan(1e-5);
  });

  it.each(normalisations)('… and a paper pipeline (500 Hz, band-pass, %s per lead)', async (normalisation) => {
    expect(await worstInputDifference(shardsOf(normalisation), fixture)).toBeLessThan(1e-5);
  });

  it('trains in two gloo processes, resumes from its checkpoint, imports the result, and the app lists and runs it', async () => {
    const out = path.join(work, 'run');
    // Batches of 8 (4 per process): the committed fixture, used without ../shared, has 12 training records, no full batch of 16.
    const torchrun = (epochs: number, extra: string[] = []) =>
      execFileSync(
        pythonExecutable,
        // --redirects/--tee 1: Debian's torch 1.13 on Python 3.11 needs them set (its Std flag parsing returns None for the default 0).
        ['-m', 'torch.distributed.run', '--redirects', '1', '--tee', '1', '--nproc_per_node', '2', '-m', 'einthoven_ddp', 'train',
          '--shards', path.join(work, 'shards'), '--arch', arch, '--out', out, '--epochs', String(epochs), '--batch-size', '8', '--max-steps', '2', '--loader-workers', '0', ...extra],
        { cwd: path.join(repoRoot, 'distributed'), encoding: 'utf8', timeout: 300_000, stdio: ['ignore', 'pipe', 'pipe'] },
      );
    torchrun(1);
    // An interrupted or extended run resumes from its checkpoint instead of starting again.
    expect(torchrun(2, ['--resume'])).toMatch(/"event": "resumed", "epoch": 1/);
    const userDir = path.join(work, 'models');
    const { manifest, maxLogitDifference } = await importPytorch(out, path.join(userDir, 'ddp-trained'), { shardsDir: path.join(work, 'shards') });
    expect(maxLogitDifference).toBeLessThan(1e-4);
    expect(manifest.provenance.backend).toMatch(/DDP, gloo, 2 process/);
    expect(manifest.provenance.epochs.run).toBe(2);
    expect(manifest.provenance.epochs.planned).toBe(2);
    // The augmentation the trainer ran with is recorded, as in every package trained here (it was missing: null).
    // These xresnet1d50 shards carry none (random crops only), as the engine's own xresnet training.
    expect(manifest.augmentation).toEqual({ scheme: 'none' });

    const models = new ModelDirectory(undefined, userDir);
    const listed = (await models.list()).entries.map((e) => e.manifest.id);
    expect(listed).toEqual([manifest.id]);
    const loaded = await models.load(manifest.id);
    const record = fixturePath('train', 'ptbxl', 'records100', '00000', '00001_lr.hea');
    const [decoded] = decodeFiles(loadFilesForDecoding([record]), {});
    if (!decoded?.ok) throw new Error('fixture record did not decode');
    const prediction = await predictRecord(loaded, decoded.record);
    expect(prediction.abstained).toBe(false);
    expect(Object.keys(prediction.probabilities ?? {})).toEqual(manifest.classes);
    models.dispose();
  }, 300_000);
});
