// Real annotated data: the committed HL7 aECG example (CC0, core/test/fixtures/signal/aecg-example.json from
// scripts/fixtures/signal_aecg.py) always; LUDB when ../shared is present. Figures over every annotated record:
// `npx tsx scripts/bench/signal-eval.ts` (docs/benchmarks.md, "signal").
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeFiles } from '../formats/index';
import { fixturePath, sharedData, sharedDataPath } from '../test/shared-data';
import { loadAecgFixture } from './annotated-fixture';
import { matchBeats } from './beat-match';
import { perturb, perturbations } from './perturb';
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

describe('detectQrs on a real annotated recording (HL7 aECG example)', () => {
  const record = loadAecgFixture();
  const reference = record.beats.map((b) => Math.round((b.qrsOn + b.qrsOff) / 2));
  const leads = record.leads.map((l) => l.samples);

  it.each(['clean', ...perturbations] as const)('finds all 12 annotated beats and nothing else: %s', (kind) => {
    const input = kind === 'clean' ? leads : perturb(kind, leads, record.fs, reference, 5);
    const m = matchBeats(reference, detectQrs(input, record.fs).beats, tol(record.fs));
    expect([m.truePositives, m.falseNegatives, m.falsePositives]).toEqual([12, 0, 0]);
  });

  it('ignores a cart calibration pulse (flat, then a 1 mV step on every lead) appended to the tracing', () => {
    // Philips PageWriter files end this way; the step's edge must not count as a beat.
    const withPulse = leads.map((l) => Float32Array.from(l, (v, i) => (i < 4700 ? v : i < 4850 ? 0 : 1)));
    const m = matchBeats(reference.filter((b) => b < 4650), detectQrs(withPulse, record.fs).beats, tol(record.fs));
    expect([m.sensitivity, m.ppv]).toEqual([1, 1]);
    expect(detectQrs(withPulse, record.fs).beats.every((b) => b < 4700)).toBe(true);
  });

  it('finds every beat of a lead a coarse recorder took (8 bits, ~35 µV a step, 125 Hz), whose quiet baseline holds still for 50 ms', () => {
    // The fmt-80 MIMIC strips look like this: the baseline held for 6 samples and left by one step is
    // the recorder's resolution, not a cart's hold, and the QRS that follows it is a beat.
    const step = 1 / 29;
    const lead = leads[0] as Float32Array;
    const coarse = Float32Array.from({ length: Math.floor(lead.length / 4) }, (_, i) => Math.round((lead[i * 4] as number) / step) * step);
    const m = matchBeats(reference.map((b) => Math.round(b / 4)), detectQrs([coarse], record.fs / 4).beats, tol(record.fs / 4));
    expect([m.sensitivity, m.ppv]).toEqual([1, 1]);
  });

  it('works from any single lead', () => {
    for (const lead of leads) {
      const m = matchBeats(reference, detectQrs([lead], record.fs).beats, tol(record.fs));
      expect([m.sensitivity, m.ppv]).toEqual([1, 1]);
    }
  });
});

// The MIMIC-II strip is committed (core/test/fixtures/formats/wfdb, ODC-By via wfdb-python, MIT).
describe('detectQrs on a two-lead 125 Hz strip in WFDB format 80', () => {
  it('finds the regular rhythm of lead II, not 5 beats at 38 bpm', () => {
    const dir = fixturePath('formats', 'wfdb');
    const files = ['hea', 'dat'].map((ext) => ({ name: `3000003_0003.${ext}`, bytes: readFileSync(`${dir}/3000003_0003.${ext}`) }));
    const outcome = decodeFiles(files)[0];
    if (!outcome?.ok) throw new Error('3000003_0003 did not decode');
    const { beats } = detectQrs(outcome.record.leads.map((l) => l.samples), outcome.record.fs);
    const rr = beats.slice(1).map((b, k) => b - (beats[k] as number));
    // 8.2 s at ~0.79 s a beat, the first at 0.1 s.
    expect(beats.length).toBe(11);
    expect(rr.every((r) => r >= 95 && r <= 101)).toBe(true);
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
    // Every lead alone against that lead's own annotations.
    for (const lead of outcome.record.leads) {
      const own = readWfdbAnnotations(readFileSync(`${dir}/ludb-ecg.${lead.name.toLowerCase()}`)).filter((a) => a.symbol === 'N').map((a) => a.sample);
      const single = matchBeats(own, detectQrs([lead.samples], outcome.record.fs).beats, tol(outcome.record.fs));
      expect([lead.name, single.sensitivity, single.ppv]).toEqual([lead.name, 1, 1]);
    }
  });
});
