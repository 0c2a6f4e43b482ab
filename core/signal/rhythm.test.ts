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

describe('premature beats: ventricular or not, by QRS shape', () => {
  const fs = 500;
  const rr = [1000, 1000, 620, 1380, 1000, 1000];
  const times = rr.reduce<number[]>((t, ms) => [...t, (t[t.length - 1] as number) + (ms * fs) / 1000], [200]);
  /** A narrow QRS (Gaussian, σ 10 ms) or a wide biphasic one centred on each sample index given. */
  const lead = (centres: readonly number[], wide: ReadonlySet<number> = new Set()) => {
    const x = new Float64Array((times[times.length - 1] as number) + 400);
    centres.forEach((c, k) => {
      for (let i = 0; i < x.length; i++) {
        const t = (i - c) / fs;
        x[i] = (x[i] as number) + (wide.has(k) ? -(t / 0.03) * Math.exp(-((t / 0.03) ** 2)) : Math.exp(-((t / 0.01) ** 2) / 2));
      }
    });
    return x;
  };
  const template = { leads: [Float64Array.from({ length: 301 }, (_, i) => Math.exp(-((((i - 150) / fs / 0.01) ** 2) / 2)))], pre: 150, fs, beatsUsed: 5, rr: fs };

  it('an early beat of the usual shape is supraventricular even where the fiducial sits 12 ms off its peak', () => {
    // The QRS of beat 3 lies 12 ms after its fiducial: at the fiducial alone the correlation is ~0.7.
    const shifted = times.map((t, k) => (k === 3 ? t + 6 : t));
    const f = rhythmFeatures([lead(shifted)], times, fs, template);
    expect(f.premature).toEqual([3]);
    expect(f.prematureVentricular).toEqual([]);
  });

  it('an early beat of another shape is ventricular', () => {
    const f = rhythmFeatures([lead(times, new Set([3]))], times, fs, template);
    expect(f.premature).toEqual([3]);
    expect(f.prematureVentricular).toEqual([3]);
  });

  // Beat 3 comes 15 % early (850 ms against 1000), then a pause.
  const mildRr = [1000, 1000, 850, 1150, 1000, 1000];
  const mildTimes = mildRr.reduce<number[]>((t, ms) => [...t, (t[t.length - 1] as number) + (ms * fs) / 1000], [200]);

  it('15 % early is premature only with another QRS shape: the shape shows the ectopic origin', () => {
    const usual = rhythmFeatures([lead(mildTimes)], mildTimes, fs, template);
    expect(usual.premature).toEqual([]);
    const different = rhythmFeatures([lead(mildTimes, new Set([3]))], mildTimes, fs, template);
    expect(different.premature).toEqual([3]);
    expect(different.prematureVentricular).toEqual([3]);
    expect(different.differentQrs).toEqual([3]);
  });

  it('under pacing another QRS shape may be a paced beat: no shorter prematurity, no beats named by shape', () => {
    const f = rhythmFeatures([lead(mildTimes, new Set([3]))], mildTimes, fs, template, true);
    expect(f.premature).toEqual([]);
    expect(f.differentQrs).toEqual([]);
  });

  it('a lead whose baseline has wandered off does not change a QRS of the usual shape (LUDB 88’s last beat)', () => {
    const template2 = { ...template, leads: [template.leads[0] as Float64Array, template.leads[0] as Float64Array] };
    const wandered = lead(times);
    const from = (times[5] as number) - 0.1 * fs;
    for (let i = from; i < wandered.length; i++) wandered[i] = (wandered[i] as number) + 2;
    const f = rhythmFeatures([lead(times), wandered], times, fs, template2);
    expect(f.differentQrs).toEqual([]);
  });

  it('a beat of another shape that is not early is counted by shape alone, for atrial fibrillation', () => {
    const f = rhythmFeatures([lead(times, new Set([5]))], times, fs, template);
    expect(f.premature).toEqual([3]);
    expect(f.prematureVentricular).toEqual([]);
    expect(f.differentQrs).toEqual([5]);
  });
});
