import { describe, expect, it } from 'vitest';
import { layoutCells, standardLeadOrder } from './layout';
import { pageGeometry } from './page-geometry';
import { makePaper } from './paper';
import { footerLines, footerWidthMm } from './paper-footer';
import { textWidthEm } from './text-metrics';

const diagnostic = { highpassHz: 0.05, lowpassHz: 150, notchHz: null } as const;

describe('the footer under the tracing', () => {
  it("widens a short record's page to hold the settings and the research-use label side by side", () => {
    const paper = makePaper(25, 10);
    const page = { start: 0, end: 1.5 };
    const lines = footerLines(paper, page, 800, 1.5, diagnostic, []);
    expect(lines.settings).toBe('25 mm/s   10 mm/mV   Filter: 0.05–150 Hz   800 Hz   0.0–1.5 s of 1.5 s');
    const needed = footerWidthMm(lines);
    const traced = pageGeometry(paper, layoutCells('12x1', standardLeadOrder, page), page, 'single');
    // Without the minimum, 1.5 s of tracing leaves far less paper than the footer needs.
    expect(traced.widthMm).toBeLessThan(needed);
    const widened = pageGeometry(paper, layoutCells('12x1', standardLeadOrder, page), page, 'single', { minWidthMm: needed });
    expect(widened.widthMm).toBeGreaterThanOrEqual(needed);
    expect(widened.widthMm % 5).toBe(0);
    expect(widened.timeZeroMm).toBe(traced.timeZeroMm);
  });

  it("leaves a 10 s page as its tracing makes it, and takes a long remark's width into account", () => {
    const paper = makePaper(25, 10);
    const page = { start: 0, end: 10 };
    const layout = layoutCells('3x4', standardLeadOrder, page);
    const lines = footerLines(paper, page, 500, 10, diagnostic, []);
    expect(pageGeometry(paper, layout, page, 'multi', { minWidthMm: footerWidthMm(lines) })).toEqual(pageGeometry(paper, layout, page, 'multi'));
    const remark = 'x'.repeat(200);
    const remarked = footerLines(paper, page, 500, 10, diagnostic, [remark]);
    expect(remarked.remarks).toBe(remark);
    expect(footerWidthMm(remarked)).toBeGreaterThan(textWidthEm(remark) * 2.8);
  });
});
