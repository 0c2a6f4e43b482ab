import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, cli, launchApp, type RunningApp } from './app';

/**
 * A reader's notes on the tracing (product research: "free-text notes/annotations on tracing"):
 * a time picked above the tracing, a lead and a few words; a numbered flag on the tracing, the
 * note in the printout; kept across a reload, audited, and taken back.
 */

async function openRecord(page: Page): Promise<void> {
  const row = page.getByTestId('record-row').filter({ hasText: '00102_hr' });
  const id = await row.getAttribute('data-record-id');
  await row.click();
  await page.locator(`[data-testid="tracing-notes"][data-record-id="${id ?? ''}"]`).waitFor();
  await page.locator('[data-testid="measure-hr"][data-value]').waitFor();
}

describe('browser mode: notes on the tracing', () => {
  let app: RunningApp;
  let page: Page;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-e2e-notes-'));

  beforeAll(async () => {
    app = await launchApp({ dataDir });
    page = app.page;
    await page.getByTestId('record-row').first().waitFor();
    await openRecord(page);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('places a note by a click above the tracing, flags it there and prints it', async () => {
    await page.getByTestId('note-place').click();
    const band = page.getByTestId('note-band');
    const box = await band.boundingBox();
    if (!box) throw new Error('no band to click');
    // The page's time runs continuously across the band: a click a quarter of the way along is near 2.5 s.
    await page.mouse.click(box.x + box.width / 4, box.y + box.height / 2);
    const atS = Number(await page.getByTestId('note-time').inputValue());
    expect(atS).toBeGreaterThan(2.2);
    expect(atS).toBeLessThan(2.8);
    expect(await page.getByTestId('note-band').count()).toBe(0);
    await page.getByTestId('note-lead').selectOption('V2');
    await page.getByTestId('note-text').fill('baseline artefact, not ST change');
    await page.getByTestId('note-author').fill('Dr. A. Reader');
    await page.getByTestId('note-add').click();
    await page.getByTestId('tracing-note').waitFor();
    expect(await page.getByTestId('tracing-note').textContent()).toContain(`${atS.toFixed(2)} s, V2`);
    expect(await page.getByTestId('note-flag').textContent()).toContain('1 V2');
    expect(await page.getByTestId('print-notes').textContent()).toBe(`Notes on the tracing: [1] ${atS.toFixed(2)} s, V2: baseline artefact, not ST change (Dr. A. Reader).`);
    await page.screenshot({ path: artifactPath('notes-flag.png') });
    // On the 3×4 page V2 is drawn from 5 to 7.5 s only: near 2.5 s no cell shows it, so the band alone flags the note.
    expect(await page.getByTestId('note-cell-mark').count()).toBe(0);
    // On 12×1 every lead runs the whole page: the note is marked in V2's own row too.
    await page.getByTestId('viewer-layout').selectOption('12x1');
    const mark = page.getByTestId('note-cell-mark');
    await mark.waitFor();
    expect([await mark.count(), await mark.getAttribute('data-lead'), await mark.textContent()]).toEqual([1, 'V2', expect.stringContaining('1')]);
    await page.screenshot({ path: artifactPath('notes-cell-mark.png') });
    await page.getByTestId('viewer-layout').selectOption('3x4');
    const audit = (await cli('audit', '--json', '--data-dir', dataDir)).trim().split('\n').map((l) => JSON.parse(l) as { action: string; actor: string; details: Record<string, unknown> });
    expect(audit.at(-1)).toMatchObject({ action: 'record.note.added', actor: 'Dr. A. Reader', details: { atS, lead: 'V2' } });
    // The worklist counts the record's notes.
    await page.getByTestId('record-row').filter({ hasText: '00102_hr' }).locator('[data-testid="record-notes"][data-count="1"]').waitFor();
  });

  it('keeps the note across a reload, takes a typed second one, and takes the first back', async () => {
    await page.reload();
    await page.getByTestId('record-row').first().waitFor();
    await openRecord(page);
    await page.getByTestId('tracing-note').waitFor();
    expect(await page.getByTestId('note-author').inputValue()).toBe('Dr. A. Reader');
    await page.getByTestId('note-time').fill('9.1');
    await page.getByTestId('note-text').fill('noise at the end');
    await page.getByTestId('note-text').press('Enter');
    await page.locator('[data-testid="tracing-note"]').nth(1).waitFor();
    expect(await page.getByTestId('note-flag').count()).toBe(2);
    await page.getByTestId('note-retract').first().click();
    await page.locator('[data-testid="tracing-note"]').nth(1).waitFor({ state: 'detached' });
    expect(await page.getByTestId('tracing-note').textContent()).toContain('9.10 s');
    expect(await page.getByTestId('note-flag').count()).toBe(1);
    // Two added, one taken back: the list counts the one in force, and filters on it.
    await page.getByTestId('record-row').filter({ hasText: '00102_hr' }).locator('[data-testid="record-notes"][data-count="1"]').waitFor();
    await page.getByTestId('record-filters').locator('summary').click();
    const all = Number(await page.getByTestId('record-count').getAttribute('data-total'));
    expect(all).toBeGreaterThan(1);
    await page.getByTestId('filter-notes').selectOption('no');
    await page.locator(`[data-testid="record-count"][data-total="${all - 1}"]`).waitFor();
    await page.getByTestId('filter-notes').selectOption('yes');
    await page.locator('[data-testid="record-count"][data-total="1"]').waitFor();
    expect(await page.getByTestId('print-notes').textContent()).toMatch(/^Notes on the tracing: \[1\] 9\.10 s: noise at the end/);
  });
});
