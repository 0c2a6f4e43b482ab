// Accuracy on real annotated data (LUDB) runs when ../shared is present; the figures for the
// whole evaluation come from `npm run bench -- signal qrs` (docs/benchmarks.md).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeFiles } from '../formats/index';
import { sharedData, sharedDataPath } from '../test/shared-data';
import { matchBeats } from './beat-match';
import { detectQrs } from './qrs';
import { syntheticEcg } from './synthetic-ecg';
import { readWfdbAnnotations } from './wfdb-annotations';

const tol = (fs: number) => Math.round(0.15 * fs);

describe('detectQrs on synthetic ECGs', () => {
  it('finds every beat, including with wander, noise, low amplitude and inverted leads', () => {
    const ecg = syntheticEcg({ seconds: 10, seed: 3 });
    const variants: Record<string, Float32Array[]> = {
      clean: ecg.leads,
      wander: ecg.leads.map((l) => l.map((v, i) => v + 1.5 * Math.sin((2 * Math.PI * 0.25 * i) / ecg.fs))),
      noise: ecg.leads.map((l, k) => l.map((v, i) => v + 0.15 * Math.sin(i * 1.7 + k) * Math.cos(i * 0.31))),
      lowAmplitude: ecg.leads.map((l) => l.map((v) => v * 0.05)),
      inverted: ecg.leads.map((l) => l.map((v) => -v)),
      singleLead: [ecg.leads[6] as Float32Array],
    };
    for (const [name, leads] of Object.entries(variants)) {
      const m = matchBeats(ecg.beats, detectQrs(leads, ecg.fs).beats, tol(ecg.fs));
      expect({ name, sensitivity: m.sensitivity, ppv: m.ppv }).toEqual({ name, sensitivity: 1, ppv: 1 });
    }
  });

  it('is not fooled by pacing-like spikes between beats', () => {
    const ecg = syntheticEcg({ seconds: 10, seed: 4, rrS: 0.9 });
    const spiked = ecg.leads.map((l) => l.map((v, i) => (i % 450 === 200 || i % 450 === 201 ? v + 3 : v)));
    const m = matchBeats(ecg.beats, detectQrs(spiked, ecg.fs).beats, tol(ecg.fs));
    expect(m.sensitivity).toBe(1);
    expect(m.ppv).toBe(1);
  });

  it('works at 100, 250 and 1000 Hz', () => {
    for (const fs of [100, 250, 1000]) {
      const ecg = syntheticEcg({ fs, seconds: 10, seed: fs });
      const m = matchBeats(ecg.beats, detectQrs(ecg.leads, fs).beats, tol(fs));
      expect([fs, m.sensitivity, m.ppv]).toEqual([fs, 1, 1]);
    }
  });

  it('returns no beats and a reason for flat, zero, NaN, short input or a bad rate', () => {
    const cases: [Float32Array[], number, RegExp][] = [
      [[new Float32Array(5000)], 500, /no usable lead/],
      [[new Float32Array(5000).fill(1.3)], 500, /no usable lead/],
      [[new Float32Array(5000).fill(Number.NaN)], 500, /no usable lead/],
      [[new Float32Array(300)], 500, /too short/],
      [[], 500, /too short/],
      [[new Float32Array(5000)], 0, /too low/],
      [[new Float32Array(5000)], Number.NaN, /too low/],
    ];
    for (const [leads, fs, reason] of cases) {
      const out = detectQrs(leads, fs);
      expect(out.beats).toEqual([]);
      expect(out.reason).toMatch(reason);
    }
  });
});

describe.runIf(sharedData)('detectQrs on LUDB (shared corpus)', () => {
  it('matches the cardiologists’ lead-II QRS annotations at 150 ms', () => {
    const dir = sharedDataPath('ecg', 'wfdb-ludb');
    const files = ['hea', 'dat'].map((ext) => ({ name: `ludb-ecg.${ext}`, bytes: readFileSync(`${dir}/ludb-ecg.${ext}`) }));
    const outcome = decodeFiles(files)[0];
    if (!outcome?.ok) throw new Error('LUDB did not decode');
    const reference = readWfdbAnnotations(readFileSync(`${dir}/ludb-ecg.ii`)).filter((a) => a.symbol === 'N').map((a) => a.sample);
    const detection = detectQrs(outcome.record.leads.map((l) => l.samples), outcome.record.fs);
    const m = matchBeats(reference, detection.beats, tol(outcome.record.fs));
    expect(m.sensitivity).toBe(1);
    expect(m.ppv).toBe(1);
  });
});
