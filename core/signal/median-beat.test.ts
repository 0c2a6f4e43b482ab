import { describe, expect, it } from 'vitest';
import { medianBeat, typicalBeats } from './median-beat';

const fs = 500;
const rr = 400;

/** One lead of 10 beats every 800 ms: a narrow upward QRS, or on `wide` beats a broad downward one (a paced complex). */
function record(wide: ReadonlySet<number>): { lead: Float64Array; beats: number[] } {
  const beats = Array.from({ length: 10 }, (_, k) => 300 + k * rr);
  const lead = new Float64Array(beats[beats.length - 1]! + 400);
  beats.forEach((b, k) => {
    const [amplitude, width] = wide.has(k) ? [-1, 0.03 * fs] : [1, 0.008 * fs];
    for (let i = -60; i <= 60; i++) lead[b + i]! += amplitude * Math.exp(-0.5 * (i / width) ** 2);
  });
  return { lead, beats };
}

describe('medianBeat', () => {
  it('averages only the beats not left out (the unpaced ones under intermittent pacing)', () => {
    const paced = new Set([1, 3, 5, 7, 9]);
    const { lead, beats } = record(paced);
    const all = medianBeat([lead], beats, fs);
    const unpaced = medianBeat([lead], beats, fs, new Set([...paced].map((k) => beats[k]!)));
    if (!all || !unpaced) throw new Error('no median beat');
    expect(unpaced.beatsUsed).toBe(all.beatsUsed - paced.size);
    expect(unpaced.leads[0]![unpaced.pre]).toBeCloseTo(1, 2);
    // With the paced beats in (5 of the 9 averaged), the median at R is the paced complex's.
    expect(all.leads[0]![all.pre]).toBeLessThan(0);
  });

  it('keeps every beat when fewer than three would be left', () => {
    const paced = new Set([0, 1, 2, 3, 4, 5, 6, 7]);
    const { lead, beats } = record(paced);
    const beat = medianBeat([lead], beats, fs, new Set([...paced].map((k) => beats[k]!)));
    expect(beat?.beatsUsed).toBe(medianBeat([lead], beats, fs)?.beatsUsed);
  });
});

// 1.5 s missing in every lead of PTB-XL 00330 (atrial fibrillation) was one RR of 2.8 s: the beats
// either side of it were atypical, 3 of 9 beats were averaged (7 of 11 intact), one of them with
// zeros where the gap was, and the median beat showed a P wave.
describe('the median beat across a stretch missing in every lead', () => {
  it('does not count an RR across the gap as a cycle: the beats either side stay typical', () => {
    const beats = [0, 400, 800, 1200, 2000, 2400, 2800, 3200];
    expect(typicalBeats(beats)).toEqual([400, 800, 2400, 2800, 3200]);
    expect(typicalBeats(beats, new Set([3]))).toEqual([400, 800, 1200, 2000, 2400, 2800, 3200]);
  });

  it('averages no beat whose window reaches into the gap', () => {
    const { lead, beats } = record(new Set());
    // 40 ms missing between the beats at 1100 and 1500 (windows 260 samples before R, 340 after): both reach into it.
    const gap = { from: 1400, to: 1420 };
    lead.fill(0, gap.from, gap.to);
    const whole = medianBeat([lead], beats, fs);
    const beat = medianBeat([lead], beats, fs, new Set(), [gap]);
    expect(whole?.beatsUsed).toBe(9);
    expect(beat?.beatsUsed).toBe(7);
    expect(beat?.rr).toBe(rr);
  });
});
