import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, cli, launchApp, repoRoot, runPrediction, type RunningApp } from './app';

/**
 * The cardiologist's worklist in the browser-mode app on the bundled samples: confirm a record
 * with SCP-ECG and typed statements, move to the next unconfirmed one, give a verdict on a real
 * prediction of the bundled starter model, amend a reading; the audit trail (read by the CLI
 * from the same database) names the reader of each step.
 */

async function openRow(page: Page, id: string): Promise<void> {
  await page.locator(`[data-testid="record-row"][data-record-id="${id}"]`).click();
  await page.locator(`[data-testid="overread"][data-record-id="${id}"][data-state="ready"]`).waitFor();
}

async function addStatement(page: Page, text: string): Promise<void> {
  await page.getByTestId('overread-statement-input').fill(text);
  await page.getByTestId('overread-statement-input').press('Enter');
}

/** The MUSE export with another acquisition date and its first sample shifted by `delta` (its CRCs dropped, as some exports have none). */
function museVariant(xml: string, date: string, delta: number): string {
  const dated = xml.replace(/<AcquisitionDate>[^<]*</, `<AcquisitionDate>${date}<`).replace(/<LeadDataCRC32>[^<]*<\/LeadDataCRC32>/g, '');
  return dated.replace(/<WaveFormData>([^<]*)</, (_all, data: string) => {
    const bytes = Buffer.from(data, 'base64');
    bytes.writeInt16LE(bytes.readInt16LE(0) + delta, 0);
    return `<WaveFormData>${bytes.toString('base64')}<`;
  });
}

const reviewStates = (page: Page) => page.getByTestId('record-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-review')));

describe('browser mode: physician reading and the worklist', () => {
  let app: RunningApp;
  let page: Page;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-e2e-overread-'));
  let firstId = '';

  beforeAll(async () => {
    app = await launchApp({ dataDir });
    page = app.page;
    await page.getByTestId('record-row').first().waitFor();
    firstId = (await page.getByTestId('record-row').first().getAttribute('data-record-id')) ?? '';
    await openRow(page, firstId);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('confirms a record with library and typed statements; the list and the worklist follow', async () => {
    expect(await reviewStates(page)).toEqual(Array(5).fill('unconfirmed'));
    const panel = page.getByTestId('overread');
    expect(await panel.getAttribute('data-status')).toBe('unconfirmed');
    expect(await page.getByTestId('overread-banner').textContent()).toMatch(/Unconfirmed — no physician has read this ECG/);
    expect(await page.getByTestId('overread-sign').isDisabled()).toBe(true);
    expect(await page.getByTestId('overread-blocked').textContent()).toMatch(/add at least one statement/);

    await addStatement(page, 'SR — sinus rhythm'); // a library entry as the picker offers it
    await addStatement(page, 'Normal ECG'); // the library's wording, typed
    await addStatement(page, 'early repolarisation'); // the reader's own wording
    expect(await page.getByTestId('overread-chosen').locator('li').evaluateAll((li) => li.map((l) => l.getAttribute('data-code')))).toEqual(['SR', 'NORM', '']);
    await page.getByTestId('overread-note').fill('No prior ECG for comparison.');
    await page.getByTestId('overread-reader').fill('Dr. E2E Reader');
    await page.getByTestId('overread-sign').click();

    await page.getByTestId('overread-current').waitFor();
    expect(await panel.getAttribute('data-status')).toBe('confirmed');
    expect(await page.getByTestId('overread-statements').locator('li').allTextContents()).toEqual(['sinus rhythm (SR)', 'normal ECG (NORM)', 'early repolarisation']);
    expect(await page.getByTestId('overread-reader-name').textContent()).toBe('Dr. E2E Reader');
    await expect.poll(() => page.locator(`[data-testid="record-row"][data-record-id="${firstId}"]`).getAttribute('data-review')).toBe('confirmed');
    await page.getByTestId('overread').screenshot({ path: artifactPath('overread-confirmed.png') });

    await page.getByTestId('record-review-filter').selectOption('unconfirmed');
    await expect.poll(() => reviewStates(page)).toEqual(Array(4).fill('unconfirmed'));
    await page.getByTestId('record-review-filter').selectOption('all');
    await expect.poll(() => page.getByTestId('record-row').count()).toBe(5);
  });

  it('moves to the next unconfirmed ECG and records a verdict on the real prediction on screen', async () => {
    await page.getByTestId('worklist-next').click();
    const panel = page.locator(`[data-testid="overread"][data-state="ready"]`);
    await expect.poll(() => panel.getAttribute('data-record-id')).not.toBe(firstId);
    expect(await panel.getAttribute('data-status')).toBe('unconfirmed');
    // The last reader's name is offered again.
    expect(await page.getByTestId('overread-reader').inputValue()).toBe('Dr. E2E Reader');

    await runPrediction(page);
    await page.getByTestId('prediction-result').waitFor({ timeout: 60_000 });
    await page.getByTestId('overread-agreement-disagree').check();
    await addStatement(page, 'AFIB');
    await page.getByTestId('overread-sign').click();
    await page.getByTestId('overread-current').waitFor();
    expect(await page.getByTestId('overread-verdict').textContent()).toMatch(/The reader disagreed with AI prediction #\d+\./);
  });

  it('amends a reading: the new one is current, the first stays on file, each step audited with its reader', async () => {
    await openRow(page, firstId);
    await page.getByTestId('overread-amend').click();
    expect(await page.getByTestId('overread-chosen').locator('li').count()).toBe(3);
    await page.getByTestId('overread-chosen').locator('li[data-code="NORM"] button').click();
    await addStatement(page, 'SBRAD');
    await page.getByTestId('overread-reader').fill('Dr. Second');
    await page.getByTestId('overread-sign').click();
    await expect.poll(() => page.getByTestId('overread-reader-name').first().textContent()).toBe('Dr. Second');
    expect(await page.getByTestId('overread-statements').first().locator('li').evaluateAll((li) => li.map((l) => l.getAttribute('data-code')))).toEqual(['SR', 'SBRAD', '']);
    expect(await page.getByTestId('overread-history').locator('summary').textContent()).toBe('Earlier readings (1)');

    const audit = (await cli('audit', '--json', '--data-dir', dataDir)).trim().split('\n').map((l) => JSON.parse(l) as { actor: string; action: string; subject: string });
    const readings = audit.filter((e) => e.action === 'record.confirmed' || e.action === 'record.amended').map((e) => [e.actor, e.action, e.subject]);
    expect(readings).toEqual([
      ['Dr. E2E Reader', 'record.confirmed', `record:${firstId}`],
      ['Dr. E2E Reader', 'record.confirmed', expect.stringMatching(/^record:\d+$/)],
      ['Dr. Second', 'record.amended', `record:${firstId}`],
    ]);
    expect(await cli('list', '--review', 'unconfirmed', '--json', '--data-dir', dataDir)).toMatch(/"total":3/);
  });

  it('compares an ECG with the same patient’s previous one and shows the previous physician reading', async () => {
    // Two GE MUSE exports of one (synthetic) patient, taken a year and a half apart: another date
    // and one sample changed, so they are two recordings (the import identifies an ECG by its samples).
    const muse = readFileSync(path.join(repoRoot, 'core', 'test', 'fixtures', 'formats', 'muse', 'synthetic-latin1.xml'), 'latin1');
    const files = [['muse-2024.xml', '01-02-2024', 0], ['muse-2025.xml', '06-01-2025', 7]].map(([name, date, delta]) => {
      const file = path.join(dataDir, name as string);
      writeFileSync(file, museVariant(muse, date as string, delta as number), 'latin1');
      return file;
    });
    await page.getByTestId('import-files').setInputFiles(files);
    await page.getByTestId('record-row').filter({ hasText: 'muse-2025.xml' }).waitFor();
    const older = (await page.getByTestId('record-row').filter({ hasText: 'muse-2024.xml' }).getAttribute('data-record-id')) ?? '';
    const newer = (await page.getByTestId('record-row').filter({ hasText: 'muse-2025.xml' }).getAttribute('data-record-id')) ?? '';

    await openRow(page, older);
    expect(await page.getByTestId('prior-comparison').count()).toBe(0); // nothing earlier for this patient
    await addStatement(page, 'SR');
    await page.getByTestId('overread-reader').fill('Dr. E2E Reader');
    await page.getByTestId('overread-sign').click();
    await page.getByTestId('overread-current').waitFor();

    await openRow(page, newer);
    const panel = page.getByTestId('prior-comparison');
    await panel.waitFor();
    expect(await panel.getAttribute('data-prior-id')).toBe(older);
    expect(await panel.textContent()).toContain('2024-01-02 08:15:00'); // as the cart wrote it, year first whatever the locale
    await page.getByTestId('prior-row').first().waitFor();
    expect(await page.getByTestId('prior-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-label')))).toEqual(['Heart rate', 'PR', 'QRS', 'QT', 'QTc (fridericia)', 'QRS axis']);
    expect(await page.getByTestId('prior-reading').textContent()).toMatch(/Previous reading by Dr\. E2E Reader: sinus rhythm/);
    await page.getByTestId('prior-open').click();
    await expect.poll(() => page.getByTestId('ecg-plot').getAttribute('data-record-id')).toBe(older);
  });

  it("makes a fine-tuning dataset of the signed readings that state a diagnosis, and puts it in the fine-tune form", async () => {
    const newer = (await page.getByTestId('record-row').filter({ hasText: 'muse-2025.xml' }).getAttribute('data-record-id')) ?? '';
    await openRow(page, newer);
    await addStatement(page, 'NORM');
    await page.getByTestId('overread-sign').click();
    await page.getByTestId('overread-current').waitFor();

    await page.getByTestId('nav-finetune').click();
    // The export is a background job: its progress bar (records written of all, with Cancel) shows from the click
    // until the end, however short the run; an observer sees it come, since one record is written in moments.
    await page.evaluate(() => {
      const seen: string[] = [];
      Reflect.set(window, '__readingsProgressSeen', seen);
      new MutationObserver(() => {
        const bar = document.querySelector('[data-testid="finetune-from-readings-progress"]');
        const state = bar && `${bar.getAttribute('data-status') ?? ''}:${bar.querySelector('[data-testid="finetune-from-readings-cancel"]') ? 'cancel' : ''}`;
        if (state && seen.at(-1) !== state) seen.push(state);
      }).observe(document.body, { childList: true, subtree: true, attributes: true });
    });
    await page.getByTestId('finetune-from-readings').click();
    const summary = page.getByTestId('finetune-from-readings-summary');
    await summary.waitFor();
    const progressSeen = (await page.evaluate(() => Reflect.get(window, '__readingsProgressSeen'))) as string[];
    expect(progressSeen[0]).toBe('starting:cancel');
    expect(await page.getByTestId('finetune-from-readings-progress').count()).toBe(0);
    // Enabled again once the data check the export starts has answered.
    await expect.poll(() => page.getByTestId('finetune-from-readings').isEnabled()).toBe(true);
    // The older MUSE record's SR + SBRAD says nothing about the five classes: left out, not taken as a negative. The two
    // readings signed on bundled samples (the first record, then AFIB on the next) are no site labels: counted apart.
    expect(await summary.textContent()).toMatch(
      /^1 record from signed readings \(NORM 1; splits train \d, validation \d, locked test \d\); 1 reading without a diagnostic statement left out; 2 readings of the bundled demonstration records left out\.$/,
    );
    const folder = await page.getByTestId('finetune-data').inputValue();
    expect(folder.startsWith(path.join(dataDir, 'exports', 'readings-dataset-'))).toBe(true);
    expect(await page.getByTestId('finetune-labels').inputValue()).toBe(path.join(folder, 'labels.csv'));
    // The engine allowed the folder it wrote: nothing left to allow, and the data is checked.
    await page.getByTestId('dataset-check').waitFor();
    expect(await page.getByTestId('folder-need').count()).toBe(0);
    expect(readFileSync(path.join(folder, 'labels.csv'), 'utf8')).toMatch(/^file,label,patient_id,split,sex,age\necgs\/record-\d+-deidentified\.hea,NORM,P[0-9a-f]{16},(train|val|test),[MF]?,\d*\n$/);
    await page.screenshot({ path: artifactPath('finetune-from-readings.png') });
    expect(await page.getByTestId('finetune-from-readings-task').getAttribute('data-task')).toBe('ptbxl-superclass');

    // For the CPSC-class model as the base, the same readings are labelled with its classes: AFIB is AF, NORM is SNR,
    // and a reading whose statements name none of the nine (sinus rhythm, bradycardia) is a negative for each, not left out.
    const cpscModel = await page.getByTestId('finetune-base').locator('option[value^="xresnet1d50-cpsc-classes-demo@"]').getAttribute('value');
    await page.getByTestId('finetune-base').selectOption(cpscModel ?? '');
    await expect.poll(() => page.getByTestId('finetune-from-readings-task').getAttribute('data-task')).toBe('cpsc-classes');
    expect(await page.getByTestId('finetune-from-readings-task').textContent()).toContain('the CPSC 2018 rhythm and conduction classes');
    await page.getByTestId('finetune-from-readings').click();
    await expect.poll(() => summary.textContent()).toMatch(
      // The AF reading (and the first), signed on bundled samples, stay out of this export too.
      /^2 records from signed readings \(SNR 1, negative for every class 1; splits train \d, validation \d, locked test \d\); 2 readings of the bundled demonstration records left out\.$/,
    );
    const cpscFolder = await page.getByTestId('finetune-data').inputValue();
    expect(cpscFolder).not.toBe(folder);
    expect(readFileSync(path.join(cpscFolder, 'labels.csv'), 'utf8').trim().split('\n').slice(1).map((row) => row.split(',')[1]).sort()).toEqual(['-', 'SNR']);
    await page.getByTestId('nav-viewer').click();
  });

  it('keeps an unsigned draft (adopted statement, typed one, note) and an open amendment while the reader opens other records', async () => {
    const chosen = () => page.getByTestId('overread-chosen').locator('li').evaluateAll((li) => li.map((l) => l.getAttribute('data-code') || l.textContent?.trim()));
    const draftId = (await page.locator('[data-testid="record-row"][data-review="unconfirmed"]').first().getAttribute('data-record-id')) ?? '';
    const draftRow = page.locator(`[data-testid="record-row"][data-record-id="${draftId}"]`);
    await openRow(page, draftId);
    // A computed statement adopted with one click: it enters the draft by its code, or as its words.
    const computed = page.getByTestId('computed-statement').first();
    await computed.getByTestId('adopt-statement').click();
    await expect.poll(() => page.getByTestId('overread-chosen').locator('li').count()).toBe(1);
    const adopted = (await chosen())[0];
    await addStatement(page, 'compare with the previous tracing');
    await page.getByTestId('overread-note').fill('Ask for the last ECG.');
    const drafted = [adopted, expect.stringContaining('compare with the previous tracing')];
    await expect.poll(chosen).toEqual(drafted);

    // Away by the keyboard (n/p, whichever has a neighbour) and by a row: the next record's form is its own, empty.
    await page.getByTestId('overread-note').blur();
    await page.locator('body').press((await draftRow.getAttribute('data-position')) === '0' ? 'n' : 'p');
    await expect.poll(() => page.locator('[data-testid="overread"][data-state="ready"]').getAttribute('data-record-id')).not.toBe(draftId);
    expect(await page.getByTestId('overread-draft-restored').count()).toBe(0);
    await openRow(page, firstId);
    await page.getByTestId('overread-amend').click();
    await addStatement(page, 'AFIB');

    await openRow(page, draftId);
    expect(await page.getByTestId('overread-draft-restored').textContent()).toMatch(/Unsigned draft, as you left it: not signed yet\. Drafts are kept only until you close the app\./);
    expect(await chosen()).toEqual(drafted);
    expect(await page.getByTestId('overread-note').inputValue()).toBe('Ask for the last ECG.');
    expect(await page.getByTestId('overread').getAttribute('data-status')).toBe('unconfirmed');
    await page.getByTestId('overread').screenshot({ path: artifactPath('overread-draft-restored.png') });

    // The amendment comes back open, still against the reading it amends.
    await openRow(page, firstId);
    expect(await page.getByTestId('overread-sign').textContent()).toMatch(/Sign amendment/);
    expect(await chosen()).toContain('AFIB');
    await page.getByRole('button', { name: 'Cancel' }).click();

    // Signing ends the draft: back on the record, the signed reading, no draft.
    await openRow(page, draftId);
    await page.getByTestId('overread-sign').click();
    await page.getByTestId('overread-current').waitFor();
    await openRow(page, firstId);
    expect(await page.getByTestId('overread-form').count()).toBe(0); // the cancelled amendment is not kept either
    await openRow(page, draftId);
    expect(await page.getByTestId('overread-form').count()).toBe(0);
    expect(await page.getByTestId('overread-statements').first().locator('li').count()).toBe(2);
  });

  it('makes no request anywhere but its own local bridge', () => {
    expect(app.requests.filter((url) => new URL(url).origin !== app.origin)).toEqual([]);
  });
});
