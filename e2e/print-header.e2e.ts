import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appForSuite } from './app';
import { beatWave, wfdbRecord } from './generated';

/**
 * On screen the title line gives the patient's sex and age; that line is not printed, so the sheet's
 * own header must give them (a QTc of 470 ms reads differently for a man and a woman).
 */
describe('browser mode: the printed header says whose ECG by sex and age', () => {
  let page: Page;
  appForSuite((app) => {
    page = app.page;
  });

  it('prints "female, 81 y" from a WFDB header that states them, as the screen shows them', async () => {
    const lead = (name: string, k: number) => ({ name, units: 'mV', gain: 200, values: beatWave(k / 50, 0.5 + k / 20) });
    const files = wfdbRecord('aged-81', 500, 10, ['I', 'II', 'V1'].map(lead), ['<age>: 81  <sex>: F']);
    await page.getByTestId('import-files').setInputFiles([...files]);
    await page.locator('[data-testid="record-row"]', { hasText: 'aged-81' }).click();
    await expect.poll(() => page.getByTestId('record-meta').textContent()).toMatch(/female, 81 y/);
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByTestId('record-meta').isVisible()).toBe(false);
    expect(await page.getByTestId('print-header').textContent()).toMatch(/^\s*no patient identifiers in the file · female, 81 y · record \d+ · aged-81\.hea/);
    await page.emulateMedia({ media: 'screen' });
  });
});
