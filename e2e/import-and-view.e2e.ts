import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, launchApp, repoRoot, type RunningApp } from './app';

const fixture = (name: string) => path.join(repoRoot, 'e2e', 'fixtures', 'ptbxl', name);

describe('browser mode: first start, import, view', () => {
  let app: RunningApp;

  beforeAll(async () => {
    app = await launchApp();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('labels the app research use only', async () => {
    await expect(app.page.getByTestId('research-use-only').textContent()).resolves.toMatch(/Research use only/);
  });

  it('lists the bundled samples on first start and draws the newest one', async () => {
    const rows = app.page.getByTestId('record-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(5);
    // Each says it is a bundled public sample, not a patient's ECG, where the reader picks a record.
    const marks = app.page.getByTestId('record-demonstration');
    expect(await marks.allTextContents()).toEqual(Array.from({ length: 5 }, () => 'Demonstration sample'));
    expect(await marks.first().getAttribute('title')).toMatch(/public PTB-XL record .*not a patient's ECG/);
    const traces = app.page.getByTestId('ecg-plot').getByTestId('lead-trace');
    await traces.first().waitFor();
    expect(await traces.count()).toBe(12);
    expect(await app.page.locator('[data-lead="V6"] polyline').count()).toBeGreaterThan(0);
  });

  it('imports a WFDB record through the file picker, lists it and draws its 12 leads', async () => {
    await app.page.getByTestId('import-files').setInputFiles([fixture('00131_hr.hea'), fixture('00131_hr.dat')]);
    const report = app.page.getByTestId('import-report');
    await report.waitFor();
    expect(await report.getAttribute('data-outcome')).toBe('succeeded');
    expect(await app.page.getByTestId('import-report-row').getAttribute('data-status')).toBe('imported');
    await expect.poll(() => app.page.getByTestId('record-row').count()).toBe(6);
    const listed = app.page.getByTestId('record-row').filter({ hasText: '00131_hr' });
    expect(await listed.count()).toBe(1);
    expect(await listed.getByTestId('record-demonstration').count()).toBe(0);
    const id = await listed.getAttribute('data-record-id');
    const plot = app.page.getByTestId('ecg-plot');
    await expect.poll(() => plot.getAttribute('data-record-id')).toBe(id);
    // The tracing appears once the engine has applied the display filter.
    await plot.getByTestId('lead-trace').first().waitFor();
    const leads = await plot.getByTestId('lead-trace').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-lead')));
    expect(leads).toEqual(['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6']);
    // Each lead is really drawn: a polyline with many points spanning the 10 s width.
    const widths = await plot.locator('polyline').evaluateAll((nodes) =>
      nodes.map((n) => (n as SVGPolylineElement).getBBox().width),
    );
    expect(widths.length).toBeGreaterThanOrEqual(12);
    expect(Math.max(...widths)).toBeGreaterThan(900);
    await app.page.screenshot({ path: artifactPath('imported-record.png'), fullPage: true });
  });

  it('recognises the same record imported again instead of duplicating it, names that record and opens it on click', async () => {
    const stored = await app.page.getByTestId('record-row').filter({ hasText: '00131_hr' }).getAttribute('data-record-id');
    await app.page.getByTestId('record-row').last().click();
    await app.page.getByTestId('import-files').setInputFiles([fixture('00131_hr.hea'), fixture('00131_hr.dat')]);
    await expect.poll(() => app.page.getByTestId('import-report-row').first().getAttribute('data-status')).toBe('duplicate');
    expect(await app.page.getByTestId('record-row').count()).toBe(6);
    const open = app.page.getByTestId('import-duplicate-open');
    expect(await open.textContent()).toBe(`same as record ${stored} — open it`);
    await app.page.getByTestId('record-row').last().click();
    await open.click();
    await expect.poll(() => app.page.getByTestId('ecg-plot').getAttribute('data-record-id')).toBe(stored);
    // The report goes away when dismissed.
    await app.page.getByTestId('import-dismiss').click();
    expect(await app.page.getByTestId('import-report').count()).toBe(0);
  });

  it('asks one CSV question per layout, for all the files sharing it, and can leave a layout rejected', async () => {
    const three = (shift: number) => Buffer.from(`${shift},-25,-5\n-30,-34,-4\n-33,-34,-1\n`.repeat(50));
    const two = Buffer.from('10,20\n-30,-34\n'.repeat(80));
    await app.page.getByTestId('import-files').setInputFiles([
      { name: 'a.csv', mimeType: 'text/csv', buffer: three(1) },
      { name: 'b.csv', mimeType: 'text/csv', buffer: two },
      { name: 'c.csv', mimeType: 'text/csv', buffer: three(2) },
    ]);
    const question = app.page.getByTestId('csv-question');
    await question.waitFor();
    expect(await question.getAttribute('data-files')).toBe('2');
    expect(await app.page.getByTestId('csv-files').textContent()).toBe('a.csv, c.csv');
    await app.page.getByTestId('csv-fs').fill('500');
    await app.page.getByTestId('csv-import').click();
    // The 3-column files are imported with the answer; the 2-column one is asked next, on its own.
    await expect.poll(() => app.page.getByTestId('csv-files').textContent()).toBe('b.csv');
    expect(await app.page.getByTestId('import-report-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')).sort())).toEqual(['imported', 'imported', 'rejected']);
    await app.page.getByTestId('csv-decline').click();
    expect(await question.count()).toBe(0);
    expect(await app.page.locator('[data-testid="import-report-row"][data-status="rejected"]').textContent()).toMatch(/b\.csv/);
  });

  it('rejects a broken file with its reason and loses nothing', async () => {
    await app.page.getByTestId('import-files').setInputFiles([
      { name: 'broken.hea', mimeType: 'text/plain', buffer: Buffer.from('broken 12 500 5000\nbroken.dat 16 1000 16 0 0 0 0 I\n') },
    ]);
    const row = app.page.getByTestId('import-report-row').first();
    await expect.poll(() => row.getAttribute('data-status')).toBe('rejected');
    expect(await row.textContent()).toMatch(/broken/);
    expect(await app.page.getByTestId('record-row').count()).toBe(8);
  });

  it('makes no request anywhere but its own local bridge', () => {
    expect(app.requests.length).toBeGreaterThan(5);
    const foreign = app.requests.filter((url) => new URL(url).origin !== app.origin);
    expect(foreign).toEqual([]);
  });
});
