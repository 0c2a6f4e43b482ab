import { describe, expect, it } from 'vitest';
import { calAreaMm, calPulsePath, cssPxPerMm, gridPath, makePaper, mmToPx, pxPerMv, pxPerSecond, pxToMm } from './paper';

const numbers = (path: string) => path.match(/-?\d+(\.\d+)?/g)?.map(Number) ?? [];

describe('paper geometry', () => {
  it('draws one paper millimetre as one CSS millimetre at zoom 1 (96 px per inch)', () => {
    const paper = makePaper(25, 10);
    expect(mmToPx(paper, 25.4)).toBeCloseTo(96, 10);
    expect(pxToMm(paper, mmToPx(paper, 7.3))).toBeCloseTo(7.3, 12);
    expect(mmToPx(makePaper(25, 10, 2), 25.4)).toBeCloseTo(192, 10);
  });

  it('converts speed and gain into pixels per second and per millivolt', () => {
    const paper = makePaper(25, 10);
    expect(pxPerSecond(paper)).toBeCloseTo(25 * cssPxPerMm, 10);
    expect(pxPerMv(paper)).toBeCloseTo(10 * cssPxPerMm, 10);
    // 1 mm = 40 ms at 25 mm/s and 20 ms at 50 mm/s; 1 mm = 0.1 mV at 10 mm/mV and 0.05 mV at 20 mm/mV.
    expect(1000 / (pxPerSecond(paper) / cssPxPerMm)).toBeCloseTo(40, 10);
    expect(1000 / (pxPerSecond(makePaper(50, 10)) / cssPxPerMm)).toBeCloseTo(20, 10);
    expect(1 / (pxPerMv(makePaper(25, 20)) / cssPxPerMm)).toBeCloseTo(0.05, 10);
  });

  it('keeps 1 mm boxes square at every speed, gain and zoom (true proportions)', () => {
    for (const zoom of [0.75, 1, 2]) {
      for (const [speed, gain] of [[25, 5], [50, 20]] as const) {
        const paper = makePaper(speed, gain, zoom);
        const area = { x0Mm: 0, y0Mm: 0, widthMm: 10, heightMm: 10 };
        const values = numbers(gridPath(paper, area, 1));
        // "M x y V y2" for 11 verticals then "M x y H x2" for 11 horizontals.
        const xs = Array.from({ length: 11 }, (_, i) => values[i * 3] as number);
        const ys = Array.from({ length: 11 }, (_, j) => values[33 + j * 3 + 1] as number);
        const dx = xs.slice(1).map((x, i) => x - (xs[i] as number));
        const dy = ys.slice(1).map((y, j) => y - (ys[j] as number));
        for (const d of [...dx, ...dy]) expect(d).toBeCloseTo(cssPxPerMm * zoom, 1);
      }
    }
  });

  it('draws a 1 mV calibration pulse 0.2 s wide at the paper gain and speed', () => {
    for (const [speed, gain] of [[25, 10], [50, 20], [25, 5]] as const) {
      const paper = makePaper(speed, gain);
      const [x0, base, rise, top, fall] = numbers(calPulsePath(paper, 2, 30)) as number[];
      expect(x0).toBeCloseTo(mmToPx(paper, 2), 1);
      expect(base - (top as number)).toBeCloseTo(mmToPx(paper, gain), 1);
      expect((fall as number) - (rise as number)).toBeCloseTo(mmToPx(paper, 0.2 * speed), 1);
    }
  });

  it('puts time zero on a major (5 mm) line after room for the pulse', () => {
    expect(calAreaMm(25)).toBe(10);
    expect(calAreaMm(50)).toBe(15);
    for (const speed of [25, 50]) expect(calAreaMm(speed) % 5).toBe(0);
    for (const speed of [25, 50]) expect(calAreaMm(speed)).toBeGreaterThan(2 + 1 + 0.2 * speed);
  });
});
