// The beats' fiducials are re-timed on the QRS before averaging (beat-alignment.ts). Real data:
// PTB-XL 00059 (CC BY 4.0, core/test/fixtures/signal/ptbxl-two-humps), a normal ECG whose
// detector fiducial used to fall 14 ms before or 14 ms after the R peak from beat to beat.
import { describe, expect, it } from 'vitest';
import { decodeFiles } from '../formats/index';
import { loadFilesForDecoding } from '../formats/load';
import { fixturePath } from '../test/shared-data';
import { alignBeats } from './beat-alignment';
import { cleanForMeasurement } from './median-beat';
import { analyseEcg } from './measure';
import { detectQrs } from './qrs';
import { syntheticEcg } from './synthetic-ecg';

const twoHumps = () => {
  const outcome = decodeFiles(loadFilesForDecoding([fixturePath('signal', 'ptbxl-two-humps', '00059_hr.hea')]))[0];
  if (!outcome?.ok) throw new Error('00059 did not decode');
  return outcome.record;
};

/** Milliseconds from each fiducial to the largest absolute deflection within ±80 ms in `lead`. */
function peakOffsetsMs(lead: Float64Array, beats: readonly number[], fs: number): number[] {
  const w = Math.round(0.08 * fs);
  return beats.map((b) => {
    let at = b;
    for (let i = Math.max(0, b - w); i < Math.min(lead.length, b + w); i++) if (Math.abs(lead[i] as number) > Math.abs(lead[at] as number)) at = i;
    return ((at - b) * 1000) / fs;
  });
}

const spread = (values: readonly number[]) => Math.max(...values) - Math.min(...values);

describe('alignBeats', () => {
  const ecg = syntheticEcg({ seconds: 10, seed: 5, noiseMv: 0.005 });
  const clean = ecg.leads.map((l) => cleanForMeasurement(l, ecg.fs));

  it('brings fiducials scattered ±14 ms around the R peaks back onto one point of the QRS', () => {
    const scattered = ecg.beats.map((b, k) => b + (k % 2 === 0 ? 7 : -7));
    const offsets = alignBeats(clean, scattered, ecg.fs).map((b, k) => b - (ecg.beats[k] as number));
    expect(spread(offsets)).toBeLessThanOrEqual(1);
  });

  it('leaves a beat of another shape where the detector put it', () => {
    const ectopic = 4;
    const at = ecg.beats[ectopic] as number;
    const w = Math.round(0.1 * ecg.fs);
    const altered = clean.map((lead) => {
      const copy = Float64Array.from(lead);
      for (let i = at - w; i <= at + w; i++) copy[i] = 0.8 * Math.sin((Math.PI * (i - at + w)) / w);
      return copy;
    });
    const shifted = ecg.beats.map((b, k) => (k === ectopic ? b + 9 : b));
    expect(alignBeats(altered, shifted, ecg.fs)[ectopic]).toBe(at + 9);
  });

  it('returns the beats unchanged when there are too few to build a template', () => {
    expect(alignBeats(clean, ecg.beats.slice(0, 2), ecg.fs)).toEqual(ecg.beats.slice(0, 2));
  });
});

describe('fiducials and the median beat on a real QRS with two energy humps (PTB-XL 00059)', () => {
  const record = twoHumps();
  const leadII = cleanForMeasurement(record.leads.find((l) => l.name === 'II')?.samples ?? [], record.fs);

  it('the detector puts every fiducial on the same point of the QRS (was ±14 ms around R)', () => {
    const beats = detectQrs(record.leads.map((l) => l.samples), record.fs).beats;
    expect(beats.length).toBe(11);
    expect(spread(peakOffsetsMs(leadII, beats, record.fs))).toBeLessThanOrEqual(6);
  });

  it('measures a narrow QRS and states no bundle branch block (was QRS 138 ms, "complete RBBB")', () => {
    const a = analyseEcg(record.leads, record.fs, { sex: record.patient.sex });
    expect(spread(peakOffsetsMs(leadII, a.measurements.beats, record.fs))).toBeLessThanOrEqual(4);
    expect(a.measurements.qrsMs).toBeLessThan(110);
    expect(a.statements.map((s) => s.code)).not.toContain('CRBBB');
  });
});
