import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appForSuite, repoRoot } from './app';

/**
 * What the viewer withholds where the signal cannot support it, on real PTB-XL records imported
 * through the file picker (one import for the file):
 * - 00143 at 100 Hz, a paced ECG whose spikes cannot be seen at that rate, with a 210 ms QRS: its
 *   block and axis statements say why they cannot be confirmed, in place of "Adopt into reading";
 *   its rhythm statement, which pacing does not touch, keeps the button.
 * - 00023, atrial flutter with 2:1 conduction: no PR and no P axis ("—" with the reason) on
 *   screen and on paper, QTc not interpretable over the flutter waves, and its left axis
 *   deviation, on narrow complexes, adoptable.
 */
const fixture = (...parts: string[]) => path.join(repoRoot, 'core', 'test', 'fixtures', ...parts);
const records = [
  ...['hea', 'dat'].map((ext) => fixture('formats', 'ptbxl', `00143_lr.${ext}`)),
  ...['hea', 'dat'].map((ext) => fixture('signal', 'ptbxl-flutter', `00023_hr.${ext}`)),
];

/** Opens the record whose row shows `name` and waits for its measurements and its reading. */
async function open(page: Page, name: string): Promise<void> {
  const id = await page.getByTestId('record-row').filter({ hasText: name }).getAttribute('data-record-id');
  await page.getByTestId('record-row').filter({ hasText: name }).click();
  await page.locator(`[data-testid="ecg-plot"][data-record-id="${id ?? ''}"] [data-testid="measure-hr"]`).waitFor();
  await page.locator(`[data-testid="overread"][data-record-id="${id ?? ''}"][data-state="ready"]`).waitFor();
}

const statement = (page: Page, code: string): Locator => page.locator(`[data-testid="computed-statement"][data-code="${code}"]`);

/** Each computed statement as its code, whether it offers "Adopt into reading", and why not where it says so. */
const offers = (page: Page) =>
  page.getByTestId('computed-statement').evaluateAll((items) =>
    items.map((li) => ({
      code: li.getAttribute('data-code'),
      adopt: li.querySelector('[data-testid="adopt-statement"]') !== null,
      unconfirmable: li.querySelector('[data-testid="statement-unconfirmable"]')?.textContent ?? null,
    })),
  );

describe('browser mode: statements not offered for adoption, PR and P axis withheld in flutter', () => {
  let page: Page;
  appForSuite((app) => {
    page = app.page;
  });

  it('imports both records through the file picker', async () => {
    await page.getByTestId('import-files').setInputFiles(records);
    await expect.poll(() => page.getByTestId('import-report').getAttribute('data-outcome')).toBe('succeeded');
    expect(await page.getByTestId('import-report-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')))).toEqual(['imported', 'imported']);
  });

  it('PTB-XL 00143 at 100 Hz: block and axis statements on possibly paced complexes show why in place of the Adopt button; the rhythm statement keeps it', async () => {
    await open(page, '00143_lr');
    const why = new RegExp(
      '^Not offered for adoption: a QRS of 210 ms, over 160 ms, may be ventricular paced, and no pacemaker spike can be seen at this ' +
        'sampling rate to exclude it: block, axis and QTc criteria do not apply to paced complexes',
    );
    expect(await offers(page)).toEqual([
      { code: 'URHY', adopt: true, unconfirmable: null },
      { code: 'CRBBB', adopt: false, unconfirmable: expect.stringMatching(why) },
      { code: 'LAFB', adopt: false, unconfirmable: expect.stringMatching(why) },
      { code: 'LAD', adopt: false, unconfirmable: expect.stringMatching(why) },
    ]);
    // The caveat stays beside the statement as well: exclude a pacemaker before reading it.
    expect(await statement(page, 'CRBBB').textContent()).toMatch(/Complete right bundle branch block.*sampled at 100 Hz.*exclude a pacemaker before reading them/);
    // The one that is offered still adopts with one click.
    await statement(page, 'URHY').getByTestId('adopt-statement').click();
    await expect.poll(() => page.getByTestId('overread-chosen').locator('li').allTextContents()).toContainEqual(expect.stringMatching(/Rhythm undetermined/));
  });

  it('PTB-XL 00023, flutter with 2:1 conduction: PR and P axis tiles show "—" with the reason; QTc not interpretable; its statements stay adoptable', async () => {
    await open(page, '00023_hr');
    const why = 'atrial flutter suspected: no sinus P wave, so no PR interval or P axis (the wave before the QRS is an atrial flutter or fibrillation wave)';
    for (const tile of ['measure-pr', 'measure-axis-p']) {
      const item = page.getByTestId(tile);
      expect(await item.getAttribute('data-value')).toBe('');
      expect(await item.locator('.value').textContent()).toBe('—');
      expect(await item.locator('.reason').textContent()).toBe(why);
    }
    expect(await page.getByTestId('measure-qtc').getAttribute('data-flag')).toBe('not-interpretable');
    expect(await page.getByTestId('qtc-flag').textContent()).toMatch(/not interpretable: flutter waves at \d+\/min run through the T wave/);
    expect(await offers(page)).toEqual([
      { code: 'AFLT', adopt: true, unconfirmable: null },
      { code: 'LAD', adopt: true, unconfirmable: null },
      { code: 'QTCNI', adopt: true, unconfirmable: null },
    ]);
  });

  it('PTB-XL 00023 on paper: PR and P axis printed as "—", the flutter statement’s caution saying why', async () => {
    const printed = (await page.getByTestId('print-measurements').textContent()) ?? '';
    expect(printed).toMatch(/ · PR — · /);
    expect(printed).toMatch(/ · Axes P\/QRS\/T — \/ -?\d+° \/ -?\d+°/);
    expect(printed).toMatch(/QTc \d+ ms \(\w+; not interpretable: flutter waves at \d+\/min run through the T wave/);
    expect(await page.getByTestId('print-computed').textContent()).toMatch(/Atrial flutter suspected \[1\]/);
    expect(await page.getByTestId('print-computed-cautions').textContent()).toMatch(/^\[1\] .*2:1 conduction.*no PR or P axis is reported\./);
  });
});
