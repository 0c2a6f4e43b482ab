import type { DisplayFilter } from '../../../../core/contract/viewer-schemas';
import { filterCautions, filterLabel } from './filter-label';
import type { TimeWindow } from './layout';
import type { Paper } from './paper';
import { labelWidthEm, textWidthEm } from './text-metrics';

/** Footer text height (mm), as on a cart's printout. */
export const footerFontMm = 2.8;
export const researchUseOnly = 'Research use only — not for diagnostic use';
/** Left and right margin of the footer's lines, and the least gap between the settings and the label (mm). */
const marginMm = 2;
const gapMm = 6;

export interface FooterLines {
  /** Speed, gain, filter, sampling rate and which seconds of the record the page shows. */
  readonly settings: string;
  /** Filter cautions and notes on how the page is drawn, on a line of their own; empty when none. */
  readonly remarks: string;
}

export function footerLines(paper: Paper, page: TimeWindow, fs: number, durationS: number, applied: DisplayFilter, notes: readonly string[]): FooterLines {
  return {
    settings: `${paper.speedMmS} mm/s   ${paper.gainMmMv} mm/mV   Filter: ${filterLabel(applied)}   ${fs} Hz   ${page.start.toFixed(1)}–${page.end.toFixed(1)} s of ${durationS.toFixed(1)} s`,
    remarks: [...filterCautions(applied), ...notes].join(' · '),
  };
}

/**
 * The page width (mm) the footer needs: the settings and the research-use label side by side,
 * and the remarks. A short record's grid is narrower than that; it is drawn this wide instead
 * (blank paper after the tracing, as a cart prints a whole page), so the label is never cut off
 * or drawn over the settings.
 */
export function footerWidthMm({ settings, remarks }: FooterLines): number {
  const firstLine = marginMm + (textWidthEm(settings) * footerFontMm) + gapMm + labelWidthEm(researchUseOnly) * footerFontMm + marginMm;
  const secondLine = remarks ? marginMm + textWidthEm(remarks) * footerFontMm + marginMm : 0;
  return Math.max(firstLine, secondLine);
}
