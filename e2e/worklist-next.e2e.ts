import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appForSuite } from './app';
import { beatWave, wfdbRecord } from './generated';

/**
 * A worklist longer than the page the list fetches first: "Next unconfirmed ECG" goes on past the
 * rows fetched so far, instead of saying none is left while the rest of the list waits unread.
 */

/** The rows the list fetches first (renderer/src/lib/app-state.svelte.ts, worklistPageSize; that module needs Svelte's compiler). */
const worklistPageSize = 200;

/** One engine request from the page, as the app makes it (the session's token, the real engine behind it). */
function invoke(page: Page, channel: string, request: unknown): Promise<unknown> {
  return page.evaluate(
    async ([channel, request]) => {
      const token = sessionStorage.getItem('einthoven.session-token') ?? '';
      const response = await fetch(`/api/invoke/${channel}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-einthoven-token': token }, body: JSON.stringify(request) });
      return (await response.json()) as unknown;
    },
    [channel, request] as const,
  );
}

describe('browser mode: the next unconfirmed ECG beyond the rows fetched', () => {
  let page: Page;
  appForSuite((app) => {
    page = app.page;
  });

  it('offers the first unconfirmed record after a fully signed first page, and opens it', async () => {
    const files = Array.from({ length: worklistPageSize }, (_, i) =>
      wfdbRecord(`long-${String(i).padStart(3, '0')}`, 250, 1, [{ name: 'II', units: 'mV', gain: 200, values: beatWave(i / 211) }]),
    ).flat();
    await page.getByTestId('import-files').setInputFiles(files);
    // The bundled samples and these: more than one page.
    await expect.poll(() => page.getByTestId('record-list').getAttribute('data-total'), { timeout: 120_000 }).toBe(String(worklistPageSize + 5));
    // The list at its top, where a reader starts: the rows past the first page are not fetched.
    await page.getByTestId('record-list').evaluate((list) => list.scrollTo({ top: 0 }));
    const { value } = (await invoke(page, 'records:ids', { sort: 'imported', order: 'desc' })) as { value: { ids: number[] } };
    // A reader (here, another workstation's, through the same engine) has signed every record of the first page.
    for (const recordId of value.ids.slice(0, worklistPageSize)) {
      expect(await invoke(page, 'overreads:confirm', { recordId, freeText: ['normal tracing'], reader: 'Dr. Earlier' })).toMatchObject({ ok: true });
    }
    const first = page.locator(`[data-testid="record-row"][data-record-id="${value.ids[0]}"]`);
    await expect.poll(() => first.getAttribute('data-review')).toBe('confirmed');
    await first.click();
    await page.locator(`[data-testid="overread"][data-record-id="${value.ids[0]}"][data-state="ready"]`).waitFor();
    await page.getByTestId('worklist-next').click({ timeout: 10_000 });
    await expect.poll(() => page.getByTestId('overread').getAttribute('data-record-id')).toBe(String(value.ids[worklistPageSize]));
    expect(await page.getByTestId('overread').getAttribute('data-status')).toBe('unconfirmed');
    // The keyboard's U goes on the same way, to the next one, not yet fetched either.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('u');
    await expect.poll(() => page.getByTestId('overread').getAttribute('data-record-id')).toBe(String(value.ids[worklistPageSize + 1]));
  });
});
