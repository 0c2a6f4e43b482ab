import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appForSuite, artifactPath } from './app';
import { beatWave, wfdbRecord } from './generated';

/**
 * A record shorter than the 10 s page draws a narrower paper, and the panels move beside it into
 * what is left of a 1600 px window: they must fit that column, not run past the window's edge (the
 * model list, as wide as its longest model name, widened every panel of the column by ~100 px).
 */

/** How far the viewer scrolls sideways, and how far the panels reach past the window's right edge. */
function overflow(page: Page) {
  return page.getByTestId('ecg-plot').evaluate((plot) => {
    const section = plot.closest('section') as HTMLElement;
    const side = plot.querySelector('[data-testid="viewer-side"]') as HTMLElement;
    const widest = Math.max(...[...side.querySelectorAll('*')].map((e) => e.getBoundingClientRect().right));
    return { scrollX: section.scrollWidth - section.clientWidth, pastEdge: Math.max(0, Math.round(widest - window.innerWidth)) };
  });
}

describe('browser mode: the panels beside a short record', () => {
  let page: Page;
  appForSuite(
    (app) => {
      page = app.page;
    },
    { viewport: { width: 1600, height: 1000 } },
  );

  it('keeps the measurements and the model picker inside the window beside an 8 s two-lead strip', async () => {
    const files = wfdbRecord('short-strip', 250, 8, [
      { name: 'II', units: 'mV', gain: 200, values: beatWave(0) },
      { name: 'V', units: 'mV', gain: 200, values: beatWave(0.05, 0.6) },
    ]);
    await page.getByTestId('import-files').setInputFiles([...files]);
    await page.locator('[data-testid="record-row"]', { hasText: 'short-strip' }).click();
    await page.getByTestId('measure-hr').waitFor();
    await page.getByTestId('model-select').waitFor();
    // The panels sit beside the paper here (the case this guards), not under it.
    const [paper, side] = await Promise.all([page.getByTestId('tracing-area').boundingBox(), page.getByTestId('viewer-side').boundingBox()]);
    expect(paper && side && side.x >= paper.x + paper.width).toBe(true);
    await page.screenshot({ path: artifactPath('panels-beside-short-strip-1600.png') });
    expect(await overflow(page)).toEqual({ scrollX: 0, pastEdge: 0 });
  });
});
