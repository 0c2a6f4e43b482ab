import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedData, sharedDataPath } from '../core/test/shared-data';
import { launchApp, type RunningApp } from './app';

/** One state of the progress line as the page rendered it. */
interface Shown {
  readonly phase: string | null;
  readonly text: string;
  readonly value: number;
}

/**
 * A large folder goes to the engine in many batches, one engine job each; to the user it is one
 * import. The line used to show each batch's end ("done") before the next batch began, and kept
 * "Reading N files…" on screen after the files were read, while the engine decoded them.
 */
describe.runIf(sharedData)('browser mode: a large folder imports as one continuous progress', () => {
  let app: RunningApp;

  beforeAll(async () => {
    app = await launchApp();
    await app.page.getByTestId('record-row').first().waitFor();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('counts files across batches, says done only at the end and never "reading" while decoding', async () => {
    const { page } = app;
    // Every state of the line the page renders, in order (a repeat of the last one is not kept).
    await page.evaluate(() => {
      const w = window as unknown as { progressShown: { phase: string | null; text: string; value: number }[] };
      w.progressShown = [];
      new MutationObserver(() => {
        const line = document.querySelector('[data-testid="import-progress"]');
        const text = line?.querySelector('.file')?.textContent?.trim();
        if (!line || text === undefined) return;
        const shown = { phase: line.getAttribute('data-phase'), text, value: line.querySelector('progress')?.value ?? 0 };
        const last = w.progressShown.at(-1);
        if (!last || last.phase !== shown.phase || last.text !== shown.text || last.value !== shown.value) w.progressShown.push(shown);
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-phase', 'value'] });
    });
    // records100: 456 records, 912 files, some 12 MB: six or more batches of at most 2 MB.
    await page.getByTestId('import-folder').setInputFiles(sharedDataPath('ptbxl-pool', 'records100'));
    await expect.poll(() => page.getByTestId('import-report').getAttribute('data-outcome'), { timeout: 600_000, interval: 500 }).toBe('succeeded');
    const shown = await page.evaluate(() => (window as unknown as { progressShown: Shown[] }).progressShown);
    const statuses = await page.getByTestId('import-report-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')));
    // Some pool records are already among the app's starting records: those are duplicates.
    expect(statuses.filter((s) => s === 'imported' || s === 'duplicate')).toHaveLength(456);
    expect(statuses.filter((s) => s === 'rejected')).toEqual([]);

    // The files went in several batches: the line went back to reading more than once.
    const readingStretches = shown.filter((s, i) => s.phase === 'reading' && shown[i - 1]?.phase !== 'reading').length;
    expect(readingStretches).toBeGreaterThanOrEqual(3);
    // No batch's end reads as the end of the import: once the line says so, it says nothing else.
    const finished = (s: Shown) => /\b(done|finished|complete)\b/i.test(s.text);
    const firstFinished = shown.findIndex(finished);
    expect(firstFinished === -1 ? [] : shown.slice(firstFinished).filter((s) => !finished(s))).toEqual([]);
    // Once the engine decodes a batch, the line no longer says the files are being read.
    expect(shown.filter((s) => s.phase === 'importing' && /\bread/i.test(s.text))).toEqual([]);
    // One count over the whole folder, "n of 912 files" from the first batch on (and all the while
    // the engine imports), n never going back, the bar never either.
    const count = (s: Shown) => /^(\d+) of (\d+) files\b/.exec(s.text);
    expect(shown.filter((s) => s.phase === 'importing' && count(s) === null)).toEqual([]);
    const counted = shown.map(count).filter((m) => m !== null);
    expect(counted.length).toBeGreaterThan(0);
    expect(counted.filter((m) => m[2] !== '912')).toEqual([]);
    const done = counted.map((m) => Number(m[1]));
    expect(done.filter((n, i) => i > 0 && n < (done[i - 1] ?? 0))).toEqual([]);
    expect(done.at(-1)).toBeGreaterThan(900);
    const values = shown.map((s) => s.value);
    expect(values.filter((v, i) => i > 0 && v < (values[i - 1] ?? 0))).toEqual([]);
  }, 900_000);
});
