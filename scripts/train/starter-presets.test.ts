import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainCommand } from '../../core/cli/commands/train';
import { decodeRecordFiles } from '../../core/data/records';
import { trainJob } from '../../core/train/jobs/train-job';
import { loadPackage } from '../../core/train/package/archive';
import { reproducibleView, type ModelManifest } from '../../core/train/package/manifest';
import { predictRecord } from '../../core/train/predictor';
import { fixturePath } from '../../core/test/shared-data';
import { starterJobOptions } from './starter-presets';

/** The README's starter command, as argv after `ecg train` (a shell line with \-continuations and "…" quoting). */
function readmeStarterArgs(): string[] {
  const readme = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
  const block = /<!-- starter-command[^>]*-->\s*```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no starter-command block');
  const line = (block.split(/\n(?=npm )/)[0] as string).replace(/\\\n\s*/g, ' ');
  const tokens = [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? (m[2] as string));
  const at = tokens.indexOf('train');
  expect(tokens.slice(0, at)).toEqual(['npm', 'run', '-s', 'ecg', '--']);
  return tokens.slice(at + 1);
}

/** The same command with the short budget of this test: fixture data, a temporary folder, one epoch. */
function withBudget(args: readonly string[], replace: Record<string, string>): string[] {
  const out = [...args];
  for (const [flag, value] of Object.entries(replace)) {
    const i = out.indexOf(flag);
    if (i >= 0) out[i + 1] = value;
    else out.push(flag, value);
  }
  return out;
}

const data = fixturePath('train', 'ptbxl');
const budget = { '--data': data, '--epochs': '1', '--batch': '6', '--min-examples': '1,1' };
let dir: string;

async function viaCli(args: string[]): Promise<ModelManifest> {
  const stdout: string[] = [];
  const code = await trainCommand.run([...args, '--json', '--quiet'], { stdout: (t) => stdout.push(t), stderr: () => undefined });
  expect(code).toBe(0);
  return (JSON.parse(stdout[0] as string) as { manifest: ModelManifest }).manifest;
}

async function probabilities(out: string): Promise<Record<string, number> | null> {
  const loaded = await loadPackage(out);
  try {
    const base = path.join(data, 'records100', '00000', '00001_lr');
    return (await predictRecord(loaded, await decodeRecordFiles([`${base}.hea`, `${base}.dat`]))).probabilities;
  } finally {
    loaded.model.dispose();
  }
}

describe('the starter is reproducible from the README command (short budget)', () => {
  const readme = () => readmeStarterArgs();
  const runs: Record<string, ModelManifest> = {};
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'einthoven-starter-'));
    runs.first = await viaCli(withBudget(readme(), { ...budget, '--out': path.join(dir, 'first') }));
    runs.second = await viaCli(withBudget(readme(), { ...budget, '--out': path.join(dir, 'second') }));
  });

  it("names the preset's settings, augmentation included", () => {
    expect(readme()).toEqual(expect.arrayContaining(['--augment', 'none', '--arch', 'xresnet1d50', '--demonstration']));
    expect(runs.first?.augmentation).toEqual({ scheme: 'none' });
    expect(runs.first?.hyperParameters).toMatchObject({ augment: 'none', minExamples: { train: 1, val: 1 } });
  });

  it('run twice, gives the same manifest, weights and predictions', async () => {
    expect(reproducibleView(runs.second as ModelManifest)).toEqual(reproducibleView(runs.first as ModelManifest));
    expect(await probabilities(path.join(dir, 'second'))).toEqual(await probabilities(path.join(dir, 'first')));
  });

  it("gives what scripts/train/starter.ts's xresnet1d50 preset gives", async () => {
    const out = path.join(dir, 'preset');
    const preset = await trainJob(starterJobOptions('xresnet1d50', { root: data, out, backend: 'wasm' }, { epochs: 1, batchSize: 6, minExamples: { train: 1, val: 1 } }));
    const cli = runs.first as ModelManifest;
    expect(reproducibleView({ ...preset.manifest, name: cli.name, id: cli.id })).toEqual(reproducibleView(cli));
    expect(preset.manifest.name).toBe('xresnet1d50-ptbxl-pool-demo');
  });

  it('with the paper augmentation instead, gives a different manifest and different weights', async () => {
    const paper = await viaCli(withBudget(readme(), { ...budget, '--out': path.join(dir, 'paper'), '--augment': 'paper' }));
    expect(paper.augmentation).toMatchObject({ scheme: 'paper', timeDropProbability: 0.1, leadDropProbability: 0.2 });
    expect(paper.weightsSha256).not.toBe(runs.first?.weightsSha256);
    expect(reproducibleView(paper)).not.toEqual(reproducibleView(runs.first as ModelManifest));
  });
});
