import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedData, sharedDataPath } from '../core/test/shared-data';
import { launchApp, type RunningApp } from './app';
import { machineBusy, startTaskTrace, tasksBetween } from './main-thread';

/** Busy share of the machine (other processes, before the import) above which wall times are only printed. */
const quietBelow = 0.25;

/**
 * Issue 11: importing the 456-record pool folder (912 records at 500 and 100 Hz, 1,828 files
 * with PTB-XL's metadata) shows progress within 1 s and never blocks the page for more than
 * 100 ms, measured with a PerformanceObserver on long tasks (wall time) and, in Chromium's
 * trace, as each task's CPU time on the page's thread. Decoding runs in the engine's worker
 * threads; the page only reads and sends small batches.
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
    const { page } = app;
    const browser = page.context().browser();
    if (!browser) throw new Error('no browser behind the page');
    // The opened record drawn: what the page does from here on is the import's.
    await page.locator('[data-testid="ecg-plot"] [data-testid="measure-hr"]').waitFor();
    const background = await machineBusy(1500);
    // Measured from the moment the page has the picked files: handing 1,828 files to the page
    // (Chromium's folder enumeration behind Playwright's setInputFiles) is the browser's work;
    // the app's own handling of the pick counts, as a task of its own (its `change` event).
    await page.evaluate(() => {
      const w = window as unknown as { longTasks: number[]; picked: number; pickHandledMs: number };
      w.longTasks = [];
      const input = document.querySelector('[data-testid="import-folder"]') as HTMLInputElement;
      input.addEventListener('change', () => {
        w.picked = performance.now();
        performance.mark('import-picked');
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) if (entry.startTime >= w.picked) w.longTasks.push(entry.duration);
        }).observe({ type: 'longtask' });
      }, { capture: true, once: true });
      // The app handles `change` in its root's listener; the window's hears it last.
      window.addEventListener('change', () => (w.pickHandledMs = performance.now() - w.picked), { once: true });
      new MutationObserver((_, observer) => {
        if (document.querySelector('[data-testid="import-report"][data-outcome="succeeded"]') === null) return;
        performance.mark('import-ended');
        observer.disconnect();
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-outcome'] });
    });
    await startTaskTrace(browser, page);
    await page.getByTestId('import-folder').setInputFiles(pool);
    // Progress: the bar moves off zero (the first record is stored); timed by the page itself.
    const moved = await page.waitForFunction(
      () => {
        const bar = document.querySelector<HTMLProgressElement>('[data-testid="import-progress"] progress');
        return bar !== null && bar.value > 0 && performance.now() - (window as unknown as { picked: number }).picked;
      },
      undefined,
      { timeout: 60_000, polling: 10 },
    );
    const firstProgressMs = Number(await moved.jsonValue());
    await page.getByTestId('import-report').waitFor({ timeout: 600_000 });
    await expect.poll(() => page.getByTestId('import-report').getAttribute('data-outcome'), { timeout: 600_000, interval: 500 }).toBe('succeeded');
    const { longTasks, pickHandledMs } = await page.evaluate(() => {
      const w = window as unknown as { longTasks: number[]; pickHandledMs: number };
      return { longTasks: w.longTasks, pickHandledMs: w.pickHandledMs };
    });
    const tasks = await tasksBetween(browser, 'import-picked', 'import-ended', 'change');
    const statuses = await page.getByTestId('import-report-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')));
    const count = (s: string) => statuses.filter((x) => x === s).length;
    const longest = Math.max(pickHandledMs, ...longTasks);
    const longestCpu = Math.max(0, ...tasks.map((t) => t.cpuMs));
    const cpuOver50 = tasks.filter((t) => t.cpuMs > 50).length;
    console.log(
      `pool import: machine ${(background * 100).toFixed(0)}% busy before; first progress after ${firstProgressMs.toFixed(0)} ms; ` +
        `pick handled in ${pickHandledMs.toFixed(0)} ms, ${longTasks.length} long tasks, longest ${longest.toFixed(0)} ms; main-thread CPU: ${tasks.length} tasks, longest ${longestCpu.toFixed(0)} ms, ` +
        `${cpuOver50} over 50 ms; ${count('imported')} imported, ${count('duplicate')} duplicate, ${count('skipped')} skipped, ${count('rejected')} rejected`,
    );
    expect(count('rejected')).toBe(0);
    expect(count('imported') + count('duplicate')).toBe(912);
    expect(count('skipped')).toBe(4); // LICENSE.txt, README.md, ptbxl_database.csv, scp_statements.csv
    // Whatever the load: a task's own CPU time is a floor of its wall time, and other processes
    // do not add to it. Over 100 ms of CPU in one task breaks the goal on any machine this fast.
    expect(longestCpu).toBeLessThanOrEqual(100);
    // The goal itself is in wall time, which other processes stretch: preempted, the page's tasks
    // last longer and its replies come later. It is asserted when the machine was quiet before
    // the import. The load the import makes itself (its decoding workers take every core) is part
    // of what is measured; the load average was not a fit gate, as it counts that load too: every
    // run on record skipped the check. A machine that turns busy during the import can still
    // stretch them; the CPU figures printed beside tell the two apart. Elsewhere they are printed.
    if (background > quietBelow) {
      console.log(`pool import: wall times not asserted: other processes kept ${(background * 100).toFixed(0)}% of the machine busy`);
      return;
    }
    expect(firstProgressMs).toBeLessThan(1000);
    expect(longest).toBeLessThanOrEqual(100);
  }, 900_000);
});
