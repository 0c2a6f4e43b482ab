import { describe, expect, it } from 'vitest';
import { heatCells, tracePoints } from './saliency-drawing';

describe('saliency drawing', () => {
  it('places heat cells on the time axis and leaves faint bins out', () => {
    expect(heatCells([0, 0.5, 1, 0.01], 0.5, 2, 200)).toEqual([
      { x: 50, w: 50, opacity: 0.5 },
      { x: 100, w: 50, opacity: 1 },
    ]);
  });

  it('draws a lead around its median, clipped to the strip', () => {
    expect(tracePoints(Float32Array.from([0, 0, 3, 0]), 2, 2, 100, 20, 1)).toBe('0.0,10.0 25.0,10.0 50.0,0.0 75.0,10.0');
  });
});
