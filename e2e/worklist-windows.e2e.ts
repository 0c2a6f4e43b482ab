import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelRequests, cli, launchApp, type RunningApp } from './app';

/**
 * Two windows on one engine (browser mode opens as many tabs as the reader likes): a reading signed
 * and a note added in one are listed in the other's worklist without the reader touching it there,
 * a record removed in one leaves the other's screen, and records the CLI imports into the app's
 * data folder are listed in both.
 */

const row = (page: Page, id: string) => page.locator(`[data-testid="record-row"][data-record-id="${id}"]`);

async function openRow(page: Page, id: string): Promise<void> {
  await row(page, id).click();
  await page.locator(`[data-testid="overread"][data-record-id="${id}"][data-state="ready"]`).waitFor();
}

describe('browser mode: a worklist follows what another window changed', () => {
  let app: RunningApp;
  let first: Page;
  let second: Page;
  let id = '';
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-e2e-windows-'));

  beforeAll(async () => {
    app = await launchApp({ dataDir });
    first = app.page;
    await first.getByTestId('record-row').first().waitFor();
    id = (await first.getByTestId('record-row').last().getAttribute('data-record-id')) ?? '';
    // The address the server printed, opened a second time: a window of its own on the same engine.
    const browser = first.context().browser();
    if (!browser) throw new Error('no browser');
    second = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await second.goto(app.url);
    await second.getByTestId('record-row').first().waitFor();
  });

  afterAll(async () => {
    await app?.close();
  });

  it("lists a record the CLI imports into the open app's data folder in every window, without a filter touched", async () => {
    expect(await first.getByTestId('record-row').filter({ hasText: '00131_hr' }).count()).toBe(0);
    await cli('import', '--data-dir', dataDir, path.join('e2e', 'fixtures', 'ptbxl', '00131_hr.hea'));
    for (const page of [first, second]) await page.getByTestId('record-row').filter({ hasText: '00131_hr' }).waitFor({ timeout: 20_000 });
  });

  it('lists a reading signed in the other window as confirmed, and shows it in the reading panel where that record is open', async () => {
    expect(await row(first, id).getAttribute('data-review')).toBe('unconfirmed');
    await openRow(first, id);
    expect(await first.getByTestId('overread').getAttribute('data-status')).toBe('unconfirmed');
    await openRow(second, id);
    await second.getByTestId('overread-statement-input').fill('Normal ECG');
    await second.getByTestId('overread-statement-input').press('Enter');
    await second.getByTestId('overread-reader').fill('Dr. Other Window');
    await second.getByTestId('overread-sign').click();
    await second.getByTestId('overread-current').waitFor();
    await expect.poll(() => row(first, id).getAttribute('data-review')).toBe('confirmed');
    await expect.poll(() => first.getByTestId('overread').getAttribute('data-status')).toBe('confirmed');
    expect(await first.getByTestId('overread-reader-name').textContent()).toBe('Dr. Other Window');
  });

  it("counts a note added in the other window on the first window's row", async () => {
    expect(await row(first, id).getByTestId('record-notes').count()).toBe(0);
    await second.getByTestId('note-place').click();
    await second.getByTestId('note-time').fill('2.5');
    await second.getByTestId('note-text').fill('artefact');
    await second.getByTestId('note-author').fill('Dr. Other Window');
    await second.getByTestId('note-add').click();
    await second.getByTestId('tracing-note').waitFor();
    await expect.poll(() => row(first, id).getByTestId('record-notes').getAttribute('data-count')).toBe('1');
  });

  it('takes a record removed in the other window off this screen, saying where it went', async () => {
    const other = (await first.getByTestId('record-row').first().getAttribute('data-record-id')) ?? '';
    await openRow(first, other);
    await openRow(second, other);
    await second.getByTestId('record-remove-open').click();
    await second.getByTestId('record-remove-reason').fill('filed under the wrong patient');
    await second.getByTestId('record-remove-confirm').click();
    // The window that removed it says what went; the other, that it was removed elsewhere.
    await expect.poll(() => second.getByTestId('app-notice').textContent()).toMatch(new RegExp(`^Record ${other} was removed with `));
    await expect.poll(() => first.getByTestId('app-notice').textContent()).toBe(`Record ${other} was removed in another window; it is no longer stored.`);
    // The notice comes with the event; the list is read again after it (coalesced), so its row goes a moment later.
    await expect.poll(() => first.locator(`[data-testid="ecg-plot"][data-record-id="${other}"]`).count()).toBe(0);
    await expect.poll(() => row(first, other).count()).toBe(0);
  });

  it('does not read its list again for each prediction of a batch run in the other window', async () => {
    const listed = Number(await first.getByTestId('record-list').getAttribute('data-total'));
    const reads = channelRequests(first, 'records:list');
    await second.getByTestId('batch-run').click();
    await expect.poll(() => second.getByTestId('batch-summary').getAttribute('data-done'), { timeout: 120_000 }).toBe(String(listed));
    // A note after the batch: once this window lists it, every change before it has been heard here (one ordered stream).
    const target = (await first.getByTestId('record-row').first().getAttribute('data-record-id')) ?? '';
    await openRow(second, target);
    await second.getByTestId('note-place').click();
    await second.getByTestId('note-time').fill('1');
    await second.getByTestId('note-text').fill('after the batch');
    await second.getByTestId('note-author').fill('Dr. Other Window');
    await second.getByTestId('note-add').click();
    await expect.poll(() => row(first, target).getByTestId('record-notes').getAttribute('data-count')).toBe('1');
    reads.stop();
    // No "flagged by" filter here: the predictions changed no row, the note one.
    expect(reads.requests).toHaveLength(1);
  });
});
