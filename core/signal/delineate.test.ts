import { describe, expect, it } from 'vitest';
import { delineate, delineateBeatP } from './delineate';
import type { MedianBeat } from './median-beat';

const fs = 500;
const pre = 300;

/** A 12-lead median beat of Gaussian waves (amplitude mV, centre and width in s relative to R). */
function beatOf(waves: readonly { amplitude: number; centre: number; width: number }[]): MedianBeat {
  const n = pre + 350;
  const gains = [1, 1.2, 0.5, -1, 0.6, 0.9, -0.4, 0.7, 1, 1.3, 1.1, 0.9];
  const base = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = (i - pre) / fs;
    base[i] = waves.reduce((sum, w) => sum + w.amplitude * Math.exp(-0.5 * ((t - w.centre) / w.width) ** 2), 0);
  }
  return { leads: gains.map((g) => base.map((v) => g * v)), pre, fs, beatsUsed: 10, rr: 480 };
}

/** The T wave ends 400 ms after R, so the P search reaches back to 540 ms before the QRS (the previous T end, one RR earlier). */
const tEnd = pre + 0.4 * fs;

const qrs = [
  { amplitude: -0.1, centre: -0.025, width: 0.006 },
  { amplitude: 1.2, centre: 0, width: 0.01 },
  { amplitude: -0.3, centre: 0.025, width: 0.007 },
];

describe('the P wave on the median beat', () => {
  it('is the hump nearest the QRS when an earlier one is about as prominent (a U wave in the TP segment: LUDB 78 read PR 390 for 240 ms)', () => {
    const beat = beatOf([...qrs, { amplitude: 0.09, centre: -0.37, width: 0.03 }, { amplitude: 0.07, centre: -0.17, width: 0.022 }]);
    const p = delineateBeatP(beat, tEnd);
    if (p.pPeak === undefined || p.pOnset === undefined || p.qrsOnset === undefined) throw new Error(`no P wave: ${p.reason}`);
    expect(Math.abs((p.pPeak - pre) / fs + 0.17)).toBeLessThan(0.01);
    expect(((p.qrsOnset - p.pOnset) * 1000) / fs).toBeLessThan(220);
  });

  it('is still the most prominent hump when the one nearer the QRS is much smaller (noise in the PR segment)', () => {
    const beat = beatOf([...qrs, { amplitude: 0.12, centre: -0.17, width: 0.025 }, { amplitude: 0.03, centre: -0.07, width: 0.012 }]);
    const p = delineateBeatP(beat, tEnd);
    expect(p.pPeak).toBeDefined();
    expect(Math.abs(((p.pPeak as number) - pre) / fs + 0.17)).toBeLessThan(0.01);
  });
});

describe('the first deflection of the QRS (the q of a qR, delineate.ts qrsFirstDeflectionShare)', () => {
  const earlyQ = { amplitude: -0.04, centre: -0.04, width: 0.006 };
  const pWave = (centre: number) => ({ amplitude: 0.12, centre, width: 0.02 });

  it('lies before the onset where small forces start the QRS, and at it where they do not', () => {
    const withQ = delineate(beatOf([...qrs, earlyQ, pWave(-0.17)]));
    if (withQ.qrsOnset === undefined || withQ.qrsFirstDeflection === undefined) throw new Error('no QRS');
    expect(withQ.qrsFirstDeflection).toBeLessThan(withQ.qrsOnset);
    expect(((withQ.qrsOnset - withQ.qrsFirstDeflection) * 1000) / fs).toBeLessThanOrEqual(40);
    const without = delineate(beatOf([...qrs, pWave(-0.17)]));
    expect((without.qrsOnset as number) - (without.qrsFirstDeflection as number)).toBeLessThanOrEqual(2);
  });

  it('never reaches into the P wave when the PR is short: it stops at the P wave’s end', () => {
    const f = delineate(beatOf([...qrs, earlyQ, pWave(-0.1)]));
    if (f.qrsOnset === undefined || f.qrsFirstDeflection === undefined || f.pOffset === undefined) throw new Error('no QRS or P wave');
    expect(f.qrsFirstDeflection).toBe(f.pOffset);
    expect(f.qrsFirstDeflection).toBeLessThan(f.qrsOnset);
  });
});
