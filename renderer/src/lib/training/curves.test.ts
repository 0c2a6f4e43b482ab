import { describe, expect, it } from 'vitest';
import { curveSegments, epochX, lossRange, valueY } from './curves';

const box = { width: 100, height: 50, pad: 5 };

describe('learning curves', () => {
  it('spreads epochs over the width and puts a lone epoch in the middle', () => {
    expect([0, 1, 2].map((i) => epochX(i, 3, box))).toEqual([5, 50, 95]);
    expect(epochX(0, 1, box)).toBe(50);
  });

  it('scales values into the box with the top of the range at the top, clamping outliers', () => {
    expect(valueY(1, [0, 1], box)).toBe(5);
    expect(valueY(0, [0, 1], box)).toBe(45);
    expect(valueY(0.5, [0, 1], box)).toBe(25);
    expect(valueY(7, [0, 1], box)).toBe(5);
    expect(valueY(3, [3, 3], box)).toBe(25);
  });

  it('breaks the line at a missing value instead of drawing it as zero', () => {
    expect(curveSegments([0.5, null, 0.25, Number.NaN, 1], [0, 1], box)).toEqual(['5.0,25.0', '50.0,35.0', '95.0,5.0']);
    expect(curveSegments([1, 0.5], [0, 1], box)).toEqual(['5.0,5.0 95.0,25.0']);
    expect(curveSegments([], [0, 1], box)).toEqual([]);
  });

  it('draws losses from zero to just above the largest one', () => {
    expect(lossRange([0.2, 0.4], [0.3, null])).toEqual([0, expect.closeTo(0.44, 10)]);
    expect(lossRange([null], [])).toEqual([0, 1]);
  });
});
