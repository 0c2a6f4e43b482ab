import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, launchApp, repoRoot, type RunningApp } from './app';

const fixture = (folder: string, name: string) => path.join(repoRoot, 'core', 'test', 'fixtures', 'formats', folder, name);

describe('browser mode: importing every format, a folder, and a CSV that needs answers', () => {
  let app: RunningApp;

  beforeAll(async () => {
    app = await launchApp();
    await app.page.getByTestId('record-row').first().waitFor();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('imports Philips XML, DICOM, HL7 aECG, SCP-ECG and EDF files picked together, with a per-file report', async () => {
    const before = await app.page.getByTestId('record-row').count();
    await app.page.getByTestId('import-files').setInputFiles([
      fixture('philips', '129DYPRG.XML'),
      fixture('dicom', 'synthetic.dcm'),
      fixture('aecg', 'pretty.xml'),
      fixture('scp', 'default-huffman.scp'),
      fixture('edf', 'synthetic.edf'),
    ]);
    const report = app.page.getByTestId('import-report');
    await expect.poll(() => report.getAttribute('data-outcome')).toBe('succeeded');
    const statuses = await app.page.getByTestId('import-report-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')));
    expect(statuses).toEqual(['imported', 'imported', 'imported', 'imported', 'imported']);
    expect(await app.page.getByTestId('import-headline').textContent()).toBe('Imported 5 records.');
    await expect.poll(() => app.page.getByTestId('record-row').count()).toBe(before + 5);
  });

  it('imports a whole folder recursively (WFDB header + signal files paired), reporting what was already present', async () => {
    const before = await app.page.getByTestId('record-row').count();
    // Every text the progress line shows, as the page renders it.
    await app.page.evaluate(() => {
      const w = window as unknown as { progressTexts: string[] };
      w.progressTexts = [];
      new MutationObserver(() => {
        const text = document.querySelector('[data-testid="import-progress"] .file')?.textContent?.trim();
        if (text !== undefined && text !== w.progressTexts.at(-1)) w.progressTexts.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await app.page.getByTestId('import-folder').setInputFiles(path.join(repoRoot, 'core', 'test', 'fixtures', 'formats', 'scp'));
    await expect.poll(() => app.page.getByTestId('import-report').getAttribute('data-outcome')).toBe('succeeded');
    // While the first batch was formed the line read "5 files:" and nothing after it.
    const texts = await app.page.evaluate(() => (window as unknown as { progressTexts: string[] }).progressTexts);
    expect(texts[0]).toBe('5 files: preparing…');
    expect(texts.filter((t) => /:$/.test(t))).toEqual([]);
    const rows = await app.page.getByTestId('import-report-row').evaluateAll((r) => r.map((row) => [row.getAttribute('data-status'), row.textContent]));
    // default-huffman.scp came in the previous test: already present; the other two are new;
    // expected.json and ATTRIBUTION.md are no ECG: skipped, not rejected.
    expect(rows.filter(([s]) => s === 'imported')).toHaveLength(2);
    expect(rows.filter(([s]) => s === 'duplicate')).toHaveLength(1);
    expect(rows.filter(([s]) => s === 'rejected')).toEqual([]);
    expect(rows.filter(([s]) => s === 'skipped').map(([, t]) => t)).toEqual([expect.stringMatching(/ATTRIBUTION\.md/), expect.stringMatching(/expected\.json/)]);
    await expect.poll(() => app.page.getByTestId('record-row').count()).toBe(before + 2);
  });

  it('heads a batch of only bad files "Nothing imported", and one with some bad files "Partly imported", though the job ran to its end', async () => {
    const truncatedScp = readFileSync(fixture('scp', 'refbeat.scp')).subarray(0, 900);
    const bad = [
      { name: 'empty.xml', mimeType: 'application/xml', buffer: Buffer.alloc(0) },
      { name: 'hello.txt', mimeType: 'text/plain', buffer: Buffer.from('hello\n') },
      { name: 'trunc.scp', mimeType: 'application/octet-stream', buffer: truncatedScp },
    ];
    const report = app.page.getByTestId('import-report');
    const headline = app.page.getByTestId('import-headline');
    await app.page.getByTestId('import-files').setInputFiles(bad);
    await expect.poll(() => report.getAttribute('data-outcome')).toBe('succeeded');
    expect(await headline.textContent()).toBe('Nothing imported: 1 ECG file rejected.');
    expect(await app.page.getByTestId('import-summary').textContent()).toMatch(/0 imported · 0 already present · 1 rejected · 2 skipped/);
    await app.page.getByTestId('import-dismiss').click();
    await app.page.getByTestId('import-files').setInputFiles([{ name: 'synthetic.mat', mimeType: 'application/octet-stream', buffer: readFileSync(fixture('mat5', 'synthetic.mat')) }, bad[2]!]);
    await expect.poll(() => report.getAttribute('data-outcome')).toBe('succeeded');
    expect(await headline.textContent()).toBe('Partly imported: 1 imported, 1 ECG file rejected.');
    await app.page.getByTestId('import-dismiss').click();
  });

  it('asks for sampling rate, units and lead order of a bare CSV, then imports it', async () => {
    const before = await app.page.getByTestId('record-row').count();
    // 1.5 s at 800 Hz: too short for 3×4's four columns, opened below.
    const csv = Buffer.from('-20,-25,-5\n-30,-34,-4\n-33,-34,-1\n'.repeat(400));
    await app.page.getByTestId('import-files').setInputFiles([{ name: 'contec.csv', mimeType: 'text/csv', buffer: csv }]);
    const question = app.page.getByTestId('csv-question');
    await question.waitFor();
    expect(await question.textContent()).toMatch(/3 data columns.*sampling rate.*units.*lead order/s);
    expect(await app.page.getByTestId('csv-leads').inputValue()).toBe('I, II, III');
    await question.screenshot({ path: artifactPath('csv-question.png') });
    await app.page.getByTestId('csv-fs').fill('800');
    await app.page.getByTestId('csv-units').selectOption('per-value');
    await app.page.getByTestId('csv-uv-per-value').fill('5');
    await app.page.getByTestId('csv-import').click();
    await expect.poll(() => app.page.getByTestId('import-report-row').first().getAttribute('data-status')).toBe('imported');
    await expect.poll(() => app.page.getByTestId('record-row').count()).toBe(before + 1);
    expect(await question.count()).toBe(0);
    await app.page.screenshot({ path: artifactPath('imported-csv.png'), fullPage: true });
  });

  it('draws a record too short for 3×4 one lead per row, says why, and keeps the research-use label whole beside the settings', async () => {
    await app.page.getByTestId('record-row').filter({ hasText: 'contec.csv' }).click();
    const paper = app.page.getByTestId('ecg-paper');
    await paper.waitFor();
    expect(await paper.getAttribute('data-layout')).toBe('3x4');
    expect(await paper.getAttribute('data-drawn-layout')).toBe('12x1');
    // I, II, III and the limb leads derived from them, one per row.
    expect(await app.page.getByTestId('lead-trace').evaluateAll((cells) => cells.map((c) => `${c.getAttribute('data-lead')}:${c.getAttribute('data-row')}:${c.getAttribute('data-col')}`))).toEqual([
      'I:0:0',
      'II:1:0',
      'III:2:0',
      'aVR:3:0',
      'aVL:4:0',
      'aVF:5:0',
    ]);
    expect(await app.page.getByTestId('tracing-remarks').textContent()).toMatch(/3×4 \+ rhythm needs 4 s of record per page; this page has 1\.5 s/);
    // Inside the paper, and apart from the settings on the same line.
    const box = (testId: string) =>
      app.page.getByTestId(testId).evaluate((n) => {
        const { x, width } = (n as SVGGraphicsElement).getBBox();
        return { x, width };
      });
    const [settings, ruo, width] = [await box('tracing-settings'), await box('tracing-ruo'), Number(await paper.getAttribute('width'))];
    expect(settings.x).toBeGreaterThanOrEqual(0);
    expect(ruo.x).toBeGreaterThan(settings.x + settings.width);
    expect(ruo.x + ruo.width).toBeLessThanOrEqual(width);
    await app.page.getByTestId('ecg-plot').screenshot({ path: artifactPath('viewer-short-record.png') });
  });
});
