import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTable } from '../core/data/csv';
import { parseScpCodes } from '../core/data/scp-codes';
import { finetuneJob } from '../core/train/jobs/finetune-job';
import { fuseJob } from '../core/train/pe/fuse-job';
import { peEcgFindings, syntheticPeCsv } from '../core/train/pe/synthetic';
import { allowFolders, artifactPath, channelRequests, launchApp, repoRoot, runPrediction, type RunningApp } from './app';

/**
 * Pulmonary embolism in the app, end to end: the clinical pre-test score form on a record, the
 * PE panel beside a PE model's probability, and the Fig. 3-style comparison on the Models page.
 * The PE models are trained before the app starts on real PTB-XL ECGs with SYNTHETIC PE labels
 * and score items (core/train/pe/synthetic.ts): what is tested is the app, not PE detection.
 */
const fixture = path.join(repoRoot, 'core', 'test', 'fixtures', 'train', 'ptbxl');

async function openRecord(page: Page, name: string): Promise<void> {
  const id = (await page.getByTestId('record-row').filter({ hasText: name }).getAttribute('data-record-id')) ?? '';
  await page.getByTestId('record-row').filter({ hasText: name }).click();
  // As long as a loaded machine needs; a panel that could not read its scores fails at once, saying why.
  const panel = page.locator(`[data-testid="pe-panel"][data-record-id="${id}"]:is([data-state="ready"], [data-state="error"])`);
  await panel.waitFor({ timeout: 90_000 });
  expect(await panel.getAttribute('data-state'), (await panel.textContent()) ?? '').toBe('ready');
  await page.locator(`[data-testid="predictions"][data-record-id="${id}"][data-state="ready"]`).waitFor({ timeout: 90_000 });
}

describe('browser mode: PE pre-test scores, PE panel and the comparison figure', () => {
  let app: RunningApp;
  let page: Page;
  let labels: string;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-e2e-pe-'));
  const ecgModel = 'pe-ecg-synthetic';
  const fusionModel = 'pe-ecg-synthetic-fusion';
  let ecgModelId = '';

  beforeAll(async () => {
    const rows = await readTable(path.join(fixture, 'ptbxl_database.csv'));
    const sources = rows.map((r) => {
      const fold = Number(r.strat_fold);
      return { file: `${r.filename_lr}.hea`, patientId: `p${r.patient_id}`, ecgRisk: [...parseScpCodes(r.scp_codes ?? '{}').keys()].some((c) => peEcgFindings.includes(c)), split: fold === 10 ? ('test' as const) : fold === 9 ? ('val' as const) : ('train' as const) };
    });
    labels = path.join(dataDir, 'pe-labels.csv');
    writeFileSync(labels, syntheticPeCsv(sources, 23));
    const dataset = { kind: 'csv' as const, root: fixture, labels, positiveClass: 'PE' };
    const ecg = await finetuneJob({ base: path.join(repoRoot, 'resources', 'models', 'starter'), dataset, out: path.join(dataDir, 'models', 'pe-ecg'), mode: 'head', featureCrops: 2, train: { epochs: 3, batchSize: 6, seed: 3, minExamples: { train: 1, val: 1 } }, backend: 'wasm', name: ecgModel });
    ecgModelId = ecg.manifest.id;
    await fuseJob({ model: ecg.out, dataset, out: path.join(dataDir, 'models', 'pe-fusion'), backend: 'wasm' });
    app = await launchApp({ dataDir });
    page = app.page;
    await page.getByTestId('record-row').first().waitFor();
  }, 300_000);

  afterAll(async () => {
    await app?.close();
  });

  it('computes, stores and audits the scores entered on a record, and shows them beside the ECG probability', async () => {
    await openRecord(page, '00008_hr');
    expect(await page.getByTestId('pe-none').textContent()).toMatch(/No PE score items entered/);
    // The fusion package is not offered for a record's prediction, which the engine refuses (its number needs score items).
    await page.locator('[data-testid="predictions"][data-state="ready"]').waitFor();
    // The panel is ready once the record's predictions are read; the models offered come with the installed models'
    // list, which the app reads at start beside the worklist and may answer after the record opened: read once it has.
    await page.getByTestId('model-select').locator(`option[value="${ecgModelId}"]`).waitFor({ state: 'attached' });
    const offered = await page.getByTestId('model-select').locator('option').allTextContents();
    expect([offered.some((o) => o.startsWith(`${ecgModel} `)), offered.filter((o) => o.includes(fusionModel))]).toEqual([true, []]);
    await runPrediction(page, ecgModelId);
    expect(await page.getByTestId('prediction-history-row').count()).toBe(1);
    // On paper the PE probability keeps the screen's caveat: the ECG alone is weak evidence.
    await expect.poll(() => page.getByTestId('print-prediction').textContent()).toMatch(/Pulmonary embolism \(PE\)/);
    expect(await page.getByTestId('print-prediction-caveat').textContent()).toMatch(/^Pulmonary embolism: the ECG alone is weak evidence/);
    await expect.poll(() => page.getByTestId('pe-ecg').getAttribute('data-probability'), { timeout: 30_000 }).toMatch(/^0\.\d+|^1$|e-/);
    // Each row without a figure names the fusion package that gave none, as the page below does.
    for (const row of ['pe-pretest', 'pe-fused']) expect(await page.getByTestId(row).textContent()).toContain(`no probability from ${fusionModel}: no PE score items entered for this record`);
    // On paper too: the installed fusion model gave no figure, and the page says why rather than nothing.
    await expect.poll(() => page.getByTestId('print-pe-probabilities').textContent()).toBe(`PE probabilities beside the ECG's (${fusionModel}, research use only): no score-based pre-test or fused probability: no PE score items entered for this record.`);

    await page.getByTestId('pe-enter').click();
    await page.getByTestId('pe-item-heartRateBpm').fill('112');
    await page.getByTestId('pe-item-dvtSigns').selectOption('yes');
    // Wells is still incomplete: the form names what it needs.
    await expect.poll(() => page.locator('[data-testid="pe-preview"] [data-score="wells"]').textContent()).toMatch(/missing 5: PE the most likely diagnosis, Immobilisation/);
    for (const id of ['peMostLikely', 'immobilisationOrSurgery4w', 'previousVte', 'haemoptysis', 'activeCancer', 'surgeryOrFracture1m', 'unilateralLegPain']) await page.getByTestId(`pe-item-${id}`).selectOption('no');
    await page.getByTestId('pe-item-ageYears').fill('72');
    // A value the engine would refuse is marked and said in the form's words, not as the refused request.
    await page.getByTestId('pe-item-dDimerNgMlFeu').fill('-5');
    await expect.poll(() => page.getByTestId('pe-blocked').textContent()).toMatch(/correct the marked value: D-dimer: -5 ng\/mL FEU is below 20 ng\/mL FEU, which is not plausible/);
    expect(await page.getByTestId('pe-item-dDimerNgMlFeu').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('pe-error').count()).toBe(0);
    await page.getByTestId('pe-item-dDimerNgMlFeu').fill('640');
    await expect.poll(() => page.locator('[data-testid="pe-preview"] [data-score="wells"]').getAttribute('data-total')).toBe('4.5');
    await expect.poll(() => page.locator('[data-testid="pe-preview"] [data-score="revisedGeneva"]').getAttribute('data-total')).toBe('10'); // 1 + 5 + 4
    // Wells needs neither age nor D-dimer: the scores that use them are polled until their preview arrives.
    await expect.poll(() => page.locator('[data-testid="pe-preview"] [data-score="peged"]').textContent()).toMatch(/imaging indicated \(moderate C-PTP \(Wells 4.5\), D-dimer 640 ≥ 500 ng\/mL\)/);
    await expect.poll(() => page.locator('[data-testid="pe-preview"] [data-score="ageAdjustedDdimer"]').textContent()).toMatch(/imaging indicated \(PE likely/);
    expect(await page.getByTestId('pe-blocked').textContent()).toMatch(/type your name/);
    await page.getByTestId('pe-assessor').fill('Dr. E2E');
    await page.getByTestId('pe-save').click();
    await page.getByTestId('pe-current').waitFor();
    expect(await page.getByTestId('pe-current').textContent()).toMatch(/Entered by Dr\. E2E/);
    // The rate was typed, not the ECG's: the entry says so where it is shown.
    expect(await page.getByTestId('pe-current-items').textContent()).toMatch(/heart rate 112\/min \(entered\)/);
    // On paper the scores stand beside the ECG probability too, and the page stays one sheet.
    await expect.poll(() => page.getByTestId('print-pe-scores').textContent()).toMatch(/^PE pre-test scores \(entered by Dr\. E2E, .*\): Wells 4\.5: .*; PEGeD: imaging indicated/);
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    writeFileSync(artifactPath('pe-print.pdf'), pdf);
    // Read back from the PDF: the AI line's long operating-point notes leave its probability on the page, not clamped away.
    const printedText = execFileSync('pdftotext', [artifactPath('pe-print.pdf'), '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(printedText).toMatch(/no decision \(no discrimination on validation\) Pulmonary embolism \(PE\) \d+\.\d %/);
    expect(printedText).toMatch(/Pulmonary embolism: the ECG alone is weak evidence/);
    expect(printedText).toMatch(/Age-adjusted D-dimer: imaging indicated \(PE likely \(Wells 4\.5\)\)\./);
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page\b/g)).toHaveLength(1);
    expect(await page.locator('[data-testid="pe-current-scores"] [data-score="years"]').getAttribute('data-imaging')).toBe('true');
    // With the items complete, the fusion model built on this ECG model gives the pre-test and fused probabilities.
    await expect.poll(() => page.getByTestId('pe-fused').getAttribute('data-probability'), { timeout: 30_000 }).toMatch(/\d/);
    expect(await page.getByTestId('pe-fused').textContent()).toMatch(new RegExp(`${fusionModel}.*p > .*youden`));
    // The fusion's own temperature, fitted on its 7 validation rows (ranked perfectly, but not every
    // logit on its side of 0), with no note; a note is shown beside a temperature as the ECG row's below.
    expect(await page.getByTestId('pe-fused').textContent()).toMatch(/youden, T = 0\.\d\d\)/);
    expect(await page.getByTestId('pe-fused').getByTestId('pe-calibration-note').count()).toBe(0);
    expect(await page.getByTestId('pe-pretest').textContent()).toMatch(new RegExp(fusionModel));
    // On paper the site's pre-test and fused probabilities stand beside the ECG's, each with its model and operating point; still one sheet.
    const probabilityLine = (model: string) =>
      new RegExp(`PE probabilities beside the ECG's \\(${model}, research use only\\): score-based pre-test \\(this site\\) [<> ]*\\d+\\.\\d % \\((p > \\d+\\.\\d %, \\w+|no threshold: no discrimination on validation), T = \\d+\\.\\d\\d\\): (above threshold|below threshold|no decision); fused ECG \\+ score items [<> ]*\\d+\\.\\d % \\(p > `);
    await expect.poll(() => page.getByTestId('print-pe-probabilities').textContent()).toMatch(probabilityLine(fusionModel));
    const fusedPdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    writeFileSync(artifactPath('pe-print-fused.pdf'), fusedPdf);
    const fusedText = execFileSync('pdftotext', [artifactPath('pe-print-fused.pdf'), '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    // pdftotext drops the hyphen where a line breaks inside the model's name.
    expect(fusedText).toMatch(probabilityLine(fusionModel.replaceAll('-', '-?')));
    expect(fusedText).toMatch(/Pulmonary embolism: the ECG alone is weak evidence/);
    expect(fusedText).toMatch(/Unconfirmed — no physician has read this ECG yet/);
    expect(fusedPdf.toString('latin1').match(/\/Type\s*\/Page\b/g)).toHaveLength(1);
    // The ECG model's temperature ran to its upper bound on these synthetic labels: said beside it, kept with the stored prediction.
    // Its validation scores show no discrimination, so it has no threshold and is never above one.
    expect(await page.getByTestId('pe-ecg').textContent()).toMatch(new RegExp(`${ecgModel}.*none: no discrimination on validation, never flagged.*no decision: .*neither suggests nor rules out PE`));
    expect(await page.getByTestId('pe-ecg').textContent()).not.toContain('below threshold');
    expect(await page.getByTestId('pe-ecg').getByTestId('pe-calibration-note').textContent()).toMatch(/^ — temperature at its upper bound \(20\)/);
    expect(await page.getByTestId('pe-ecg').textContent()).toMatch(/T = 20\.00\) — temperature at its upper bound \(20\): on the 7 validation rows the model's outputs carry no information/);
    await page.getByTestId('pe-panel').screenshot({ path: artifactPath('pe-panel.png') });

    // Stored and audited: read back from the app's own database (the audit entry names the clinician and the totals).
    const db = new Database(path.join(dataDir, 'einthoven.sqlite'), { readonly: true });
    try {
      const stored = db.prepare('SELECT assessor, items, heart_rate_source FROM pe_assessments').all() as { assessor: string; items: string; heart_rate_source: string }[];
      expect(stored.map((r) => r.heart_rate_source)).toEqual(['entered']);
      expect(stored.map((r) => [r.assessor, JSON.parse(r.items) as object])).toEqual([['Dr. E2E', { ageYears: 72, heartRateBpm: 112, dDimerNgMlFeu: 640, dvtSigns: true, peMostLikely: false, immobilisationOrSurgery4w: false, previousVte: false, haemoptysis: false, activeCancer: false, surgeryOrFracture1m: false, unilateralLegPain: false }]]);
      const audited = db.prepare("SELECT actor, details FROM audit_log WHERE action = 'pe.scores.entered'").all() as { actor: string; details: string }[];
      expect(audited.map((a) => [a.actor, (JSON.parse(a.details) as { scores: object }).scores])).toEqual([['Dr. E2E', { wells: 4.5, revisedGeneva: 10, simplifiedGeneva: 4, years: 'imaging', peged: 'imaging', ageAdjustedDdimer: 'imaging' }]]);
      expect(audited.map((a) => (JSON.parse(a.details) as { heartRateSource: string }).heartRateSource)).toEqual(['entered']);
    } finally {
      db.close();
    }
  });

  it('prints a record with a computed caution, a PE output, its scores and probabilities on one sheet, the reading included', async () => {
    // 00017: "Atrial flutter suspected" with its caution. At the normal print size these lines ran the reading onto a second sheet.
    await openRecord(page, '00017_hr');
    await runPrediction(page, ecgModelId);
    await page.getByTestId('pe-enter').click();
    await page.getByTestId('pe-item-heartRateBpm').fill('96');
    await page.getByTestId('pe-item-ageYears').fill('58');
    await page.getByTestId('pe-item-dDimerNgMlFeu').fill('820');
    for (const id of ['dvtSigns', 'peMostLikely', 'immobilisationOrSurgery4w', 'previousVte', 'haemoptysis', 'activeCancer', 'surgeryOrFracture1m', 'unilateralLegPain']) await page.getByTestId(`pe-item-${id}`).selectOption('no');
    await page.getByTestId('pe-assessor').fill('Dr. E2E');
    await page.getByTestId('pe-save').click();
    await page.getByTestId('pe-current').waitFor();
    await expect.poll(() => page.getByTestId('print-pe-probabilities').textContent(), { timeout: 30_000 }).toMatch(/fused ECG \+ score items/);
    expect(await page.getByTestId('print-computed-cautions').textContent()).toMatch(/^\[1\] /);
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    writeFileSync(artifactPath('pe-print-caution.pdf'), pdf);
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page\b/g)).toHaveLength(1);
    const text = execFileSync('pdftotext', [artifactPath('pe-print-caution.pdf'), '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    for (const line of [/Atrial flutter suspected \[1\]/, /\[1\] the wave taken for a P wave repeats half an RR later/, /Pulmonary embolism: the ECG alone is weak evidence/, /PE pre-test scores \(entered by Dr\. E2E/, /fused ECG \+ score items [<> ]*\d+\.\d %/, /Unconfirmed — no physician has read this ECG yet/]) expect(text).toMatch(line);
    // The print cycle set the summary smaller to keep it on the sheet.
    expect(await page.getByTestId('print-summary').getAttribute('data-density')).not.toBe('normal');
  });

  it("shows and prints no PE probability, only why, for a patient the score entry puts outside the ECG model's intended use", async () => {
    // The model read 00008 (its file gives no age it refused); the entry, corrected, gives the patient as 12 years old.
    await openRecord(page, '00008_hr');
    await runPrediction(page, ecgModelId);
    await page.getByTestId('pe-enter').click();
    await page.getByTestId('pe-item-ageYears').fill('12');
    await page.getByTestId('pe-assessor').fill('Dr. E2E');
    await page.getByTestId('pe-save').click();
    await expect.poll(() => page.getByTestId('pe-current-items').textContent()).toMatch(/age 12/);
    const why = `outside ${ecgModel}'s intended use by the PE score entry's age (patient aged 12 years; the model is for 18 years and older): no ECG, pre-test or fused probability`;
    await expect.poll(() => page.getByTestId('pe-ecg').textContent(), { timeout: 30_000 }).toContain(why);
    expect(await page.getByTestId('pe-ecg').getAttribute('data-probability')).toBeNull();
    for (const row of ['pe-pretest', 'pe-fused']) {
      expect(await page.getByTestId(row).getAttribute('data-probability')).toBeNull();
      expect(await page.getByTestId(row).textContent()).toContain(`no probability from ${fusionModel}: ${why}`);
    }
    expect(await page.getByTestId('pe-panel').textContent()).toMatch(/Research use only/);
    // The predictions panel, which lists every model's outputs for the record, takes the same decision: no number there either.
    await expect.poll(() => page.getByTestId('prediction-withheld').textContent(), { timeout: 30_000 }).toContain(why);
    expect(await page.getByTestId('prediction-class').count()).toBe(0);
    expect(await page.getByTestId('prediction-result').textContent()).not.toMatch(/\d %/);
    expect(await page.getByTestId('prediction-history-outcome').first().textContent()).toBe(`no probability: ${why}`);
    // On paper: the AI line names the model and its operating point and says why it gives no number; the PE line, why the fusion gives none.
    await expect.poll(() => page.getByTestId('print-prediction').textContent()).toMatch(new RegExp(`^AI output, research use only, not a diagnosis — ${ecgModel}.*: no probability — outside ${ecgModel}'s intended use`));
    expect(await page.getByTestId('print-prediction').textContent()).not.toMatch(/\d %/);
    expect(await page.getByTestId('print-pe-probabilities').textContent()).toBe(`PE probabilities beside the ECG's (${fusionModel}, research use only): no score-based pre-test or fused probability: ${why}.`);
  });

  it('draws the Fig. 3-style comparison of the fusion package on the locked test split, exportable as SVG and PNG', async () => {
    await page.getByTestId('nav-models').click();
    const row = page.getByTestId('model-row').filter({ hasText: fusionModel });
    await row.click();
    const detail = page.locator('[data-testid="model-detail"]').filter({ hasText: fusionModel });
    // The card's operating point is the fusion's own; its ECG network's is labelled as its base model's, by name and id.
    // (The network's validation showed no discrimination: its operating point has no threshold; the fusion's has one.)
    expect(await detail.getByTestId('model-operating-point').textContent()).toMatch(/^Operating point \(fused probability\): Youden's J thresholds tuned on validation · .*, threshold \d+\.\d %$/);
    // Its own fitting rows and their duplicate check, and its base's training labelled as the base's (its duplicates were the base's, copied).
    const facts = await detail.getByTestId('model-provenance').textContent();
    expect(facts).toMatch(/Fitted onfitted on \d+ training rows with every score item.*; the test split never read/);
    expect(facts).toMatch(/Duplicatesnone found \(checked training and validation rows for /);
    expect(facts).toMatch(new RegExp(`Base's trainingthe ECG network of the base model ${ecgModel} \\(${ecgModelId}\\): trained on `));
    expect(facts).toMatch(/Epochsits base's ECG network: best /);
    expect(await detail.getByTestId('model-fusion-network').textContent()).toMatch(
      new RegExp(`^Its ECG network is its base model ${ecgModel} \\(${ecgModelId}\\), at that model's operating point, not this fusion's \\(no thresholds: no class discriminated on validation`),
    );
    // Nor does its card offer what the engine refuses of a fusion: a site operating point (the reason instead) or becoming the default.
    expect(await detail.getByTestId('site-op-open').count()).toBe(0);
    expect(await detail.getByTestId('site-op-refused').textContent()).toMatch(new RegExp(`^No site operating point for a PE fusion package: its fusion was fitted on the calibrated probabilities of its network \\(${ecgModel}\\)`));
    expect(await page.getByTestId('model-promote').isDisabled()).toBe(true);
    expect(await page.getByTestId('model-promote').getAttribute('title')).toMatch(/is a PE fusion: .* cannot be the default for predictions$/);
    await detail.getByTestId('pe-compare-data').fill(fixture);
    await detail.getByTestId('pe-compare-labels').fill(labels);
    await allowFolders(detail);
    await detail.getByTestId('pe-compare-run').click();
    await detail.locator('[data-testid="pe-comparison"][data-state="done"]').waitFor({ timeout: 90_000 });
    // The evaluation is headlined by the fusion's own AUC; its network's figures are its base's, said so.
    expect(await detail.getByTestId('evaluation-fusion').textContent()).toMatch(new RegExp(`^${fusionModel} \\(fused ECG \\+ score items\\): AUC \\d\\.\\d{3}.* on 6 records with every score item, at the fusion's own operating point`));
    expect(await detail.getByTestId('evaluation-fusion-network').textContent()).toMatch(new RegExp(`^ECG network alone — base model ${ecgModel} \\(${ecgModelId}\\), not the fusion's figures: AUC`));
    expect(await detail.getByTestId('evaluation-warning').count()).toBe(0);
    const curves = await detail.getByTestId('pe-curve').evaluateAll((n) => n.map((c) => c.getAttribute('data-curve')));
    expect(curves).toEqual(['model', 'wells', 'revisedGeneva', 'simplifiedGeneva', 'years', 'peged', 'ageAdjustedDdimer', 'fusion']);
    const markers = await detail.getByTestId('pe-marker').evaluateAll((n) => n.map((m) => m.getAttribute('data-label')));
    expect(markers).toEqual(expect.arrayContaining(['Wells > 4 (PE likely)', 'PEGeD: imaging indicated', 'YEARS: imaging indicated']));
    expect(await detail.getByTestId('pe-figure-table').textContent()).toMatch(/Wells > 4 \(PE likely\)/);
    // The labels CSV's pe_scores_source says the items are synthetic: the figure says so under its title.
    expect(await detail.getByTestId('pe-figure-sources').textContent()).toBe('score items: synthetic (core/train/pe/synthetic.ts) (6 of 6 records)');
    // The window grows so the whole figure and its table are in the screenshot (views scroll inside the app).
    const height = await detail.getByTestId('pe-figure').evaluate((n) => n.scrollHeight);
    await page.setViewportSize({ width: 1400, height: Math.max(1000, height + 400) });
    await detail.getByTestId('pe-figure').scrollIntoViewIfNeeded();
    await detail.getByTestId('pe-figure').screenshot({ path: artifactPath('pe-figure.png') });
    await page.setViewportSize({ width: 1400, height: 1000 });

    const [svgDownload] = await Promise.all([page.waitForEvent('download'), detail.getByTestId('pe-export-svg').click()]);
    const svg = readFileSync((await svgDownload.path()) ?? '', 'utf8');
    expect(svgDownload.suggestedFilename()).toBe(`pe-comparison-${fusionModel}.svg`);
    expect(svg).toMatch(/^<\?xml[^]*<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"[^]*<polyline/);
    expect(svg).toContain('score items: synthetic (core/train/pe/synthetic.ts)');
    const [pngDownload] = await Promise.all([page.waitForEvent('download'), detail.getByTestId('pe-export-png').click()]);
    const png = readFileSync((await pngDownload.path()) ?? '');
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.readUInt32BE(16)).toBe(1440); // 2 × the 720-pixel figure

    // Printed with the page, as a report on this model: the figure under its heading on one sheet, its table whole,
    // without the list of models and the controls. The heading printed alone at the foot of a sheet, the figure on the next.
    const recordPrints = () => {
      const db = new Database(path.join(dataDir, 'einthoven.sqlite'), { readonly: true });
      try {
        return (db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'record.printed'").get() as { n: number }).n;
      } finally {
        db.close();
      }
    };
    const recordPrintsBefore = recordPrints();
    // A viewer that takes the print for its record's reports it to the engine from beforeprint, before the capture.
    const printReports = channelRequests(page, 'records:printed');
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    printReports.stop();
    writeFileSync(artifactPath('pe-models-report.pdf'), pdf);
    // The viewer, hidden behind this page, printed nothing: no print of its record is audited (a report it
    // sent is answered first, so its entry would be there), nor was one reported.
    await Promise.all(printReports.requests.map((request) => request.response()));
    expect(recordPrints()).toBe(recordPrintsBefore);
    expect(printReports.requests.map((request) => request.url())).toEqual([]);
    const sheets = execFileSync('pdftotext', [artifactPath('pe-models-report.pdf'), '-'], { encoding: 'utf8' })
      .split('\f')
      .map((t) => t.replace(/\s+/g, ' '));
    const all = sheets.join(' ');
    // Each sheet numbered in its top margin, then the report's header first on the first sheet.
    const count = sheets.filter((t) => t.trim() !== '').length;
    sheets.slice(0, count).forEach((t, i) => expect(t).toMatch(new RegExp(`^ ?sheet ${i + 1} of ${count} `)));
    expect(sheets[0]).toMatch(new RegExp(`^ ?sheet 1 of ${count} Model report — ${fusionModel} · printed .* · Research use only — not for diagnostic use`));
    const figureSheet = sheets.find((t) => t.includes('Compare with the clinical scores')) ?? '';
    expect(figureSheet).toMatch(new RegExp(`${fusionModel} vs clinical scores — .*research use only`));
    for (const label of markers) expect(all).toContain(label);
    for (const control of ['Installed models', 'Make this the default', 'Compare on the test split', 'Folder of ECG files', 'Save as SVG', 'Compare two models on the same records']) expect(all).not.toContain(control);
    expect(app.requests.every((u) => u.startsWith(app.origin) || u.startsWith('blob:') || u.startsWith('data:'))).toBe(true);
  });
});
