import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchApp, type RunningApp } from './app';

describe('browser mode: loading the app', () => {
  let app: RunningApp;
  let page: Page;

  beforeAll(async () => {
    app = await launchApp();
    page = app.page;
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  it('asks the server for nothing it lacks: no 404 (the favicon once was) and no other error in the console', async () => {
    await page.getByTestId('record-row').first().waitFor();
    // The browser asks for an icon once the page has loaded; loading it again waits for that.
    await page.reload({ waitUntil: 'load' });
    await page.getByTestId('record-row').first().waitFor();
    expect(app.consoleErrors).toEqual([]);
    expect(await page.locator('link[rel="icon"]').getAttribute('href')).toMatch(/^data:image\/svg\+xml,/);
  });
});
