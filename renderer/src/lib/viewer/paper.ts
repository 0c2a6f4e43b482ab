/**
 * ECG paper geometry. Everything is laid out in millimetres of paper and converted to screen
 * pixels once, so a 1 mm box is square at every speed, gain and zoom (true proportions).
 * At zoom 1 a paper millimetre is one CSS millimetre (96 CSS px per inch).
 */
export const cssPxPerMm = 96 / 25.4;

export const paperSpeeds = [25, 50] as const;
export type PaperSpeed = (typeof paperSpeeds)[number];
export const paperGains = [5, 10, 20] as const;
export type PaperGain = (typeof paperGains)[number];
export const zoomSteps = [0.75, 1, 1.25, 1.5, 2, 3] as const;

export interface Paper {
  /** Screen pixels per paper millimetre (zoom included). */
  readonly pxPerMm: number;
  /** Paper speed, mm/s. */
  readonly speedMmS: number;
  /** Gain, mm/mV. */
  readonly gainMmMv: number;
}

export function makePaper(speedMmS: number, gainMmMv: number, zoom = 1): Paper {
  return { pxPerMm: cssPxPerMm * zoom, speedMmS, gainMmMv };
}

export const mmToPx = (paper: Paper, mm: number): number => mm * paper.pxPerMm;
export const pxToMm = (paper: Paper, px: number): number => px / paper.pxPerMm;
export const pxPerSecond = (paper: Paper): number => paper.speedMmS * paper.pxPerMm;
export const pxPerMv = (paper: Paper): number => paper.gainMmMv * paper.pxPerMm;

/** The calibration pulse lasts 0.2 s (5 mm at 25 mm/s) and is 1 mV tall (10 mm at 10 mm/mV). */
export const calPulseSeconds = 0.2;

/**
 * Width (mm) before time zero on each row, holding the calibration pulse: the pulse plus
 * room either side, rounded up to whole 5 mm boxes so time zero sits on a major grid line.
 */
export function calAreaMm(speedMmS: number): number {
  return 5 * Math.ceil((calPulseSeconds * speedMmS + 4) / 5);
}

/**
 * The calibration pulse as an SVG path (px): 1 mm of baseline, a 1 mV step held for 0.2 s,
 * back to baseline, 1 mm more. Its height shows the gain the tracing is drawn at.
 */
export function calPulsePath(paper: Paper, x0Mm: number, baselineYmm: number): string {
  const px = (mm: number) => (mm * paper.pxPerMm).toFixed(2);
  const top = baselineYmm - paper.gainMmMv;
  const rise = x0Mm + 1;
  const fall = rise + calPulseSeconds * paper.speedMmS;
  return `M ${px(x0Mm)} ${px(baselineYmm)} H ${px(rise)} V ${px(top)} H ${px(fall)} V ${px(baselineYmm)} H ${px(fall + 1)}`;
}

/**
 * Grid lines every `stepMm` over a `widthMm` × `heightMm` area at (x0Mm, y0Mm), as one SVG path.
 * Lines are drawn explicitly rather than as a pattern: pattern tiles at fractional pixel sizes
 * drift and seam, which makes the boxes visibly unequal.
 */
export function gridPath(paper: Paper, area: { x0Mm: number; y0Mm: number; widthMm: number; heightMm: number }, stepMm: number): string {
  const { x0Mm, y0Mm, widthMm, heightMm } = area;
  const px = (mm: number) => (mm * paper.pxPerMm).toFixed(2);
  const parts: string[] = [];
  const columns = Math.round(widthMm / stepMm);
  const rows = Math.round(heightMm / stepMm);
  for (let i = 0; i <= columns; i++) parts.push(`M ${px(x0Mm + i * stepMm)} ${px(y0Mm)} V ${px(y0Mm + heightMm)}`);
  for (let j = 0; j <= rows; j++) parts.push(`M ${px(x0Mm)} ${px(y0Mm + j * stepMm)} H ${px(x0Mm + widthMm)}`);
  return parts.join(' ');
}
