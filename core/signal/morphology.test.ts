import { describe, expect, it } from 'vitest';
import type { MedianBeat } from './median-beat';
import { qrsMorphology, smallWaveMv } from './morphology';

const fs = 500;
const onset = 50;
const offset = 100;

/** A 200-sample beat, flat at 0 mV except for `shape` (mV at each ms from QRS onset, linearly joined). */
function leadWith(points: readonly (readonly [number, number])[]): Float64Array {
  const x = new Float64Array(200);
  for (let k = 1; k < points.length; k++) {
    const [t0, v0] = points[k - 1] as readonly [number, number];
    const [t1, v1] = points[k] as readonly [number, number];
    for (let i = onset + t0 / 2; i <= onset + t1 / 2; i++) x[i] = v0 + ((v1 - v0) * (i - onset - t0 / 2)) / Math.max(1, t1 / 2 - t0 / 2);
  }
  return x;
}

describe('qrsMorphology: the initial negative deflection', () => {
  const beat: MedianBeat = {
    // qR with a small q (0.05 mV), rS with a small r (0.2 mV), QS (1 mV deep), and an r under the wave threshold before a deep S.
    leads: [
      leadWith([[0, 0], [10, -0.05], [40, 1], [80, 0], [100, 0]]),
      leadWith([[0, 0], [16, 0.2], [50, -1], [90, 0], [100, 0]]),
      leadWith([[0, 0], [40, -1], [90, 0], [100, 0]]),
      leadWith([[0, 0], [6, smallWaveMv / 2], [40, -0.8], [90, 0], [100, 0]]),
    ],
    pre: 70,
    fs,
    beatsUsed: 10,
    rr: 400,
  };
  const m = qrsMorphology(beat, ['aVL', 'III', 'V1', 'V2'], { qrsOnset: onset, qrsOffset: offset, reasons: {} });

  it('measures a q too small for the 0.1 mV q flag, so a qR can be told from an R', () => {
    expect(m?.get('aVL')?.initialQMv).toBeCloseTo(0.05, 6);
    expect(m?.get('aVL')?.q).toBe(false);
  });

  it('is zero when the QRS starts upwards, and the whole depth of a QS', () => {
    expect(m?.get('III')?.initialQMv).toBe(0);
    expect(m?.get('V1')?.initialQMv).toBeCloseTo(1, 6);
    expect(m?.get('V1')?.q).toBe(true);
  });

  it('counts an initial r only from 0.025 mV: a smaller one is noise, and the dip after it the q', () => {
    expect(m?.get('V2')?.initialQMv).toBeCloseTo(0.8, 6);
  });
});
