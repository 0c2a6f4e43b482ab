import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { appForSuite, type RunningApp } from './app';

describe('browser mode: loading the app', () => {
  let app: RunningApp;
  let page: Page;
  appForSuite((opened) => {
    app = opened;
    page = opened.page;
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
