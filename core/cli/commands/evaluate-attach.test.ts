import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/database';
import { ModelEvaluations } from '../../db/model-evaluations';
import { trainJob } from '../../train/jobs/train-job';
import { resealPackageFolder } from '../../train/package/io';
import type { ModelManifest } from '../../train/package/manifest';
import { runCli } from '../../test/cli-io';
import { fixturePath } from '../../test/shared-data';
import { ptbxlFixtureWithFoldsSwapped } from '../../test/swapped-folds';
import { evaluateCommand } from './evaluate';
import { modelCommand } from './model';
import { modelsCommand } from './models';
import { packageCommand } from './package';

const fixture = fixturePath('train', 'ptbxl');
let dir: string;
let trained: string;

/** A copy of the trained package at `to`: each test attaches to a package of its own. */
function copyOfModel(to: string): string {
  mkdirSync(path.dirname(to), { recursive: true });
  cpSync(trained, to, { recursive: true });
  return to;
}

const manifestFile = (model: string) => path.join(model, 'manifest.json');
const manifestOf = async (model: string) => JSON.parse(await readFile(manifestFile(model), 'utf8')) as ModelManifest;
const evaluate = (args: string[]) => runCli(evaluateCommand, ['--data', fixture, '--split', 'test', '--backend', 'wasm', '--workers', '1', '--quiet', ...args]);

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-evaluate-attach-'));
  trained = path.join(dir, 'tiny');
  // A real tiny model on the 24 PTB-XL fixture records (its locked test: strat_fold 10, 6 records), never evaluated on them.
  await trainJob({ dataset: { kind: 'ptbxl', root: fixture }, architecture: 'xresnet1d50', out: trained, name: 'tiny', backend: 'wasm', workers: 1, train: { epochs: 1, batchSize: 6, minExamples: { train: 1, val: 1 } } });
}, 600_000);

describe('ecg evaluate --split test --attach', () => {
  it('keeps with the attached locked test the count of test records that could not be read, and the card says it', async () => {
    // A copy of the fixture whose locked test record 00065 is cut short: it cannot be read.
    const model = copyOfModel(path.join(dir, 'unreadable', 'tiny'));
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
    // Read once: no earlier reading is kept or said.
    expect(manifest.provenance.replacedTests).toBeUndefined();
    expect(card.filter((l) => /read \d+ times/.test(l))).toEqual([]);
  }, 300_000);

  it('with --record, on a model installed in a data folder, records the evaluation under the id the package has once attached', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-attach-record-'));
    const installed = copyOfModel(path.join(dataDir, 'models', 'tiny'));
    const before = (await manifestOf(installed)).id;
    const r = await evaluate(['--model', before, '--attach', '--record', '--data-dir', dataDir, '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout[0] as string) as { n: number; model: { id: string }; attached: { id: string; previousId: string; signedBy: unknown; previousSignedBy: unknown; replaced: unknown } };
    const after = (await manifestOf(installed)).id;
    expect(after).not.toBe(before);
    // The report is of the package as evaluated; "attached" names what it is now.
    expect(report.model.id).toBe(before);
    expect(report.attached).toEqual({ id: after, previousId: before, signedBy: null, previousSignedBy: null, replaced: null });
    const { db } = openDatabase(path.join(dataDir, 'einthoven.sqlite'));
    try {
      const evaluations = new ModelEvaluations(db);
      expect(evaluations.latest(after)).toMatchObject({ modelId: after, n: report.n });
      expect(evaluations.latest(before)).toBeNull();
    } finally {
      db.close();
    }
    // The site's evaluation is the installed model's: it can be promoted on it.
    expect((await runCli(modelsCommand, ['promote', after, '--by', 'Dr Waller', '--yes', '--data-dir', dataDir])).code).toBe(0);
  }, 300_000);

  it('refuses, before anything is written, to attach to an installed package whose id the site keeps an evaluation or the default under', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-attach-orphan-'));
    const installed = copyOfModel(path.join(dataDir, 'models', 'tiny'));
    const { id } = await manifestOf(installed);
    expect((await evaluate(['--model', id, '--record', '--data-dir', dataDir, '--json'])).code).toBe(0);
    const bytes = await readFile(manifestFile(installed));
    await expect(evaluate(['--model', id, '--attach', '--data-dir', dataDir])).rejects.toMatchObject({
      code: 'E_CONFLICT',
      message: expect.stringMatching(/is installed \(in .*\) as .*, and this site's database \(.*einthoven\.sqlite\) keeps under that id its locked-test evaluation on this site's data \(the latest: \d+ records of ptbxl-superclass-100hz, .*\)\. .*nothing was written\. To keep this locked test in a package, attach it to a copy outside/),
    });
    expect((await runCli(modelsCommand, ['promote', id, '--by', 'Dr Waller', '--yes', '--data-dir', dataDir])).code).toBe(0);
    await expect(evaluate(['--model', installed, '--attach', '--record', '--data-dir', dataDir])).rejects.toMatchObject({ code: 'E_CONFLICT', message: expect.stringMatching(/; its choice as the default model for predictions\. /) });
    expect(await readFile(manifestFile(installed))).toEqual(bytes);
    // Outside the data folder, a copy takes the attach.
    const copy = copyOfModel(path.join(dir, 'orphan-copy'));
    expect((await evaluate(['--model', copy, '--attach', '--data-dir', dataDir])).code).toBe(0);
  }, 300_000);

  it('under a site policy, attaches to an installed package only for a trainer, as --record records only for one; a copy elsewhere is anyone\'s', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-attach-policy-'));
    const installed = copyOfModel(path.join(dataDir, 'models', 'tiny'));
    const elsewhere = copyOfModel(path.join(dataDir, 'elsewhere', 'tiny'));
    const policy = path.join(dataDir, 'policy.json');
    writeFileSync(policy, JSON.stringify({ trainers: ['someone-else'] }));
    process.env.EINTHOVEN_POLICY_FILE = policy;
    try {
      const bytes = await readFile(manifestFile(installed));
      await expect(evaluate(['--model', installed, '--attach', '--data-dir', dataDir])).rejects.toMatchObject({ code: 'E_FORBIDDEN', message: expect.stringMatching(/^evaluating a model on a dataset needs the trainer role/) });
      expect(await readFile(manifestFile(installed))).toEqual(bytes);
      expect((await evaluate(['--model', elsewhere, '--attach', '--data-dir', dataDir])).code).toBe(0);
      writeFileSync(policy, JSON.stringify({ trainers: [os.userInfo().username] }));
      expect((await evaluate(['--model', installed, '--attach', '--data-dir', dataDir])).code).toBe(0);
    } finally {
      delete process.env.EINTHOVEN_POLICY_FILE;
    }
  }, 300_000);

  it('with --record, refuses a package that is not the installed one before anything is written', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-attach-elsewhere-'));
    copyOfModel(path.join(dataDir, 'models', 'tiny'));
    // The same package outside the data folder: attached, it would get a new id the site does not know.
    const elsewhere = copyOfModel(path.join(dir, 'elsewhere'));
    const bytes = await readFile(manifestFile(elsewhere));
    await expect(evaluate(['--model', elsewhere, '--attach', '--record', '--data-dir', dataDir])).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(/is neither bundled nor in .*models\. Give the installed model's id or name/) });
    expect(await readFile(manifestFile(elsewhere))).toEqual(bytes);
  }, 300_000);

  it("refuses to attach to a signed package without --sign, writing nothing; with --sign, signs it again with this installation's key", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-attach-signed-'));
    expect((await runCli(packageCommand, ['keygen', '--signer', 'Cardiology, St Elsewhere', '--data-dir', dataDir])).code).toBe(0);
    const signed = copyOfModel(path.join(dir, 'signed'));
    expect((await runCli(packageCommand, ['seal', signed, '--sign', '--data-dir', dataDir])).stdout[0]).toMatch(/signed by Cardiology, St Elsewhere$/);
    const bytes = await readFile(manifestFile(signed));
    await expect(evaluate(['--model', signed, '--attach', '--data-dir', dataDir])).rejects.toMatchObject({
      code: 'E_VALIDATION',
      message: expect.stringMatching(/is signed by Cardiology, St Elsewhere \(key [0-9a-f]{16}\); .*the package would be left unsigned: nothing was written\. Re-sign it .*--attach --sign/),
    });
    expect(await readFile(manifestFile(signed))).toEqual(bytes);

    const r = await evaluate(['--model', signed, '--attach', '--sign', '--data-dir', dataDir]);
    expect(r.code).toBe(0);
    const after = await manifestOf(signed);
    expect(after.provenance.test).toBeDefined();
    expect(r.stdout.at(-1)).toMatch(new RegExp(`^attached: .* resealed as ${after.id.replace(/[.@]/g, '\\$&')} \\(was .*\\), signed by Cardiology, St Elsewhere \\(key [0-9a-f]{16}\\)$`));
    // The signature is valid for the content with the test attached.
    expect((await runCli(packageCommand, ['verify', signed])).stdout[0]).toMatch(new RegExp(`: OK ${after.id.replace(/[.@]/g, '\\$&')}, signed by Cardiology, St Elsewhere \\(key [0-9a-f]{16}\\)$`));
  }, 300_000);

  it('attaches to an unsigned package as it is, saying so, or signs it with --sign; --sign without a key is refused before anything runs', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-attach-unsigned-'));
    const unsigned = copyOfModel(path.join(dir, 'unsigned'));
    const bytes = await readFile(manifestFile(unsigned));
    await expect(evaluate(['--model', unsigned, '--attach', '--sign', '--data-dir', dataDir])).rejects.toMatchObject({ code: 'E_NOT_FOUND', message: expect.stringMatching(/^no signing key at .*signing-key\.json \(create one with ecg package keygen --signer NAME\)$/) });
    expect(await readFile(manifestFile(unsigned))).toEqual(bytes);
    await expect(evaluate(['--model', unsigned, '--sign', '--data-dir', dataDir])).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(/use it with --attach/) });

    expect((await runCli(packageCommand, ['keygen', '--signer', 'Cardiology, St Elsewhere', '--data-dir', dataDir])).code).toBe(0);
    // A key in the data folder signs nothing unasked, as `ecg package seal` without --sign.
    const plain = await evaluate(['--model', unsigned, '--attach', '--data-dir', dataDir]);
    expect(plain.stdout.at(-1)).toMatch(/^attached: .* resealed as .* \(was .*\), not signed$/);
    expect((await manifestOf(unsigned)).signature).toBeUndefined();

    const toSign = copyOfModel(path.join(dir, 'to-sign'));
    const r = await evaluate(['--model', toSign, '--attach', '--sign', '--data-dir', dataDir, '--json']);
    const { attached } = JSON.parse(r.stdout[0] as string) as { attached: { signedBy: { signer: string } | null; previousSignedBy: unknown } };
    expect(attached).toMatchObject({ signedBy: { signer: 'Cardiology, St Elsewhere' }, previousSignedBy: null });
    expect((await manifestOf(toSign)).signature?.signer).toBe('Cardiology, St Elsewhere');
  }, 300_000);

  it('refuses a second attach, writing nothing, unless --replace-test, and then says what it replaced, which the package keeps and its card says', async () => {
    const model = copyOfModel(path.join(dir, 'twice'));
    expect((await evaluate(['--model', model, '--attach'])).code).toBe(0);
    const first = (await manifestOf(model)).provenance.test;
    const auc = (first?.metrics as { aucMacro: number }).aucMacro.toFixed(3);
    const bytes = await readFile(manifestFile(model));
    await expect(evaluate(['--model', model, '--attach'])).rejects.toMatchObject({
      code: 'E_CONFLICT',
      message: `${model} already has test figures in its manifest (provenance.test: n = ${first?.n}, macro AUC ${auc}), from an earlier attach or its fine-tuning's closing evaluation. A locked test is read once, and figures kept from a second reading are less to be trusted: nothing was written. To replace them all the same, add --replace-test; the command then says what it replaced, and the package keeps that earlier reading (provenance.replacedTests), shown as a warning on its card and by ecg model inspect`,
    });
    expect(await readFile(manifestFile(model))).toEqual(bytes);
    await expect(evaluate(['--model', model, '--replace-test'])).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(/use it with --attach/) });

    const firstId = (await manifestOf(model)).id;
    const replaced = await evaluate(['--model', model, '--attach', '--replace-test']);
    expect(replaced.code).toBe(0);
    expect(replaced.stdout.at(-1)).toBe(
      `  replaced (--replace-test) the test figures it had: n = ${first?.n}, macro AUC ${auc}; the package keeps them as an earlier reading (provenance.replacedTests), and its card and ecg model inspect say its locked test was read 2 times`,
    );
    // The package itself keeps the reading it replaced, under the seal: when, the id it had then, and the figures.
    const secondId = (await manifestOf(model)).id;
    const [kept] = (await manifestOf(model)).provenance.replacedTests ?? [];
    expect(kept).toEqual({ replacedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/), packageId: firstId, test: first });
    const json = await evaluate(['--model', model, '--attach', '--replace-test', '--json']);
    expect((JSON.parse(json.stdout[0] as string) as { attached: { replaced: unknown } }).attached.replaced).toEqual({ n: first?.n, aucMacro: (first?.metrics as { aucMacro: number }).aucMacro });
    // Each replacement adds one, oldest first; the card and ecg model inspect say how often the locked test was read, and what each earlier reading gave.
    const readings = (await manifestOf(model)).provenance.replacedTests ?? [];
    expect(readings.map((r) => r.packageId)).toEqual([firstId, secondId]);
    const when = (r: { replacedAt: string }) => `${r.replacedAt.slice(0, 10)} ${r.replacedAt.slice(11, 16)} UTC`;
    const said = readings.map((r) => `n = ${r.test.n}, macro AUC ${(r.test.metrics as { aucMacro: number }).aucMacro.toFixed(3)}, replaced on ${when(r)}`).join(' · ');
    const card = (await runCli(modelCommand, ['inspect', model])).stdout;
    expect(card).toContain(
      `  WARNING: Locked test read 3 times: its present figures replaced 2 earlier readings (${said}). A locked test is meant to be read once; figures kept after it was read again may be the more favourable reading, so take them as optimistic.`,
    );
    // Under the locked-test figures it qualifies.
    expect(card.findIndex((l) => l.startsWith('  WARNING: Locked test read'))).toBeGreaterThan(card.findIndex((l) => l.startsWith('  locked test (')));
  }, 300_000);

  it("counts a locked test attached in place of closing figures that were no locked test as its first reading, listing those figures as such", async () => {
    // As a fine-tuning whose base's overlap with its test records is unknown keeps its closing figures: scored whole, with why they are no locked test.
    const model = copyOfModel(path.join(dir, 'not-locked-first'));
    expect((await evaluate(['--model', model, '--attach'])).code).toBe(0);
    const why = 'not locked-test figures: whether the model trained or validated on these test records cannot be checked, as its base keeps no record of its training records';
    const raw = await manifestOf(model);
    writeFileSync(manifestFile(model), JSON.stringify({ ...raw, provenance: { ...raw.provenance, test: { ...raw.provenance.test, notLockedTest: why } } }));
    await resealPackageFolder(model);
    const first = (await manifestOf(model)).provenance.test;
    const auc = (first?.metrics as { aucMacro: number }).aucMacro.toFixed(3);
    await expect(evaluate(['--model', model, '--attach'])).rejects.toMatchObject({ code: 'E_CONFLICT', message: expect.stringContaining(`which are not a locked test (${why}): nothing was written. To attach this locked test in their place, add --replace-test`) });

    const replaced = await evaluate(['--model', model, '--attach', '--replace-test']);
    expect(replaced.code).toBe(0);
    expect(replaced.stdout.at(-1)).toBe(
      `  replaced (--replace-test) the test figures it had: n = ${first?.n}, macro AUC ${auc}; the package keeps them as earlier figures that were not a locked test (provenance.replacedTests), and its card and ecg model inspect say its locked test was read once, these figures being its first reading`,
    );
    const [kept] = (await manifestOf(model)).provenance.replacedTests ?? [];
    expect(kept?.test.notLockedTest).toBe(why);
    const when = (r: { replacedAt: string }) => `${r.replacedAt.slice(0, 10)} ${r.replacedAt.slice(11, 16)} UTC`;
    const card = (await runCli(modelCommand, ['inspect', model])).stdout;
    expect(card).toContain(`  note: Locked test read once: its present figures replaced earlier figures that were not a locked test (n = ${first?.n}, macro AUC ${auc}, replaced on ${when(kept as { replacedAt: string })}; not a locked test).`);
    expect(card.some((l) => l.includes('WARNING: Locked test read'))).toBe(false);

    // A second locked reading is one, and only one, more.
    const again = await evaluate(['--model', model, '--attach', '--replace-test']);
    expect(again.stdout.at(-1)).toMatch(/; the package keeps them as an earlier reading \(provenance\.replacedTests\), and its card and ecg model inspect say its locked test was read 2 times$/);
    expect((await runCli(modelCommand, ['inspect', model])).stdout.find((l) => l.includes('Locked test read'))).toMatch(/^ {2}WARNING: Locked test read 2 times: its present figures replaced 2 earlier readings \(n = \d+, macro AUC [\d.]+, replaced on [^;]+; not a locked test · n = /);
  }, 300_000);

  it("refuses to attach figures on data other than the package's own as it was split and labelled, writing nothing", async () => {
    // The fixture less one of its six locked-test records: another test split, though every record in it is one of the package's.
    const root = path.join(dir, 'one-less');
    cpSync(fixture, root, { recursive: true });
    const index = path.join(root, 'ptbxl_database.csv');
    writeFileSync(index, readFileSync(index, 'utf8').split('\n').filter((row) => !row.startsWith('65,')).join('\n'));
    const model = copyOfModel(path.join(dir, 'other-data', 'tiny'));
    const own = (await manifestOf(model)).provenance.dataset;
    const bytes = await readFile(manifestFile(model));
    const args = ['--model', model, '--data', root, '--split', 'test', '--backend', 'wasm', '--workers', '1', '--quiet'];
    const report = JSON.parse((await runCli(evaluateCommand, [...args, '--json'])).stdout[0] as string) as { n: number; dataset: string; datasetSha256: string };
    expect(report.dataset).toBe(own.name);
    expect(report.datasetSha256).not.toBe(own.sha256);
    await expect(runCli(evaluateCommand, [...args, '--attach'])).rejects.toMatchObject({
      code: 'E_VALIDATION',
      message: `${model} was trained on ${own.name} (index ${own.sha256.slice(0, 12)}), and its locked test is that dataset's test split as it was split and labelled then; these figures are on ${report.dataset} (index ${report.datasetSha256.slice(0, 12)}): another dataset, or the same records split or labelled otherwise. Nothing was attached. An evaluation on other data is kept on this site with --record, without --attach`,
    });
    expect(await readFile(manifestFile(model))).toEqual(bytes);
    // On its own data the digests agree, and the attach goes ahead.
    const ownReport = JSON.parse((await evaluate(['--model', model, '--attach', '--json'])).stdout[0] as string) as { datasetSha256: string };
    expect(ownReport.datasetSha256).toBe(own.sha256);
  }, 300_000);

  it('counts as seen a test record whose copy at another sampling rate in the data folder the model trained on, and refuses to keep its figures', async () => {
    // PTB-XL's layout with record 1 at 500 Hz beside its 100 Hz file, which the model trained on (fold 3); the 500 Hz index lists it alone, as fold 10.
    const root = path.join(dir, 'rates');
    cpSync(fixture, root, { recursive: true });
    cpSync(fixturePath('train', 'ptbxl-500', 'records500'), path.join(root, 'records500'), { recursive: true });
    const index = path.join(root, 'ptbxl_database.csv');
    const [header, ...rows] = readFileSync(index, 'utf8').split('\n');
    const first = (rows.find((row) => row.startsWith('1,')) ?? '').replace(/,3,(records100\/00000\/00001_lr,records500\/00000\/00001_hr\r?)$/, ',10,$1');
    expect(first).toMatch(/,10,records100/);
    writeFileSync(index, `${header}\n${first}\n`);
    const model = copyOfModel(path.join(dir, 'rates', 'tiny'));
    const args = ['--model', model, '--data', root, '--fs', '500', '--split', 'test', '--backend', 'wasm', '--workers', '1', '--quiet'];
    const report = JSON.parse((await runCli(evaluateCommand, [...args, '--json'])).stdout[0] as string) as { n: number; notLockedTest: string | null; trainingOverlap: { inTraining: number; note: string } };
    expect(report.n).toBe(1);
    expect(report.trainingOverlap).toEqual({ checked: 1, inTraining: 1, note: `the 1 test record is among tiny's training and validation records (as a copy at another sampling rate in ${root}): its figures on it are optimistic` });
    expect(report.notLockedTest).toBe(`not locked-test figures: ${report.trainingOverlap.note}; a locked test holds no record the model saw (here 1): leave it out of the test split`);
    await expect(runCli(evaluateCommand, [...args, '--attach'])).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(/^--attach and --record keep a locked-test evaluation; this is none/) });
  }, 300_000);

  it('refuses to keep, attached or recorded, figures on a test split that holds records the model trained on, and says which', async () => {
    const root = ptbxlFixtureWithFoldsSwapped(path.join(dir, 'swapped'));
    const model = copyOfModel(path.join(dir, 'seen', 'tiny'));
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-attach-seen-'));
    const bytes = await readFile(manifestFile(model));
    const args = ['--model', model, '--data', root, '--split', 'test', '--backend', 'wasm', '--workers', '1', '--quiet'];
    const seen = /^not locked-test figures: (\d+) of the \1 test records are among tiny's training and validation records: its figures on them are optimistic; a locked test holds no record the model saw \(here (e\.g\. )?[\d, ]+\): leave them out of the test split$/;
    const report = JSON.parse((await runCli(evaluateCommand, [...args, '--json'])).stdout[0] as string) as { n: number; notLockedTest: string | null; trainingOverlap: { inTraining: number } };
    expect(report.trainingOverlap.inTraining).toBe(report.n);
    expect(report.notLockedTest).toMatch(seen);
    for (const keep of [['--attach'], ['--record', '--data-dir', dataDir]]) {
      await expect(runCli(evaluateCommand, [...args, ...keep])).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(/^--attach and --record keep a locked-test evaluation; this is none \(not locked-test figures: \d+ of the \d+ test records are among tiny's/) });
    }
    expect(await readFile(manifestFile(model))).toEqual(bytes);
    // The fixture's own test fold holds none of them: its figures are a locked test.
    expect((JSON.parse((await evaluate(['--model', model, '--json'])).stdout[0] as string) as { notLockedTest: string | null }).notLockedTest).toBeNull();
  }, 300_000);
});
