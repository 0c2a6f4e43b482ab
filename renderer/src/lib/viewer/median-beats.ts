import type { MedianBeatView } from '../../../../core/contract/viewer-schemas';
import { counted } from '../../../../core/contract/counted';
import { standardLeadOrder } from './layout';

/**
 * The median-beat panel, in paper millimetres: one cell per lead, three rows of four in the
 * standard order (as a 3×4 page), drawn at 50 mm/s and 10 mm/mV so wave boundaries are easy to
 * judge; every cell shares the same time axis, so a boundary is one vertical line through all.
 */
export const medianBeatPaper = { speedMmS: 50, gainMmMv: 10, cellHeightMm: 30, gapMm: 5 } as const;

/** The caption's opening: how many beats each lead's median is of ("Median of 1 typical beat per lead" on a short strip). */
export function medianOfText(beat: Pick<MedianBeatView, 'beatsUsed'>): string {
  return `Median of ${counted(beat.beatsUsed, 'typical beat')} per lead`;
}

export interface MedianCell {
  readonly lead: string;
  /** Index of the lead's samples in the MedianBeatView. */
  readonly index: number;
  readonly row: number;
  readonly col: number;
}

export type FiducialName = keyof MedianBeatView['fiducials'];

export const fiducialLabels: Record<FiducialName, string> = { pOnset: 'P on', pOffset: 'P off', qrsOnset: 'QRS on', qrsOffset: 'QRS off', tEnd: 'T end' };

/** Cells in standard lead order (other leads after), four columns. */
export function medianCells(beat: MedianBeatView): MedianCell[] {
  const rank = (lead: string) => (standardLeadOrder.includes(lead) ? standardLeadOrder.indexOf(lead) : standardLeadOrder.length);
  const ordered = beat.leads.map((lead, index) => ({ lead, index })).sort((a, b) => rank(a.lead) - rank(b.lead));
  // Column-major like the 3×4 page: I, II, III down the first column.
  return ordered.map((c, k) => ({ ...c, row: k % 3, col: Math.floor(k / 3) }));
}

/** Width of one cell: the beat's duration at the panel's speed. */
export function cellWidthMm(beat: MedianBeatView, fs: number): number {
  return ((beat.samples[0]?.length ?? 0) / fs) * medianBeatPaper.speedMmS;
}

/** x (mm, from the cell's left edge) of a sample index. */
export function sampleXMm(index: number, fs: number): number {
  return (index / fs) * medianBeatPaper.speedMmS;
}

/** Polyline points (px) of one lead's median beat inside its cell; the baseline is the cell's middle. */
export function beatPoints(samples: Float32Array, fs: number, origin: { xMm: number; yMm: number }, pxPerMm: number): string {
  const mid = origin.yMm + medianBeatPaper.cellHeightMm / 2;
  const points: string[] = [];
  samples.forEach((v, i) => points.push(`${((origin.xMm + sampleXMm(i, fs)) * pxPerMm).toFixed(1)},${((mid - v * medianBeatPaper.gainMmMv) * pxPerMm).toFixed(1)}`));
  return points.join(' ');
}
