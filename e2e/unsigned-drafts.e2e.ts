import type { Dialog, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appForSuite, artifactPath } from './app';

/**
 * Unsigned reading drafts live in the window's memory only. In the browser-mode app on the bundled
 * samples: the worklist marks the records holding one, a bar names them, and reloading or leaving
 * the page with drafts asks first (the browser's own prompt); going back, the bar warns how many
 * records and which, and opens them to be signed. With no draft left, the page reloads without asking.
 *
 * The prompt is raised by reloading and by navigating away, which run the page's beforeunload as
 * closing a tab does: this Chromium (150) with playwright-core 1.65 closes a page on
 * `page.close({ runBeforeUnload: true })` without running beforeunload at all (a bare page with
 * a handler that cancels closes the same way), so that call cannot show the prompt here.
 */
async function openRow(page: Page, id: string): Promise<void> {
  await page.locator(`[data-testid="record-row"][data-record-id="${id}"]`).click();
  await page.locator(`[data-testid="overread"][data-record-id="${id}"][data-state="ready"]`).waitFor();
}

/** Reloads the page or goes to `to`, answering every prompt that raises with "stay"; resolves the prompts' types. */
async function staying(page: Page, to: 'reload' | 'about:blank'): Promise<string[]> {
  const dialogs: string[] = [];
  const stay = (dialog: Dialog) => {
    dialogs.push(dialog.type());
    void dialog.dismiss();
  };
  page.on('dialog', stay);
  // From a timer, so the evaluation returns before the page starts to unload.
  await page.evaluate((target) => setTimeout(() => (target === 'reload' ? location.reload() : location.assign(target)), 0), to);
  await expect.poll(() => dialogs.length).toBeGreaterThan(0);
  page.off('dialog', stay);
  return dialogs;
}

describe('browser mode: closing with unsigned reading drafts', () => {
  let page: Page;
  appForSuite(
    (app) => {
      page = app.page;
    },
    { rows: 2 },
  );

  it('marks and names the drafted records, asks before closing, and warns in the window on going back', async () => {
    const rows = page.getByTestId('record-row');
    const [firstId, secondId] = await Promise.all([0, 1].map(async (i) => (await rows.nth(i).getAttribute('data-record-id')) ?? ''));
    const [firstFile, secondFile] = await Promise.all([0, 1].map(async (i) => (await rows.nth(i).locator('.file').textContent()) ?? ''));
    const marked = () => page.locator('[data-testid="record-row"]:has([data-testid="record-draft"])').evaluateAll((r) => r.map((row) => row.getAttribute('data-record-id')));
    expect(await page.getByTestId('unsigned-drafts').count()).toBe(0);

    // A statement on the first record: the open form's work counts at once, before the record is left.
    await openRow(page, firstId);
    await page.getByTestId('overread-statement-input').fill('sinus rhythm, query LVH');
    await page.getByTestId('overread-statement-input').press('Enter');
    await expect.poll(marked).toEqual([firstId]);
    expect(await page.getByTestId('unsigned-drafts').textContent()).toContain('1 record has an unsigned reading draft, kept only until Einthoven closes:');
    // A note on the second: two records hold drafts.
    await openRow(page, secondId);
    await page.getByTestId('overread-note').fill('compare with the ECG of last year');
    await expect.poll(marked).toEqual([firstId, secondId]);
    expect(await page.getByTestId('unsigned-draft').allTextContents()).toEqual([expect.stringContaining(firstFile), expect.stringContaining(secondFile)]);

    // Reloading asks; staying keeps the window, and the bar now warns, naming the records.
    expect(await staying(page, 'reload')).toEqual(['beforeunload']);
    expect(page.isClosed()).toBe(false);
    const bar = page.locator('[data-testid="unsigned-drafts"][data-stopped="true"]');
    expect(await bar.getAttribute('role')).toBe('alert');
    expect(await bar.textContent()).toMatch(
      new RegExp(`Still open\\. 2 records have unsigned reading drafts: ${firstFile}[^;]*; ${secondFile}.*\\. Drafts are not saved: closing or reloading Einthoven loses them\\. Go back to sign them, or close to discard them\\.`),
    );
    await page.screenshot({ path: artifactPath('unsigned-drafts-close-stopped.png') });

    // The bar opens a drafted record, whose draft comes back to be signed.
    await page.locator(`[data-testid="unsigned-draft"][data-record-id="${firstId}"]`).click();
    await page.locator(`[data-testid="overread"][data-record-id="${firstId}"][data-state="ready"]`).waitFor();
    await page.getByTestId('overread-draft-restored').waitFor();
    await page.getByTestId('overread-reader').fill('Dr. Amsel');
    await page.getByTestId('overread-sign').click();
    await page.getByTestId('overread-current').waitFor();
    await expect.poll(marked).toEqual([secondId]);
  });

  it('leaving the page for another address with a draft asks too, as closing the tab does', async () => {
    expect(await staying(page, 'about:blank')).toEqual(['beforeunload']);
    expect(await page.getByTestId('unsigned-draft').count()).toBe(1);
  });

  it('reloads without asking once no record holds a draft', async () => {
    const secondId = (await page.getByTestId('unsigned-draft').getAttribute('data-record-id')) ?? '';
    await page.getByTestId('unsigned-draft').click();
    await page.locator(`[data-testid="overread"][data-record-id="${secondId}"][data-state="ready"]`).waitFor();
    await page.getByTestId('overread-note').fill('');
    await expect.poll(() => page.getByTestId('unsigned-drafts').count()).toBe(0);
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.type());
      void dialog.dismiss();
    });
    await page.reload();
    await page.getByTestId('record-row').first().waitFor();
    expect(dialogs).toEqual([]);
  });
});
