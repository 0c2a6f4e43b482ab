import type { Page, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appForSuite } from './app';

/**
 * The statement library loads at start, alongside the record list. A reader quick enough to type
 * "AFIB" and press Enter before it had arrived got the free text "AFIB", not the coded statement:
 * nothing could tell the code from the reader's own words yet, and a coded reading was silently
 * stored uncoded (agreement counts and statistics miss it). The same happened, every time, when the
 * library could not be read, with no word of it on screen. The library's answer is held back (or
 * refused) here by intercepting its one request, so the race is reproduced without any waiting.
 */

const libraryChannel = (url: URL) => decodeURIComponent(url.pathname).endsWith('/api/invoke/statements:library');

/** Opens the list's `nth` record (the first by default) and waits for its reading. */
async function openRow(page: Page, nth = 0): Promise<void> {
  const row = page.getByTestId('record-row').nth(nth);
  const id = (await row.getAttribute('data-record-id')) ?? '';
  await row.click();
  await page.locator(`[data-testid="overread"][data-record-id="${id}"][data-state="ready"]`).waitFor();
}

/** Loads the window again (its library asked for anew) and opens the first record's reading. */
async function reloadAndOpenFirstRow(page: Page): Promise<void> {
  await page.reload();
  await page.getByTestId('record-row').first().waitFor();
  await openRow(page);
}

async function enterStatement(page: Page, text: string): Promise<void> {
  await page.getByTestId('overread-statement-input').fill(text);
  await page.getByTestId('overread-statement-input').press('Enter');
}

/** Holds the library's request until the returned function is called: the answer arrives late, as on a busy workstation. */
async function holdLibrary(page: Page): Promise<() => void> {
  let release = (): void => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(libraryChannel, async (route: Route) => {
    await held;
    await route.continue();
  });
  return () => release();
}

const chosen = (page: Page) => page.locator('[data-testid="overread-chosen"] li');
const chosenCodes = (page: Page) => chosen(page).evaluateAll((items) => items.map((li) => li.getAttribute('data-code')));

describe('browser mode: a statement typed before the statement library is here', () => {
  let page: Page;
  appForSuite((app) => void (page = app.page));

  it('AFIB entered while the library is still loading is added coded once it arrives, never as free text', async () => {
    const release = await holdLibrary(page);
    await reloadAndOpenFirstRow(page);

    await enterStatement(page, 'AFIB');
    // Either the form says it waits for the library, or (the fault) the entry went in at once as free text.
    await page.locator('[data-testid="overread-library-loading"], [data-testid="overread-chosen"] li').first().waitFor();
    expect(await chosenCodes(page)).toEqual([]);
    expect(await page.getByTestId('overread-library-loading').textContent()).toMatch(/Loading statements… “AFIB” is added when the library has arrived/);

    release();
    await page.locator('[data-testid="overread-chosen"] li[data-code="AFIB"]').waitFor();
    expect(await chosenCodes(page)).toEqual(['AFIB']);
    expect(await page.getByTestId('overread-statement-input').inputValue()).toBe('');
    await page.unroute(libraryChannel);
    // An empty form again: no unsigned draft for the next test's reload to warn of.
    await chosen(page).getByRole('button').click();
    await chosen(page).waitFor({ state: 'detached' });
  });

  it('a computed statement adopted while the library is still loading goes in coded once it arrives, not as its words', async () => {
    const release = await holdLibrary(page);
    await page.reload();
    // The bundled first-degree AV block sample, whose computed statements include 1AVB.
    const row = page.getByTestId('record-row').filter({ hasText: '00102_hr' });
    const id = (await row.getAttribute('data-record-id')) ?? '';
    await row.click();
    await page.locator(`[data-testid="overread"][data-record-id="${id}"][data-state="ready"]`).waitFor();
    await page.locator('[data-testid="computed-statement"][data-code="1AVB"] [data-testid="adopt-statement"]').click();
    // A typed entry after it: once the form says it waits, the adoption has been dealt with too.
    await enterStatement(page, 'AFIB');
    await page.locator('[data-testid="overread-library-loading"], [data-testid="overread-chosen"] li').first().waitFor();
    expect(await chosenCodes(page)).toEqual([]);

    release();
    await expect.poll(async () => (await chosenCodes(page)).sort()).toEqual(['1AVB', 'AFIB']);
    await page.unroute(libraryChannel);
    for (const _ of ['1AVB', 'AFIB']) await chosen(page).first().getByRole('button').click();
    await chosen(page).first().waitFor({ state: 'detached' });
  });

  it('a library that cannot be read is said so, the typed AFIB stays in the input, and reading it again codes it', async () => {
    await page.route(libraryChannel, (route: Route) => route.fulfill({ status: 500, contentType: 'text/plain', body: 'engine unavailable' }));
    await reloadAndOpenFirstRow(page);

    await enterStatement(page, 'AFIB');
    await page.locator('[data-testid="overread-library-error"], [data-testid="overread-chosen"] li').first().waitFor();
    expect(await chosenCodes(page)).toEqual([]);
    expect(await page.getByTestId('overread-library-error').textContent()).toMatch(/The statement library could not be read: .*HTTP 500.*A typed statement is not added until it is read/s);
    expect(await page.getByTestId('overread-statement-input').inputValue()).toBe('AFIB');

    await page.unroute(libraryChannel);
    await page.getByTestId('overread-library-retry').click();
    await page.getByTestId('overread-library-error').waitFor({ state: 'detached' });
    await page.getByTestId('overread-statement-input').press('Enter');
    await page.locator('[data-testid="overread-chosen"] li[data-code="AFIB"]').waitFor();
    expect(await chosenCodes(page)).toEqual(['AFIB']);
  });

  it('Sign waits while a typed statement waits for the library, naming it, and the signed amendment holds it coded', async () => {
    // The last test left AFIB in the first record's draft: signed here, so that the record has a reading to amend.
    await page.getByTestId('overread-reader').fill('Dr. Waits');
    await page.getByTestId('overread-sign').click();
    const current = page.locator('[data-testid="overread-current"] [data-testid="overread-statements"] li');
    await current.first().waitFor();

    const release = await holdLibrary(page);
    await reloadAndOpenFirstRow(page);
    // Amending starts from the signed AFIB, the reader's name filled in: Sign would be enabled at once.
    await page.getByTestId('overread-amend').click();
    await enterStatement(page, 'LVH');
    await page.getByTestId('overread-library-loading').waitFor();
    const sign = page.getByTestId('overread-sign');
    expect(await sign.isDisabled()).toBe(true);
    expect(await page.getByTestId('overread-blocked').textContent()).toMatch(/To sign: wait for the statement library: “LVH” is not in the reading yet/);

    release();
    await page.locator('[data-testid="overread-chosen"] li[data-code="LVH"]').waitFor();
    await page.unroute(libraryChannel);
    await sign.click();
    await page.locator('[data-testid="overread-current"] [data-testid="overread-statements"] li[data-code="LVH"]').waitFor();
    expect(await current.evaluateAll((items) => items.map((li) => li.getAttribute('data-code')))).toEqual(['AFIB', 'LVH']);
  });

  it('a statement waiting for the library stays with the record it was typed into: the next record’s form is free, and it goes in coded on coming back', async () => {
    const release = await holdLibrary(page);
    await page.reload();
    await page.getByTestId('record-row').nth(2).waitFor();
    await openRow(page, 1);
    await enterStatement(page, 'LVH');
    await page.getByTestId('overread-library-loading').waitFor();

    await openRow(page, 2);
    const input = page.getByTestId('overread-statement-input');
    // This record's own form: nothing typed into it waits, so neither its input nor its Sign is held.
    expect(await page.getByTestId('overread-library-loading').count()).toBe(0);
    expect(await input.inputValue()).toBe('');
    expect(await input.getAttribute('readonly')).toBeNull();
    expect(await page.getByTestId('overread-blocked').textContent()).toBe('To sign: add at least one statement');

    release();
    // Once the library is here a statement typed now is coded, and the one typed into the other record is not in this draft.
    await enterStatement(page, 'AFIB');
    await page.locator('[data-testid="overread-chosen"] li[data-code="AFIB"]').waitFor();
    await page.unroute(libraryChannel);
    expect(await chosenCodes(page)).toEqual(['AFIB']);
    await chosen(page).getByRole('button').click();
    await chosen(page).waitFor({ state: 'detached' });

    await openRow(page, 1);
    await page.locator('[data-testid="overread-chosen"] li[data-code="LVH"]').waitFor();
    expect(await chosenCodes(page)).toEqual(['LVH']);
    expect(await input.inputValue()).toBe('');
    await chosen(page).getByRole('button').click();
    await chosen(page).waitFor({ state: 'detached' });
  });
});
