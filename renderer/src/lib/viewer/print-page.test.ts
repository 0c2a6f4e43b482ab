import { describe, expect, it } from 'vitest';
import { layoutCells, standardLeadOrder } from './layout';
import { pageGeometry } from './page-geometry';
import { makePaper } from './paper';
import { printableMm, printGridMaxMm, printPageSeconds } from './print-page';

const page = { start: 0, end: 10 };

describe('one printed page', () => {
  it('holds 10 s at 25 mm/s and 5 s at 50 mm/s, within the printable width', () => {
    expect(printPageSeconds(25)).toBe(10);
    expect(printPageSeconds(50)).toBe(5);
    for (const speed of [25, 50]) {
      const seconds = printPageSeconds(speed);
      const geometry = pageGeometry(makePaper(speed, 10), layoutCells('3x4', standardLeadOrder, { start: 0, end: seconds }), { start: 0, end: seconds }, 'multi', { maxGridMm: printGridMaxMm });
      expect(geometry.widthMm).toBeLessThanOrEqual(printableMm.width);
    }
  });

  it('brings the rows of tall layouts closer on paper instead of shrinking the tracing', () => {
    const paper = makePaper(25, 10);
    const twelve = pageGeometry(paper, layoutCells('12x1', standardLeadOrder, page), page, 'single', { maxGridMm: printGridMaxMm });
    expect(twelve.rowMm).toBe(10);
    expect(twelve.gridHeightMm).toBeLessThanOrEqual(printGridMaxMm);
    const sixByTwo = pageGeometry(paper, layoutCells('6x2', standardLeadOrder, page), page, 'multi', { maxGridMm: printGridMaxMm });
    expect(sixByTwo.rowMm).toBe(20);
    // 3×4 + rhythm keeps its screen spacing: 4 rows of 30 mm fit.
    expect(pageGeometry(paper, layoutCells('3x4', standardLeadOrder, page), page, 'multi', { maxGridMm: printGridMaxMm }).rowMm).toBe(30);
    expect(pageGeometry(paper, layoutCells('12x1', standardLeadOrder, page), page, 'single').rowMm).toBe(25);
  });
});
