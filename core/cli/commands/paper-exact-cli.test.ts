import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPtbxl } from '../../data/ptbxl';
import { lockedTestOf, type ModelManifest } from '../../train/package/manifest';
import { fixturePath } from '../../test/shared-data';
import { evaluateCommand } from './evaluate';
import { finetuneCommand } from './finetune';
import { modelCommand } from './model';
import { trainCommand } from './train';
import { runCli } from '../../test/cli-io';

const cli = runCli;

const data = fixturePath('train', 'ptbxl');
const manifestOf = async (folder: string) => JSON.parse(await readFile(path.join(folder, 'manifest.json'), 'utf8')) as ModelManifest;
let dir: string;
let base: string;
let trained: string[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'einthoven-paper-exact-'));
  base = path.join(dir, 'base');
  // 12 real PTB-XL records, one epoch, selected on strat_fold 10 as the paper's code does.
  const r = await cli(trainCommand, ['--data', data, '--arch', 'xresnet1d50', '--out', base, '--epochs', '1', '--batch', '6', '--backend', 'wasm', '--min-examples', '1,1', '--paper-exact', '--quiet']);
  expect(r.code).toBe(0);
  trained = r.stdout;
}, 300_000);

describe('--paper-exact (selection on the test split) never calls those rows a locked test', () => {
  it('train: its figures are named the test split, its split policy claims no locked test', async () => {
    expect(trained[0]).toMatch(/, test split as validation \(--paper-exact; not a locked test\) F1 /);
    const { provenance } = await manifestOf(base);
    expect(provenance.dataset.split).toBe('PTB-XL strat_fold 1–8 train / 10 test; paperExact: selection on the test split, so no locked test (reproduction only)');
    const card = (await cli(modelCommand, ['inspect', base])).stdout;
    expect(card).toContain('  dataset ptbxl-superclass-100hz: 12 train · 7 validation (unused) · 6 test (chose the epoch: --paper-exact; not a locked test)');
    expect(card.some((l) => /^ {2}test split as validation \(--paper-exact: chose the epoch; optimistic, not a locked test; \d+ records\): macro AUC/.test(l))).toBe(true);
  });

  it('finetune: no "locked test" evaluation of the rows it selected on, in its output, manifest, card; evaluate will not keep one', async () => {
    const ds = await loadPtbxl(data, { fs: 100 });
    const mi = ds.classes.indexOf('MI');
    const rows = ds.items.map((i) => `${path.relative(data, i.files[0] as string)},${i.labels[mi]},${i.patientId ?? ''},${i.split}`);
    const labels = path.join(dir, 'mi.csv');
    await writeFile(labels, `file,label,patient_id,split\n${rows.join('\n')}\n`);
    const out = path.join(dir, 'mi-paper');
    const r = await cli(finetuneCommand, ['--base', base, '--data', data, '--labels', labels, '--class', 'MI', '--mode', 'head', '--out', out, '--epochs', '1', '--batch', '4', '--feature-crops', '1', '--min-examples', '1,1', '--paper-exact', '--backend', 'wasm']);
    expect(r.code).toBe(0);
    // It printed the test rows' figures twice, once as "validation" and once as a "locked test".
    expect(r.stdout.join('\n')).not.toMatch(/locked test \(/);
    expect(r.stderr.join('\n')).not.toMatch(/\[evaluating\] locked test/);
    expect(r.stdout[1]).toMatch(/^ {2}test split as validation \(--paper-exact: chose the epoch; optimistic, not a locked test\): macro AUC /);
    expect(r.stdout[2]).toMatch(/^ {2}no locked-test evaluation: --paper-exact chose the epoch on the test rows/);
    const manifest = await manifestOf(out);
    expect(manifest.provenance.test).toBeUndefined();
    expect(manifest.provenance.comparison).toBeUndefined();
    expect(manifest.provenance.dataset.split).toMatch(/: train \/ test; paperExact: selection on the test split, so no locked test/);
    const card = (await cli(modelCommand, ['inspect', out])).stdout;
    expect(card).toContain('  no locked-test evaluation of its own');
    expect(card.filter((l) => /^ {2}locked test/.test(l))).toEqual([]);
    // Evaluated on the test split afterwards, the figures say why they are not a locked test, and are not kept as one.
    const report = JSON.parse((await cli(evaluateCommand, ['--model', out, '--data', data, '--labels', labels, '--class', 'MI', '--json', '--quiet'])).stdout[0] as string) as { notLockedTest: string | null };
    expect(report.notLockedTest).toMatch(/^not locked-test figures: the model chose its epoch on the test split \(--paper-exact/);
    await expect(cli(evaluateCommand, ['--model', out, '--data', data, '--labels', labels, '--class', 'MI', '--attach', '--quiet'])).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(/--attach and --record keep a locked-test evaluation; this is none/) });
    expect((await manifestOf(out)).provenance.test).toBeUndefined();
    // A package written before, which kept its closing figures on those rows as `test`, is not shown as having a locked test.
    const older = { ...manifest.provenance, test: { n: 6, metrics: {}, ci: {} } };
    expect(lockedTestOf(older)).toBeUndefined();
    expect(lockedTestOf({ ...older, selection: 'aucMacro on validation' })).toBe(older.test);
  }, 300_000);
});
