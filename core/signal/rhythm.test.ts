// Premature beats from the RR series: the RRs of LUDB 1.0.1 record 105 (two interpolated
// ventricular premature beats, diagnosed "intercalary PVC"), as our detector measured them, and
// hand-made series for the compensatory pause and its absence.
import { describe, expect, it } from 'vitest';
import { prematureBeats, rhythmFeatures } from './rhythm';

const median = (v: readonly number[]) => [...v].sort((a, b) => a - b)[v.length >> 1] as number;
const premature = (rr: number[]) => prematureBeats(rr, median(rr));

describe('premature beats', () => {
  it('an early beat followed by a pause is premature; the beat after the pause is not', () => {
    expect(premature([1000, 1000, 620, 1380, 1000, 1000])).toEqual([3]);
    // A premature last beat has no RR after it.
    expect(premature([1000, 1000, 1000, 1000, 640])).toEqual([5]);
  });

  it('an interpolated beat splits one sinus cycle: it is the premature one, not the on-time beat after it', () => {
    // LUDB 105: RR 912, 466, 462, 922 … 918, 460, 482, 932 ms.
    const ludb105 = [894, 894, 912, 466, 462, 922, 928, 914, 918, 460, 482, 932];
    expect(premature(ludb105)).toEqual([4, 10]);
    // Two short RRs that do not add up to one cycle are not an interpolated beat: as before, the
    // early beat that a longer RR follows is the premature one.
    expect(premature([1000, 1000, 600, 600, 1000, 1000])).toEqual([4]);
  });

  it('RR statistics leave out the RRs around an interpolated beat', () => {
    const fs = 500;
    const rr = [894, 894, 912, 466, 462, 922, 928, 914, 918, 460, 482, 932];
    const beats = rr.reduce<number[]>((times, ms) => [...times, (times[times.length - 1] as number) + (ms * fs) / 1000], [0]);
    const f = rhythmFeatures([], beats, fs, undefined);
    expect(f.premature).toEqual([4, 10]);
    // What is left is the sinus rhythm: 894–932 ms, a range of 4 % of its mean, not sinus arrhythmia.
    expect(f.rrRange).toBeLessThan(0.05);
  });
});
