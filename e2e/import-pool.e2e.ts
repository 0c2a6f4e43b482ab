import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedData, sharedDataPath } from '../core/test/shared-data';
import { launchApp, type RunningApp } from './app';

/**
 * Issue 11: importing the 456-record pool folder (912 records at 500 and 100 Hz, 1,828 files
 * with PTB-XL's metadata) shows progress within 1 s and never blocks the page for more than
 * 100 ms, measured with a PerformanceObserver on long tasks. Decoding runs in the engine's
 * worker threads; the page only sends small batches.
 */
describe.runIf(sharedData)('browser mode: importing the PTB-XL pool folder keeps the page responsive', () => {
  let app: RunningApp;

  beforeAll(async () => {
    app = await launchApp();
    await app.page.getByTestId('record-row').first().waitFor();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('shows progress within 1 s and no long task over 100 ms until the import ends', async () => {
    const pool = sharedDataPath('ptbxl-pool');
    // Measured from the moment the page has the picked files: handing 1,828 files to the page
    // (Chromium's folder enumeration behind Playwright's setInputFiles) is the browser's work.
    await app.page.evaluate(() => {
      const w = window as unknown as { longTasks: number[]; picked: number };
      w.longTasks = [];
      const input = document.querySelector('[data-testid="import-folder"]') as HTMLInputElement;
      input.addEventListener('change', () => {
        w.picked = performance.now();
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) if (entry.startTime >= w.picked) w.longTasks.push(entry.duration);
        }).observe({ type: 'longtask' });
      }, { capture: true, once: true });
    });
    await app.page.getByTestId('import-folder').setInputFiles(pool);
    // Progress: the bar moves off zero (the first record is stored) or names a file.
    await app.page.waitForFunction(
      () => {
        const bar = document.querySelector<HTMLProgressElement>('[data-testid="import-progress"] progress');
        return bar !== null && bar.value > 0;
      },
      undefined,
      { timeout: 60_000, polling: 20 },
    );
    const firstProgressMs = await app.page.evaluate(() => performance.now() - (window as unknown as { picked: number }).picked);
    await app.page.getByTestId('import-report').waitFor({ timeout: 600_000 });
    await expect.poll(() => app.page.getByTestId('import-report').getAttribute('data-outcome'), { timeout: 600_000, interval: 500 }).toBe('succeeded');
    const longTasks = await app.page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
    const statuses = await app.page.getByTestId('import-report-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')));
    const count = (s: string) => statuses.filter((x) => x === s).length;
    console.log(`pool import: first progress after ${firstProgressMs} ms; ${longTasks.length} long tasks, longest ${Math.max(0, ...longTasks).toFixed(0)} ms; ${count('imported')} imported, ${count('duplicate')} duplicate, ${count('skipped')} skipped, ${count('rejected')} rejected`);
    expect(count('rejected')).toBe(0);
    expect(count('imported') + count('duplicate')).toBe(912);
    expect(count('skipped')).toBe(4); // LICENSE.txt, README.md, ptbxl_database.csv, scp_statements.csv
    // Time limits mean something only on a machine that is not overloaded (CI's); elsewhere
    // the figures are printed above and the lead re-runs them on a quiet machine.
    const [load] = os.loadavg() as [number];
    if (load > os.availableParallelism()) {
      console.log(`pool import: timing not asserted: load average ${load.toFixed(1)} on ${os.availableParallelism()} cores`);
      return;
    }
    expect(firstProgressMs).toBeLessThan(1000);
    expect(Math.max(0, ...longTasks)).toBeLessThanOrEqual(100);
    expect(path.basename(pool)).toBe('ptbxl-pool');
  }, 900_000);
});
