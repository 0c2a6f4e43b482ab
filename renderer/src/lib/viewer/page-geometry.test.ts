import { describe, expect, it } from 'vitest';
import { layoutCells, standardLeadOrder } from './layout';
import { baselineMm, pageGeometry, rowHeightMm, timeToMm, tracingReach } from './page-geometry';
import { makePaper } from './paper';

const page = { start: 0, end: 10 };
const layout = layoutCells('3x4', standardLeadOrder, page);

describe('pageGeometry', () => {
  it('lays 10 s at 25 mm/s over 250 mm after the calibration area, ending on a major line', () => {
    const paper = makePaper(25, 10);
    const g = pageGeometry(paper, layout, page, 'multi');
    expect(g.timeZeroMm).toBe(10);
    expect(timeToMm(g, paper, page, 10) - timeToMm(g, paper, page, 0)).toBe(250);
    expect(g.gridWidthMm % 5).toBe(0);
    expect(g.gridWidthMm).toBeGreaterThanOrEqual(10 + 250);
    expect(g.gridHeightMm).toBe(4 * g.rowMm);
  });

  it('doubles the trace length at 50 mm/s', () => {
    const paper = makePaper(50, 10);
    const g = pageGeometry(paper, layout, page, 'multi');
    expect(timeToMm(g, paper, page, 2.5) - timeToMm(g, paper, page, 0)).toBe(125);
  });

  it('places the same instant at the same x in every column and the rhythm strip (continuous time)', () => {
    const paper = makePaper(25, 10);
    const g = pageGeometry(paper, layout, { start: 10, end: 20 }, 'multi');
    expect(timeToMm(g, paper, { start: 10, end: 20 }, 12.5)).toBe(10 + 2.5 * 25);
  });

  it('grows rows with gain in whole 5 mm boxes, baselines on whole millimetres', () => {
    expect([5, 10, 20].map((gain) => rowHeightMm('multi', gain))).toEqual([20, 30, 55]);
    expect([5, 10, 20].map((gain) => rowHeightMm('single', gain))).toEqual([15, 25, 40]);
    for (const gain of [5, 10, 20]) expect(rowHeightMm('enlarged', gain) % 5).toBe(0);
    const g = pageGeometry(makePaper(25, 10), layout, page, 'multi');
    for (let row = 0; row < 4; row++) {
      const y = baselineMm(g, row);
      expect(Number.isInteger(y)).toBe(true);
      expect(y).toBeGreaterThan(g.gridTopMm + row * g.rowMm);
      expect(y).toBeLessThan(g.gridTopMm + (row + 1) * g.rowMm);
    }
  });
});

describe('room for the tracing at the page edges', () => {
  /** A lead at 500 Hz over 10 s, 0 mV but for a spike of `mv` at `atS`. */
  const spike = (atS: number, mv: number): Float32Array => {
    const lead = new Float32Array(5000);
    lead[Math.round(atS * 500)] = mv;
    return lead;
  };
  const leads = (spikes: Record<string, Float32Array>) => standardLeadOrder.map((name) => spikes[name] ?? new Float32Array(5000));

  it("keeps a tall R wave of the first row on the page and a deep S of the last row off the footer, at every gain", () => {
    // An LVH record's V4 R of 3.5 mV (7.5–10 s, first row of 3×4) and a rhythm strip's S of −2.5 mV: PTB-XL's 00085_hr reaches 4.3 mV in the first row.
    const signals = leads({ V4: spike(8, 3.5), II: spike(3, -2.5) });
    const reach = tracingReach(layout, signals, 500);
    expect(reach).toEqual({ aboveMv: 3.5, belowMv: 2.5 });
    for (const gain of [5, 10, 20]) {
      const g = pageGeometry(makePaper(25, gain), layout, page, 'multi', { reach });
      // Drawn whole on the grid paper (under the beat markers, above the footer), the paper grown in whole 5 mm boxes.
      expect(baselineMm(g, 0) - 3.5 * gain).toBeGreaterThanOrEqual(g.paperTopMm);
      expect(g.paperTopMm).toBe(g.markerBandMm);
      expect(baselineMm(g, layout.rows - 1) + 2.5 * gain).toBeLessThanOrEqual(g.footerTopMm);
      expect((g.gridTopMm - g.paperTopMm) % 5).toBe(0);
      expect((g.footerTopMm - g.gridTopMm - g.gridHeightMm) % 5).toBe(0);
      expect(g.heightMm).toBe(g.footerTopMm + 9);
    }
  });

  it('on a printed page, brings the rows closer so the grid and the paper a tall wave takes still fit the room', () => {
    const reach = tracingReach(layout, leads({ V4: spike(8, 3.5), II: spike(3, -2.5) }), 500);
    // At 20 mm/mV 7 cm of R and 5 cm of S cannot fit beside 4 rows: the rows go to 10 mm and the wave is still drawn whole.
    for (const gain of [5, 10]) {
      const g = pageGeometry(makePaper(25, gain), layout, page, 'multi', { maxGridMm: 120, reach });
      expect(g.footerTopMm - g.paperTopMm).toBeLessThanOrEqual(120);
      expect(g.rowMm % 5).toBe(0);
      expect(baselineMm(g, 0) - 3.5 * gain).toBeGreaterThanOrEqual(g.paperTopMm);
    }
    // Without a wave past the rows, the printed rows are as before: 4 rows of 30 mm in 120 mm at 10 mm/mV.
    expect(pageGeometry(makePaper(25, 10), layout, page, 'multi', { maxGridMm: 120 }).rowMm).toBe(30);
  });

  it('takes each lead within its own cell: a spike outside the window, or in a middle row, takes no room', () => {
    // V4 is drawn over 7.5–10 s in 3×4, so its spike at 2 s is not on the page's first row; V2 sits in the middle row.
    const reach = tracingReach(layout, leads({ V4: spike(2, 4), V2: spike(6, 4), V6: spike(8, -4) }), 500);
    expect(reach).toEqual({ aboveMv: 0, belowMv: 0 });
    const g = pageGeometry(makePaper(25, 10), layout, page, 'multi', { reach });
    expect(g.gridTopMm).toBe(g.paperTopMm);
    expect(g.footerTopMm).toBe(g.gridTopMm + g.gridHeightMm);
  });

  it('leaves the page as it was where the tracing fits, and skips a gap (NaN)', () => {
    const withGap = spike(8, 1.5);
    withGap.fill(Number.NaN, 4500, 4600);
    const reach = tracingReach(layout, leads({ V4: withGap }), 500);
    expect(reach).toEqual({ aboveMv: 1.5, belowMv: 0 });
    expect(pageGeometry(makePaper(25, 10), layout, page, 'multi', { reach })).toEqual(pageGeometry(makePaper(25, 10), layout, page, 'multi'));
  });
});
