import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, cli, launchApp, type RunningApp } from './app';

/**
 * A reader corrects the fiducial points by hand (product research: "edit fiducials/R-peaks by
 * hand"): on the bundled PTB-XL 00102 (first-degree AV block by its label; the program measures
 * a PR over 230 ms) the reader types a later P onset and drags the T end, saves, and the PR,
 * QT, the computed statements and the printout follow; the correction survives a reload, is in
 * the audit trail, and can be taken back. Then a beat is removed above the tracing (and one added
 * and taken back): the rate follows, and the removed beat stays visible, hollow.
 */

const codes = (page: Page) => page.getByTestId('computed-statement').evaluateAll((n) => n.map((s) => s.getAttribute('data-code')));
const value = async (page: Page, testid: string) => Number(await page.getByTestId(testid).getAttribute('data-value'));
const boundary = (page: Page, name: string) => page.locator(`[data-testid="boundary-input"][data-fiducial="${name}"]`);

async function openRecord(page: Page): Promise<void> {
  const row = page.getByTestId('record-row').filter({ hasText: '00102_hr' });
  const id = await row.getAttribute('data-record-id');
  await row.click();
  await page.locator(`[data-testid="ecg-plot"][data-record-id="${id ?? ''}"] [data-testid="measure-pr"][data-value]`).waitFor();
  await page.getByTestId('median-beats-toggle').locator('summary').click();
}

describe('browser mode: correcting the wave boundaries by hand', () => {
  let app: RunningApp;
  let page: Page;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-e2e-boundaries-'));

  beforeAll(async () => {
    app = await launchApp({ dataDir });
    page = app.page;
    await page.getByTestId('record-row').first().waitFor();
    await openRecord(page);
  });

  afterAll(async () => {
    await app?.close();
  });

  it("a typed P onset and a dragged T end change the PR, the QT and the statements, with the program's figures beside them", async () => {
    const programPr = await value(page, 'measure-pr');
    const programQt = await value(page, 'measure-qt');
    expect(programPr).toBeGreaterThan(230);
    expect(await codes(page)).toContain('1AVB');

    await page.getByTestId('boundary-correct').click();
    const qrsOnset = Number(await boundary(page, 'qrsOnset').inputValue());
    const programPOnset = Number(await boundary(page, 'pOnset').inputValue());
    expect(await page.locator('[data-testid="boundary-program"][data-fiducial="pOnset"]').textContent()).toBe(`program ${programPOnset} ms`);
    await boundary(page, 'pOnset').fill(String(qrsOnset - 180));
    await boundary(page, 'pOnset').press('Tab');
    expect(Number(await boundary(page, 'pOnset').inputValue())).toBe(qrsOnset - 180);

    // Drag the T end line in lead II 5 mm (100 ms at 50 mm/s) to the right.
    const tEndBefore = Number(await boundary(page, 'tEnd').inputValue());
    const grip = page.locator('[data-testid="boundary-grip"][data-fiducial="tEnd"][data-lead="II"]');
    await grip.scrollIntoViewIfNeeded();
    const box = await grip.boundingBox();
    if (!box) throw new Error('no T end grip');
    const pxPerMm = 96 / 25.4;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 5 * pxPerMm, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    const tEndAfter = Number(await boundary(page, 'tEnd').inputValue());
    expect(tEndAfter - tEndBefore).toBeGreaterThan(90);
    expect(tEndAfter - tEndBefore).toBeLessThan(110);

    await page.getByTestId('boundary-reader').fill('Dr. A. Reader');
    await page.getByTestId('boundary-note').fill('P starts later in II');
    await page.screenshot({ path: artifactPath('boundaries-editing.png') });
    await page.getByTestId('boundary-save').click();
    await page.getByTestId('boundary-correction').waitFor();

    expect(await value(page, 'measure-pr')).toBeCloseTo(180, 0);
    expect((await value(page, 'measure-qt')) - programQt).toBeCloseTo(tEndAfter - tEndBefore, 0);
    expect(await page.getByTestId('measure-pr').textContent()).toContain(`corrected; program ${Math.round(programPr)} ms`);
    expect(await page.getByTestId('boundary-correction').textContent()).toMatch(
      new RegExp(`^Corrected by Dr\\. A\\. Reader on \\d{4}-\\d\\d-\\d\\d: PR 180 ms \\(program ${Math.round(programPr)} ms\\), QT \\d+ ms \\(program ${Math.round(programQt)} ms\\) — P starts later in II\\.$`),
    );
    expect(await codes(page)).not.toContain('1AVB');
    expect(await page.getByTestId('computed-statements-basis').textContent()).toMatch(/on the reader’s corrected beats and boundaries/);
    // The median beat shows the reader's lines and, faintly, the program's.
    expect(Number(await page.locator('[data-testid="median-fiducial"][data-fiducial="pOnset"]').getAttribute('data-program-index'))).not.toBe(
      Number(await page.locator('[data-testid="median-fiducial"][data-fiducial="pOnset"]').getAttribute('data-index')),
    );
    expect(await page.getByTestId('print-measurements').textContent()).toMatch(/PR 180 ms \(corrected; program \d+ ms\).*Axes P\/QRS\/T -?\d+° .*\(corrected; program P -?\d+°[^)]*\).*Corrected by Dr\. A\. Reader/);
    // The P axis follows the reader's P wave, and says what the program had.
    expect(await page.getByTestId('measure-axis-p').textContent()).toMatch(/corrected; program -?\d+°/);
    expect(await page.getByTestId('qtc-program').textContent()).toMatch(/^corrected; program \d+ ms$/);
    await page.screenshot({ path: artifactPath('boundaries-corrected.png') });
    // The worklist says so before the record is opened, and can list just the corrected records.
    const row = page.getByTestId('record-row').filter({ hasText: '00102_hr' });
    await row.getByTestId('record-corrected').waitFor();
    expect(await row.getByTestId('record-corrected').getAttribute('title')).toMatch(/^Measurements from beats or boundaries corrected by Dr\. A\. Reader, /);
    expect(await cli('list', '--corrected', 'yes', '--data-dir', dataDir)).toMatch(/^1 record\(s\)\n\d+\t.*fiducials corrected by Dr\. A\. Reader\t.*00102_hr/);

    const audit = (await cli('audit', '--json', '--data-dir', dataDir)).trim().split('\n').map((l) => JSON.parse(l) as { action: string; actor: string; details: { statements?: { removed: string[] }; reader?: { prMs: number } } });
    const entry = audit.find((e) => e.action === 'measurements.fiducials.corrected');
    expect(entry).toMatchObject({ actor: 'Dr. A. Reader', details: { statements: { removed: ['1AVB'] }, reader: { prMs: 180 } } });
  });

  it('the correction survives a reload, refuses boundaries out of order, and can be taken back', async () => {
    await page.reload();
    await page.getByTestId('record-row').first().waitFor();
    await openRecord(page);
    await page.getByTestId('boundary-correction').waitFor();
    expect(await value(page, 'measure-pr')).toBeCloseTo(180, 0);

    await page.getByTestId('boundary-correct').click();
    const qrsOnset = Number(await boundary(page, 'qrsOnset').inputValue());
    await boundary(page, 'qrsOffset').fill(String(qrsOnset - 10));
    await boundary(page, 'qrsOffset').press('Tab');
    expect(await page.getByTestId('boundary-blocked').textContent()).toBe('QRS onset must come before QRS offset');
    expect(await page.getByTestId('boundary-save').isDisabled()).toBe(true);

    await page.getByTestId('boundary-restore').click();
    await page.getByTestId('boundary-correction').waitFor({ state: 'detached' });
    expect(await value(page, 'measure-pr')).toBeGreaterThan(230);
    await page.getByTestId('record-row').filter({ hasText: '00102_hr' }).getByTestId('record-corrected').waitFor({ state: 'detached' });
    expect(await codes(page)).toContain('1AVB');
    expect(await page.getByTestId('computed-statements-basis').textContent()).not.toMatch(/corrected/);
    const audit = (await cli('audit', '--json', '--data-dir', dataDir)).trim().split('\n').map((l) => JSON.parse(l) as { action: string });
    expect(audit.map((e) => e.action).filter((a) => a.startsWith('measurements.fiducials'))).toEqual(['measurements.fiducials.corrected', 'measurements.fiducials.reverted']);
  });

  it('removes a beat above the tracing (adds one and takes it back), and the rate follows', async () => {
    const programHr = await value(page, 'measure-hr');
    const beatsBefore = await page.getByTestId('beat-marker').count();
    await page.getByTestId('boundary-correct').click();
    const markers = page.locator('[data-testid="beat-marker"][data-state]');
    expect(await markers.count()).toBe(beatsBefore);
    await markers.nth(3).click();
    expect(await markers.nth(3).getAttribute('data-state')).toBe('removed');

    // A click on the band midway between two markers adds a beat there; a click on it takes it back.
    const [a, b] = [await markers.nth(5).boundingBox(), await markers.nth(6).boundingBox()];
    if (!a || !b) throw new Error('markers not drawn');
    await page.mouse.click((a.x + a.width / 2 + b.x + b.width / 2) / 2, a.y + a.height / 2);
    await page.locator('[data-testid="beat-marker"][data-state="added"]').waitFor();
    expect(await page.getByTestId('beat-edit-summary').textContent()).toMatch(/\(1 removed, 1 added\)/);
    await page.locator('[data-testid="beat-marker"][data-state="added"]').click();
    expect(await page.getByTestId('beat-edit-summary').textContent()).toMatch(/\(1 removed, 0 added\)/);
    // By keyboard: the beat's time typed, Enter.
    const midS = (Number(await markers.nth(5).getAttribute('data-time-s')) + Number(await markers.nth(6).getAttribute('data-time-s'))) / 2;
    await page.getByTestId('beat-add-time').fill(midS.toFixed(2));
    await page.getByTestId('beat-add-time').press('Enter');
    expect(await page.getByTestId('beat-edit-summary').textContent()).toMatch(/\(1 removed, 1 added\)/);
    await page.locator('[data-testid="beat-marker"][data-state="added"]').press('Enter');
    expect(await page.getByTestId('beat-edit-summary').textContent()).toMatch(/\(1 removed, 0 added\)/);
    await page.screenshot({ path: artifactPath('fiducials-beats-editing.png') });

    await page.getByTestId('boundary-save').click();
    await page.getByTestId('boundary-correction').waitFor();
    expect(await page.getByTestId('boundary-correction').textContent()).toMatch(/^Corrected by Dr\. A\. Reader on .*: 1 beat removed, HR \d+ bpm \(program \d+ bpm\)/);
    expect(await value(page, 'measure-hr')).toBeLessThan(programHr);
    expect(await page.getByTestId('measure-hr').textContent()).toContain(`corrected; program ${Math.round(programHr)} bpm`);
    expect(await page.getByTestId('beat-marker').count()).toBe(beatsBefore - 1);
    expect(await page.getByTestId('beat-marker-removed').count()).toBe(1);

    await page.getByTestId('boundary-correct').click();
    await page.getByTestId('boundary-restore').click();
    await page.getByTestId('boundary-correction').waitFor({ state: 'detached' });
    expect(await value(page, 'measure-hr')).toBeCloseTo(programHr, 6);
    expect(await page.getByTestId('beat-marker-removed').count()).toBe(0);
  });
});
