import { describe, expect, it } from 'vitest';
import { visibleRange } from './virtual-list';

describe('virtual list range', () => {
  const view = { scrollTop: 0, viewportHeight: 480, rowHeight: 48, total: 10_000, overscan: 4 };

  it('covers the rows in view and a few either side, never past the ends', () => {
    expect(visibleRange(view)).toEqual({ from: 0, to: 14 });
    expect(visibleRange({ ...view, scrollTop: 4800 })).toEqual({ from: 96, to: 114 });
    expect(visibleRange({ ...view, scrollTop: 48 * 10_000 - 480 })).toEqual({ from: 9986, to: 10_000 });
  });

  it('is empty for an empty list and tolerates a zero-height viewport', () => {
    expect(visibleRange({ ...view, total: 0 })).toEqual({ from: 0, to: 0 });
    expect(visibleRange({ ...view, viewportHeight: 0 })).toEqual({ from: 0, to: 4 });
  });
});
