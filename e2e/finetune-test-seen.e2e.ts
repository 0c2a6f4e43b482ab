import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { allowTestSeenByBaseInApp } from '../core/contract/training-schemas';
import { loadPtbxl } from '../core/data/ptbxl';
import { ptbxlFixtureWithFoldsSwapped } from '../core/test/swapped-folds';
import { appForSuite, fillFinetuneData, repoRoot, startHeadFinetune } from './app';

/**
 * A fine-tuning in the app whose every locked test record the bundled starter trained on: the real
 * PTB-XL fixture with folds 1 and 10 swapped, as a hospital's labels CSV for NORM, so its test split
 * is fold 1's two records. Refused until the Advanced settings' box is ticked, and the tick is for
 * that one job: the next start is refused again, and a tick is gone once the data changes.
 */
const starter = (JSON.parse(readFileSync(path.join(repoRoot, 'resources', 'models', 'starter', 'manifest.json'), 'utf8')) as { id: string }).id;
const refusal = /every one of the 2 test records within the model's intended input is among the training and validation records of xresnet1d50-ptbxl-pool-demo .*Nothing was trained\./;

/** The swapped copy's labels CSV: NORM against the rest, with its patients and (swapped) splits. */
async function normLabels(root: string, labels: string): Promise<void> {
  const ds = await loadPtbxl(root, { fs: 100 });
  const norm = ds.classes.indexOf('NORM');
  const rows = ds.items.map((i) => `${path.relative(root, i.files[0] as string)},${i.labels[norm]},${i.patientId ?? ''},${i.split}`);
  writeFileSync(labels, `file,label,patient_id,split\n${rows.join('\n')}\n`);
}

describe('browser mode: fine-tuning a base that trained on every test record', () => {
  let page: Page;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-e2e-test-seen-'));
  const root = path.join(dir, 'hospital');
  const labels = path.join(dir, 'norm.csv');

  beforeAll(async () => {
    ptbxlFixtureWithFoldsSwapped(root);
    await normLabels(root, labels);
  });
  appForSuite((app) => {
    page = app.page;
  });

  /** The refusal shown, naming the box to tick (not the CLI's flag). */
  async function expectRefused(): Promise<void> {
    const error = page.getByTestId('finetune-error');
    await error.waitFor({ timeout: 60_000 });
    const text = (await error.textContent()) ?? '';
    expect(text).toMatch(refusal);
    expect(text.endsWith(`; or, to fine-tune all the same and evaluate the model on other records later, ${allowTestSeenByBaseInApp}`)).toBe(true);
  }

  it('is refused naming the box, goes ahead once it is ticked with its warning kept in view, and the next job must be asked for again', async () => {
    await fillFinetuneData(page, { base: starter, name: 'norm seen by base', folder: root, labels });
    await startHeadFinetune(page, { positiveClass: 'NORM', minExamples: { train: 1, val: 1 }, epochs: 1 });
    await expectRefused();

    // Ticked, as the refusal says, and started again on the same base and data.
    await page.getByTestId('finetune-advanced').locator('summary').click();
    const box = page.getByTestId('finetune-allow-test-seen');
    expect(await box.isChecked()).toBe(false);
    await box.check();
    await page.getByTestId('finetune-start').click();
    // The override was for the job just started: the box no longer holds it.
    await expect.poll(() => box.isChecked()).toBe(false);
    const result = page.locator('[data-testid="finetune-result"][data-status="succeeded"]');
    await result.waitFor({ timeout: 90_000 });
    // Warned of before training, and still in view once later phases replaced the phase line.
    const warning = /^warning: .*: every one of the 2 test records within the model's intended input is among the training and validation records of xresnet1d50-ptbxl-pool-demo .*; fine-tuning all the same, as asked$/;
    expect(await page.getByTestId('finetune-notice').allTextContents()).toContainEqual(expect.stringMatching(warning));
    expect(await page.getByTestId('finetune-phase').textContent()).not.toMatch(/fine-tuning all the same/);
    // Its figures are shown as no locked test.
    expect(await result.getByTestId('finetune-not-locked').textContent()).toMatch(/^Not a locked test: every one of the 2 test records is among the training and validation records of /);
    // Nor is the comparison with the base, on the same records, said to be on a locked test.
    const comparison = (await result.getByTestId('finetune-comparison').textContent()) ?? '';
    expect(comparison).toContain('Both models on the same test records, not a locked test; each at its own operating point.');
    expect(comparison).not.toMatch(/locked test records/);
    // Said once: the base saw every record, and so the comparison is optimistic too, under the heading; not again as their overlap with its training data.
    expect(await result.getByTestId('finetune-not-locked').textContent()).toMatch(/, and so is the comparison with the base: /);
    expect(await result.getByTestId('comparison-overlap').count()).toBe(0);
    expect(comparison).not.toMatch(/2 of the 2 test records/);

    // The next job, on the same base and data (its name proposed anew): refused again, the box unticked.
    expect(await box.isChecked()).toBe(false);
    await page.getByTestId('finetune-start').click();
    await expectRefused();
    expect(await box.isChecked()).toBe(false);
    // Ticked, then the data changed before a start: the tick was for the earlier data, and is gone.
    await box.check();
    await page.getByTestId('finetune-data').fill(path.join(dir, 'elsewhere'));
    expect(await box.isChecked()).toBe(false);
  });
});
