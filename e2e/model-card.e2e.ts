import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPtbxl } from '../core/data/ptbxl';
import { evaluateJob } from '../core/train/jobs/evaluate-job';
import { finetuneJob } from '../core/train/jobs/finetune-job';
import { operatingPointJob } from '../core/train/jobs/operating-point-job';
import { attachTestReport, readFolderManifest } from '../core/train/package/io';
import type { ModelManifest } from '../core/train/package/manifest';
import { starterCopy, trainedOn } from '../core/test/legacy-starter';
import { artifactPath, fillFinetuneData, launchApp, repoRoot, startHeadFinetune, type RunningApp } from './app';

/**
 * A fine-tuned package's card in the browser-mode app, with what its locked-test figures leave
 * out. Before the app starts, the engine's fine-tuning job (the real closing evaluation and
 * sealing) fine-tunes the bundled starter on a copy of the real PTB-XL fixture, as a hospital's
 * labels CSV for NORM in which locked test record 00038 is given age 17 (outside the starter's
 * adults, which its fine-tuning keeps) and record 00065's signal is cut short (unreadable): its
 * locked test is the other 4, and the package keeps both counts. Validation record 00047 is given
 * age 17 too: the epoch and operating point are chosen on the other 5, and the package says so.
 */
const fixture = path.join(repoRoot, 'core', 'test', 'fixtures', 'train', 'ptbxl');

/** The copy's labels CSV: NORM against the rest, PTB-XL's own splits and ages, records 00038 (test) and 00047 (validation) minors. */
async function labelsWithAMinorOnTest(root: string, labels: string): Promise<void> {
  const ds = await loadPtbxl(root, { fs: 100 });
  const norm = ds.classes.indexOf('NORM');
  const rows = ds.items.map((i) => `${path.relative(root, i.files[0] as string)},${i.labels[norm]},${i.patientId ?? ''},${i.split},${i.id === '38' || i.id === '47' ? 17 : (i.demographics?.ageYears ?? '')}`);
  writeFileSync(labels, `file,label,patient_id,split,age\n${rows.join('\n')}\n`);
}

describe("browser mode: a fine-tuned model's card", () => {
  let app: RunningApp;
  let page: Page;
  let manifest: ModelManifest;
  /** A copy of the starter whose locked test was read again (ecg evaluate --attach --replace-test), and the figures it held before. */
  let reread: { manifest: ModelManifest; before: NonNullable<ModelManifest['provenance']['test']> };
  /** Fine-tuned from a starter written before packages kept their training records: its closing figures are no locked test. */
  let unknownBase: ModelManifest;
  /** A site operating point of the starter chosen on the hospital's validation rows, its locked test attached from the hospital's test split. */
  let siteOp: ModelManifest;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-e2e-card-'));
  const root = path.join(dataDir, 'hospital');
  const labels = path.join(dataDir, 'norm.csv');
  const base = path.join(repoRoot, 'resources', 'models', 'starter');

  beforeAll(async () => {
    cpSync(fixture, root, { recursive: true });
    writeFileSync(path.join(root, 'records100', '00000', '00065_lr.dat'), Buffer.alloc(10));
    await labelsWithAMinorOnTest(root, labels);
    const out = path.join(dataDir, 'models', 'norm-hospital');
    const train = { epochs: 2, batchSize: 4, minExamples: { train: 1, val: 1 } };
    ({ manifest } = await finetuneJob({ base, dataset: { kind: 'csv', root, labels }, mode: 'head', out, name: 'norm hospital', train, featureCrops: 1, backend: 'wasm' }));
    // Made, as its manifest says, on the fixture, whose test split is then its own locked test, read again here.
    const copy = await starterCopy(path.join(dataDir, 'models', 'starter-reread'), await trainedOn(fixture), (m) => {
      m.name = 'starter reread';
    });
    const evaluated = await evaluateJob({ model: copy, dataset: { kind: 'ptbxl', root: fixture }, split: 'test', backend: 'wasm' });
    const held = (await readFolderManifest(copy)).provenance.test;
    if (!held) throw new Error('the starter carries a locked test');
    reread = { manifest: await attachTestReport(copy, evaluated, { replaceTest: true }), before: held };
    const oldStarter = await starterCopy(path.join(dataDir, 'old-starter'), (m) => {
      delete m.provenance.trainingRecords;
    });
    // The hospital's copy read as PTB-XL, with every class the starter outputs.
    const siteData = { kind: 'ptbxl' as const, root };
    const site = await operatingPointJob({ model: base, dataset: siteData, goal: 'rule-out', target: 0.8, minValExamples: 1, out: path.join(dataDir, 'models', 'site-op'), name: 'site op', backend: 'wasm' });
    siteOp = await attachTestReport(site.out, await evaluateJob({ model: site.out, dataset: siteData, split: 'test', backend: 'wasm' }));
    ({ manifest: unknownBase } = await finetuneJob({ base: oldStarter, dataset: { kind: 'csv', root, labels }, mode: 'head', out: path.join(dataDir, 'models', 'norm-unknown-base'), name: 'norm unknown base', train, featureCrops: 1, backend: 'wasm' }));
    app = await launchApp({ dataDir });
    page = app.page;
  });

  afterAll(async () => {
    await app?.close();
  });

  it('says beside its locked-test figures which test records they leave out: outside its intended input, and unreadable', async () => {
    // The package as the fine-tuning sealed it: 6 locked test rows, 4 scored.
    expect(manifest.provenance.test).toMatchObject({ n: 4, unreadable: 1, outOfScope: { count: 1, byReason: { age: 1 } } });
    await page.getByTestId('nav-models').click();
    await page.locator(`[data-testid="model-row"][data-model-id="${manifest.id}"]`).click();
    const detail = page.locator(`[data-testid="model-detail"][data-model-id="${manifest.id}"]`);
    const test = detail.locator('[data-testid="model-metrics"][data-split="test"]');
    const header = await test.locator('h4').textContent();
    expect(header).toMatch(/^Locked test split — read once, after every choice was made \(4 records\)/);
    // What its intervals are, as ecg evaluate's help says: not the bootstrap's alone, and Wilson's on patients where records name them.
    expect(header).toContain("a class's AUC the wider of that and Newcombe's on its positives and negatives, its sensitivity, specificity, PPV and NPV each the wider of the bootstrap interval and Wilson's score interval on its counts (of patients where records name them)");
    // In the words of an evaluation's result (and of ecg evaluate's note), then the unreadable record as a site evaluation says it.
    expect(await test.getByTestId('model-metrics-left-out').allTextContents()).toEqual([
      "The figures cover only the records within norm hospital's intended input; 1 of 6 left out, as the model gives no prediction on it (1 with the patient's age outside the model's range)",
      '1 more test record could not be read and is in no figure',
    ]);
    await test.screenshot({ path: artifactPath('model-card-left-out.png') });
  });

  it('says, under the locked-test figures of a package whose locked test was read again, how often it was read and what the earlier reading gave', async () => {
    const [earlier] = reread.manifest.provenance.replacedTests ?? [];
    expect(earlier?.test).toEqual(reread.before);
    await page.getByTestId('nav-models').click();
    await page.locator(`[data-testid="model-row"][data-model-id="${reread.manifest.id}"]`).click();
    const detail = page.locator(`[data-testid="model-detail"][data-model-id="${reread.manifest.id}"]`);
    const warning = detail.getByTestId('model-test-reread');
    const auc = (reread.before.metrics as { aucMacro: number }).aucMacro.toFixed(3);
    const when = `${earlier?.replacedAt.slice(0, 10)} ${earlier?.replacedAt.slice(11, 16)} UTC`;
    expect(await warning.textContent()).toBe(
      `Locked test read 2 times: its present figures replaced an earlier reading (n = ${reread.before.n}, macro AUC ${auc}, replaced on ${when}). A locked test is meant to be read once; figures kept after it was read again may be the more favourable reading, so take them as optimistic.`,
    );
    // Right under the figures it qualifies.
    expect(await detail.locator('[data-testid="model-metrics"][data-split="test"] + [data-testid="model-test-reread"]').count()).toBe(1);
    await warning.screenshot({ path: artifactPath('model-card-test-reread.png') });
    // The fine-tuned package, whose locked test was read once, says nothing of the kind.
    await page.locator(`[data-testid="model-row"][data-model-id="${manifest.id}"]`).click();
    expect(await page.locator(`[data-testid="model-detail"][data-model-id="${manifest.id}"]`).getByTestId('model-test-reread').count()).toBe(0);
  });

  it("shows a fine-tuning's closing figures that are no locked test under why, never as its locked test", async () => {
    const note = unknownBase.provenance.test?.notLockedTest ?? '';
    expect(note).toMatch(/^not a locked test: whether the base xresnet1d50-ptbxl-pool-demo trained or validated on these test records cannot be checked/);
    await page.getByTestId('nav-models').click();
    await page.locator(`[data-testid="model-row"][data-model-id="${unknownBase.id}"]`).click();
    const detail = page.locator(`[data-testid="model-detail"][data-model-id="${unknownBase.id}"]`);
    await detail.getByTestId('model-test-not-locked').waitFor();
    // No locked test: the card says it has none, and shows the figures apart, under why.
    expect(await detail.locator('[data-testid="model-metrics"][data-split="test"]').count()).toBe(0);
    expect(await detail.getByTestId('model-untested').count()).toBe(1);
    expect(await detail.getByTestId('model-test-not-locked').textContent()).toBe(`${note.charAt(0).toUpperCase()}${note.slice(1)}.`);
    const figures = detail.locator('[data-testid="model-metrics"][data-split="test-not-locked"]');
    expect(await figures.locator('h4').textContent()).toMatch(/^Test records, not a locked test \(4 records\)/);
    expect(await detail.getByText('test (not a locked test: see its figures', { exact: false }).count()).toBeGreaterThan(0);
    await detail.getByTestId('model-test-not-locked').screenshot({ path: artifactPath('model-card-test-not-locked.png') });
  });

  it("names, on a site operating point's card, the site data its locked test is on, and its base's training data as the weights'", async () => {
    const siteData = siteOp.provenance.operatingPointDataset;
    if (!siteData) throw new Error('the operating point keeps its site data');
    expect(siteOp.provenance.test).toBeDefined();
    await page.getByTestId('nav-models').click();
    await page.locator(`[data-testid="model-row"][data-model-id="${siteOp.id}"]`).click();
    const detail = page.locator(`[data-testid="model-detail"][data-model-id="${siteOp.id}"]`);
    await detail.locator('[data-testid="model-metrics"][data-split="test"]').waitFor();
    const fact = async (term: string) => (await detail.locator('.facts div').filter({ has: page.locator('dt', { hasText: new RegExp(`^${term}$`) }) }).locator('dd').textContent()) ?? '';
    // They showed the starter's training data and its rows, beside figures on the hospital's.
    expect(await fact('Dataset')).toBe(`${siteData.name} (index SHA-256 ${siteData.sha256.slice(0, 12)}…)`);
    expect(await fact('Records')).toMatch(new RegExp(`^${siteData.records.train} train · ${siteData.records.val} validation( \\(.*\\))? · ${siteData.records.test} test \\(locked`));
    const trained = siteOp.provenance.dataset;
    expect(await fact('Weights trained on')).toBe(
      `${trained.name} (index SHA-256 ${trained.sha256.slice(0, 12)}…; ${trained.records.train} train · ${trained.records.val} validation · ${trained.records.test} test), by its base ${siteOp.provenance.base?.name}; only the operating point was chosen on ${siteData.name}, its locked test that data's test split`,
    );
  });

  it('says beside its validation figures that the epoch and operating point were chosen on the validation records within its intended input', async () => {
    expect(manifest.provenance.validation).toMatchObject({ n: 5, outOfScope: { count: 1, byReason: { age: 1 } } });
    await page.getByTestId('nav-models').click();
    await page.locator(`[data-testid="model-row"][data-model-id="${manifest.id}"]`).click();
    const detail = page.locator(`[data-testid="model-detail"][data-model-id="${manifest.id}"]`);
    await detail.getByTestId('model-validation').locator('summary').click();
    const validation = detail.locator('[data-testid="model-metrics"][data-split="validation"]');
    expect(await validation.locator('h4').textContent()).toMatch(/\(5 records\)/);
    // As ecg train and ecg model inspect say it, in the words of the test note above it, naming the model as that note does.
    expect(await validation.getByTestId('model-metrics-left-out').allTextContents()).toEqual([
      "The epoch, temperature and thresholds were chosen on the validation records within norm hospital's intended input; 1 of 6 left out, as the model gives no prediction on it (1 with the patient's age outside the model's range)",
    ]);
    await validation.screenshot({ path: artifactPath('model-card-validation-left-out.png') });
  });

  it("says under the bundled CPSC-class demonstration model's validation figures that an earlier bootstrap made their intervals, and nothing of it under its locked test, re-read by today's", async () => {
    const cpsc = (JSON.parse(readFileSync(path.join(repoRoot, 'resources', 'models', 'starter-cpsc', 'manifest.json'), 'utf8')) as { id: string }).id;
    await page.getByTestId('nav-models').click();
    await page.locator(`[data-testid="model-row"][data-model-id="${cpsc}"]`).click();
    const detail = page.locator(`[data-testid="model-detail"][data-model-id="${cpsc}"]`);
    const test = detail.locator('[data-testid="model-metrics"][data-split="test"]');
    await test.waitFor();
    await detail.getByTestId('model-validation').locator('summary').click();
    const validation = detail.locator('[data-testid="model-metrics"][data-split="validation"]');
    // Its validation intervals are its 2026-12-03 training's; its test's were re-read on 2026-12-07 (ecg evaluate --attach --replace-test).
    expect(await validation.getByTestId('model-metrics-left-out').allTextContents()).toEqual([expect.stringMatching(/^These intervals are from the earlier bootstrap, which drew records unstratified .* and not by patient; today's keeps every class's positives and negatives in each resample/)]);
    expect(await test.getByTestId('model-metrics-left-out').allTextContents()).toEqual([]);
    await validation.screenshot({ path: artifactPath('model-card-earlier-bootstrap.png') });
  });

  it("says what the locked test and validation of a fine-tuning in the app left out: on its result, and once on its card", async () => {
    const starter = (JSON.parse(readFileSync(path.join(base, 'manifest.json'), 'utf8')) as { id: string }).id;
    await fillFinetuneData(page, { base: starter, name: 'norm in the app', folder: root, labels });
    await startHeadFinetune(page, { positiveClass: 'NORM', minExamples: { train: 1, val: 1 }, epochs: 2 });
    const result = page.locator('[data-testid="finetune-result"][data-status="succeeded"]');
    await result.waitFor({ timeout: 90_000 });
    const id = (await result.getAttribute('data-model-id')) ?? '';
    const note = "The figures cover only the records within norm in the app's intended input; 1 of 6 left out, as the model gives no prediction on it (1 with the patient's age outside the model's range)";
    const unreadable = '1 more test record could not be read and is in no figure';
    // The fine-tuning's result says it under its locked-test figures, as ecg finetune prints it.
    expect(await result.getByTestId('finetune-left-out').allTextContents()).toEqual([note, unreadable]);
    // And under its validation figures, what the epoch and operating point were not chosen on (validation record 00047).
    expect(await result.getByTestId('finetune-validation-left-out').textContent()).toBe(
      "The epoch, temperature and thresholds were chosen on the validation records within norm in the app's intended input; 1 of 6 left out, as the model gives no prediction on it (1 with the patient's age outside the model's range)",
    );
    await page.getByTestId('finetune-open-models').click();
    await page.locator(`[data-testid="model-row"][data-model-id="${id}"]`).click();
    const card = page.locator(`[data-testid="model-detail"][data-model-id="${id}"]`);
    const line = card.getByTestId('model-site-evaluation-line');
    await expect.poll(() => line.textContent()).toMatch(/on 4 locked test records of .*\(its fine-tuning,/s);
    // Its fine-tuning recorded its closing evaluation, the package's own locked test, as its site evaluation: each note
    // is said once, beside the locked-test figures, where the line said both again.
    const test = card.locator('[data-testid="model-metrics"][data-split="test"]');
    expect(await test.getByTestId('model-metrics-left-out').allTextContents()).toEqual([note, unreadable]);
    const said = (await card.textContent()) ?? '';
    expect([said.split(note).length - 1, said.split(unreadable).length - 1]).toEqual([1, 1]);
    expect(await line.getByTestId('model-site-evaluation-line-out-of-scope').count()).toBe(0);
    expect(await line.getByTestId('model-site-evaluation-line-unreadable').count()).toBe(0);
    // Each part of the line apart from the one before it (they ran together: "23:44)· The figures …").
    expect((await line.textContent())?.replace(/\s+/g, ' ')).toMatch(/\(its fine-tuning, [^)]+\) · probabilities /);
    await card.screenshot({ path: artifactPath('model-card-site-left-out.png') });
  });

  it('warns as a fine-tuning in the app starts that its closing figures will be no locked test, and keeps the warning in view', async () => {
    // norm unknown base keeps no record of its own base's training records: whether that base saw the test records cannot be checked.
    await page.getByTestId('nav-finetune').click();
    await page.getByTestId('finetune-base').selectOption(unknownBase.id);
    await page.getByTestId('finetune-name').fill('norm from unknown base');
    await page.getByTestId('finetune-data').fill(root);
    await page.getByTestId('finetune-labels').fill(labels);
    await startHeadFinetune(page, { positiveClass: 'NORM', minExamples: { train: 1, val: 1 }, epochs: 1 });
    await page.locator('[data-testid="finetune-result"][data-status="succeeded"]').waitFor({ timeout: 90_000 });
    // Said before training, and still in view once later phases replaced the phase line.
    const notices = await page.getByTestId('finetune-notice').allTextContents();
    expect(notices).toContainEqual(
      expect.stringMatching(/^warning: this fine-tuning's closing figures will be no locked test: whether the base xresnet1d50-ptbxl-pool-demo trained or validated on these test records cannot be checked.*so it could not be promoted on them\. For a locked test, fine-tune from a base that keeps its training records: /),
    );
    expect(await page.getByTestId('finetune-phase').textContent()).not.toMatch(/warning: this fine-tuning's closing figures/);
  });
});
