import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainJob } from '../../train/jobs/train-job';
import type { ModelManifest } from '../../train/package/manifest';
import { runCli } from '../../test/cli-io';
import { fixturePath } from '../../test/shared-data';
import { evaluateCommand } from './evaluate';
import { modelCommand } from './model';

const fixture = fixturePath('train', 'ptbxl');
let dir: string;
let model: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-evaluate-attach-'));
  model = path.join(dir, 'tiny');
  // A real tiny model on the 24 PTB-XL fixture records (its locked test: strat_fold 10, 6 records), never evaluated on them.
  await trainJob({ dataset: { kind: 'ptbxl', root: fixture }, architecture: 'xresnet1d50', out: model, name: 'tiny', backend: 'wasm', workers: 1, train: { epochs: 1, batchSize: 6, minExamples: { train: 1, val: 1 } } });
}, 600_000);

describe('ecg evaluate --split test --attach', () => {
  it('keeps with the attached locked test the count of test records that could not be read, and the card says it', async () => {
    // A copy of the fixture whose locked test record 00065 is cut short: it cannot be read.
    const root = path.join(dir, 'ptbxl');
    cpSync(fixture, root, { recursive: true });
    writeFileSync(path.join(root, 'records100', '00000', '00065_lr.dat'), Buffer.alloc(10));
    const r = await runCli(evaluateCommand, ['--model', model, '--data', root, '--split', 'test', '--attach', '--backend', 'wasm', '--workers', '1', '--json', '--quiet']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout[0] as string) as { n: number; failed: { id: string }[]; outOfScope: { count: number } };
    expect(report.failed.map((f) => f.id)).toEqual(['65']);

    const manifest = JSON.parse(await readFile(path.join(model, 'manifest.json'), 'utf8')) as ModelManifest;
    const test = manifest.provenance.test;
    expect(test).toMatchObject({ n: report.n, unreadable: 1 });
    // Every locked test record is accounted for: scored, outside the intended input, or unreadable.
    expect((test?.n ?? 0) + (test?.outOfScope?.count ?? 0) + (test?.unreadable ?? 0)).toBe(manifest.provenance.dataset.records.test);

    const card = (await runCli(modelCommand, ['inspect', model])).stdout;
    const at = card.findIndex((l) => l.startsWith(`  locked test (${report.n} records)`));
    expect(at).toBeGreaterThan(-1);
    expect(card.slice(at + 1)).toContain('  note: 1 more test record could not be read and is in no figure');
  }, 300_000);
});
