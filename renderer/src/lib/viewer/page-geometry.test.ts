import { describe, expect, it } from 'vitest';
import { layoutCells, standardLeadOrder } from './layout';
import { baselineMm, pageGeometry, rowHeightMm, timeToMm } from './page-geometry';
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
