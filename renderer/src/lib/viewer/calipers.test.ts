import { describe, expect, it } from 'vitest';
import { caliperReading, marchOut } from './calipers';
import { cssPxPerMm, makePaper } from './paper';

const mm = (n: number, zoom = 1) => n * cssPxPerMm * zoom;

describe('caliperReading', () => {
  it('reads 25 mm at 25 mm/s as 1000 ms and 60 bpm, and 10 mm up at 10 mm/mV as +1 mV', () => {
    const r = caliperReading(makePaper(25, 10), { x: 100, y: 200 }, { x: 100 + mm(25), y: 200 - mm(10) });
    expect(r.dtMs).toBeCloseTo(1000, 9);
    expect(r.hrBpm).toBeCloseTo(60, 9);
    expect(r.dMv).toBeCloseTo(1, 9);
  });

  it('halves the time and the voltage per millimetre at 50 mm/s and 20 mm/mV, at any zoom', () => {
    const r = caliperReading(makePaper(50, 20, 1.5), { x: 0, y: 0 }, { x: mm(20, 1.5), y: mm(4, 1.5) });
    expect(r.dtMs).toBeCloseTo(400, 9);
    expect(r.hrBpm).toBeCloseTo(150, 9);
    expect(r.dMv).toBeCloseTo(-0.2, 9);
  });

  it('measures right-to-left drags as positive time', () => {
    expect(caliperReading(makePaper(25, 10), { x: mm(30), y: 0 }, { x: mm(10), y: 0 }).dtMs).toBeCloseTo(800, 9);
  });

  it('gives no rate for intervals no heart beats at (under 200 ms or over 3 s)', () => {
    expect(caliperReading(makePaper(25, 10), { x: 0, y: 0 }, { x: mm(4), y: 0 }).hrBpm).toBeNull(); // 160 ms
    expect(caliperReading(makePaper(25, 10), { x: 0, y: 0 }, { x: mm(100), y: 0 }).hrBpm).toBeNull(); // 4 s
  });
});

describe('marchOut', () => {
  it('repeats the interval after the caliper up to the page edge', () => {
    expect(marchOut({ x: 10, y: 0 }, { x: 40, y: 0 }, 130)).toEqual([70, 100, 130]);
    expect(marchOut({ x: 40, y: 0 }, { x: 10, y: 0 }, 100)).toEqual([70, 100]);
    expect(marchOut({ x: 10, y: 0 }, { x: 11, y: 0 }, 1000)).toEqual([]);
  });
});
