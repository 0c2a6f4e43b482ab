import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, cli, launchApp, type RunningApp } from './app';

/**
 * Local roles (core/engine/site-policy.ts) in the running app: under a site policy that makes
 * this account a reader, the header says so, the fine-tune form is replaced by the reason, and
 * the default model cannot be changed; reading ECGs is unaffected. (The machine's own policy
 * file does not exist on CI, so EINTHOVEN_POLICY_FILE is the one read.)
 */
describe('browser mode: a site policy that makes this account a reader', () => {
  let app: RunningApp;
  let page: Page;
  let policy: string;
  const me = os.userInfo().username;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-e2e-policy-data-'));

  beforeAll(async () => {
    policy = path.join(mkdtempSync(path.join(os.tmpdir(), 'einthoven-e2e-policy-')), 'policy.json');
    writeFileSync(policy, JSON.stringify({ trainers: ['somebody-else'], admins: ['it-admin'] }));
    // Under a site policy the bundled demonstration samples are not imported (core/db/demonstration-records.ts): a patient's record is.
    await cli('import', '--data-dir', dataDir, path.join('e2e', 'fixtures', 'ptbxl', '00131_hr.hea'));
    app = await launchApp({ dataDir, env: { EINTHOVEN_POLICY_FILE: policy } });
    page = app.page;
    await page.getByTestId('record-row').first().waitFor();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('says whose roles apply, and still opens and measures a record', async () => {
    expect(await page.getByTestId('site-access').textContent()).toBe(`${me} · reader`);
    expect(await page.getByTestId('site-access').getAttribute('title')).toMatch(/^Roles of account '.+' from the site policy .*policy\.json: reader$/);
    await page.getByTestId('record-row').first().click();
    await page.locator('[data-testid="measure-hr"][data-value]').waitFor();
  });

  it('replaces the fine-tune form by the reason, and keeps the default model', async () => {
    await page.getByTestId('nav-finetune').click();
    expect(await page.getByTestId('finetune-forbidden').textContent()).toMatch(/^Fine-tuning needs the trainer role: the site policy .*policy\.json does not give account '.+' it; ask the site's IT\.$/);
    expect(await page.getByTestId('finetune-start').isDisabled()).toBe(true);
    await page.screenshot({ path: artifactPath('site-policy-finetune.png') });

    await page.getByTestId('nav-models').click();
    const rows = page.getByTestId('model-row');
    await rows.first().waitFor();
    // Whichever installed model is not the default offers promotion: disabled, saying why. Each
    // row's detail is waited for before looking, so a slow answer is not taken for "no button".
    const ids = await rows.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-model-id') ?? ''));
    for (const id of ids) {
      await page.locator(`[data-testid="model-row"][data-model-id="${id}"]`).click();
      await page.locator(`[data-testid="model-detail"][data-model-id="${id}"]`).waitFor();
      await page.locator('[data-testid="model-promote"], [data-testid="model-is-default"]').first().waitFor();
      if ((await page.getByTestId('model-promote').count()) > 0) break;
    }
    const promote = page.getByTestId('model-promote');
    await promote.waitFor();
    expect(await promote.isDisabled()).toBe(true);
    expect(await promote.getAttribute('title')).toMatch(/^Changing the default model needs the admin role/);
    expect(await page.getByTestId('paired-start').getAttribute('title')).toMatch(/^Comparing models on a dataset needs the trainer role/);
  });

  it('applies a change IT makes to the policy while the app is open, at the next view, without a restart', async () => {
    writeFileSync(policy, JSON.stringify({ trainers: ['somebody-else', me], admins: ['it-admin'] }));
    await page.getByTestId('nav-finetune').click();
    await expect.poll(() => page.getByTestId('site-access').textContent()).toBe(`${me} · trainer`);
    await page.getByTestId('finetune-forbidden').waitFor({ state: 'detached' });
    // And withdrawn the same way: the engine refuses from its next request, the header follows at the next view.
    writeFileSync(policy, JSON.stringify({ trainers: ['somebody-else'], admins: ['it-admin'] }));
    await page.getByTestId('nav-viewer').click();
    await page.getByTestId('nav-finetune').click();
    await page.getByTestId('finetune-forbidden').waitFor();
    expect(await page.getByTestId('site-access').textContent()).toBe(`${me} · reader`);
  });

  it('lets only an admin remove a record, with a reason, audited; the record leaves the screen and the list', async () => {
    await page.getByTestId('nav-viewer').click();
    await page.getByTestId('record-row').first().click();
    const open = page.getByTestId('record-remove-open');
    expect(await open.isDisabled()).toBe(true);
    expect(await open.getAttribute('title')).toMatch(/^Removing a record needs the admin role: the site policy .*policy\.json does not give account '.+' it/);
    // IT makes this account an admin; the header and the button follow at the next view.
    writeFileSync(policy, JSON.stringify({ trainers: ['somebody-else'], admins: ['it-admin', me] }));
    await page.getByTestId('nav-models').click();
    await page.getByTestId('nav-viewer').click();
    await expect.poll(() => page.getByTestId('site-access').textContent()).toBe(`${me} · admin`);
    const list = page.getByTestId('record-list');
    const before = Number(await list.getAttribute('data-total'));
    const row = page.getByTestId('record-row').first();
    const id = Number(await row.getAttribute('data-record-id'));
    await row.click();
    await open.click();
    const confirm = page.getByTestId('record-remove-confirm');
    expect(await confirm.isDisabled()).toBe(true);
    await page.getByTestId('record-remove-reason').fill('filed under the wrong patient');
    await page.screenshot({ path: artifactPath('record-remove.png') });
    await confirm.click();
    await expect.poll(() => page.getByTestId('app-notice').textContent()).toMatch(
      new RegExp(`^Record ${id} was removed with 0 predictions, 0 physician readings, 0 notes, 0 corrections, 0 PE assessments \\(an amended reading, correction or PE assessment counts once per signed version\\)\\. Still holding it, .*: backups of the data folder made before now \\(restoring one brings the record back: make a backup now, from which a restore removes it again with --reapply-removals-from\\); .*; the audit trail`),
    );
    await expect.poll(async () => Number(await list.getAttribute('data-total'))).toBe(before - 1);
    expect(await page.locator(`[data-testid="record-row"][data-record-id="${id}"]`).count()).toBe(0);
    const audited = (await cli('audit', '--json', '--action', 'record.removed', '--data-dir', dataDir)).trim().split('\n').map((l) => JSON.parse(l) as { subject: string; details: { reason: string } });
    expect(audited).toEqual([expect.objectContaining({ subject: `record:${id}`, details: expect.objectContaining({ reason: 'filed under the wrong patient' }) })]);
  });
});
