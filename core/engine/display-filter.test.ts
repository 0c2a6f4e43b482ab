// Golden values: python3 scripts/fixtures/viewer_display_filter.py (SciPy sosfiltfilt/butter/iirnotch)
// → core/test/fixtures/viewer/display-filter.json
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DisplayFilter } from '../contract/viewer-schemas';
import { fixturePath } from '../test/shared-data';
import { applyDisplayFilter } from './display-filter';

interface Case {
  fs: number;
  filter: DisplayFilter;
  input: 'x500' | 'x100';
  output: (number | null)[];
}
const fixture = JSON.parse(readFileSync(fixturePath('viewer', 'display-filter.json'), 'utf8')) as {
  inputs: Record<Case['input'], (number | null)[]>;
  cases: Case[];
};
const asSamples = (values: (number | null)[]) => Float32Array.from(values, (v) => (v === null ? Number.NaN : v));
const name = (c: Case) => `${c.fs} Hz, HP ${c.filter.highpassHz ?? 'off'}, LP ${c.filter.lowpassHz ?? 'off'}, notch ${c.filter.notchHz ?? 'off'}`;

describe('applyDisplayFilter', () => {
  it.each(fixture.cases.map((c) => [name(c), c] as const))('%s equals SciPy, gaps kept as gaps', (_, c) => {
    const input = asSamples(fixture.inputs[c.input]);
    const before = Float32Array.from(input);
    const { signals } = applyDisplayFilter([input], c.fs, c.filter);
    const out = signals[0] as Float32Array;
    let worst = 0;
    c.output.forEach((expected, i) => {
      if (expected === null) expect(out[i]).toBeNaN();
      else worst = Math.max(worst, Math.abs((out[i] as number) - expected));
    });
    // Float32 output of mV-scale values: a few ULPs of 1 mV.
    expect(worst).toBeLessThan(2e-6);
    expect(input).toEqual(before);
  });

  it('removes what each filter is for: wander and offset (high-pass), 50 Hz (notch)', () => {
    const fs = 500;
    const t = Array.from({ length: 5000 }, (_, i) => i / fs);
    const wander = Float32Array.from(t, (s) => 1 + 0.8 * Math.sin(2 * Math.PI * 0.1 * s));
    const mains = Float32Array.from(t, (s) => 0.2 * Math.sin(2 * Math.PI * 50 * s));
    const interior = (x: Float32Array) => x.subarray(500, 4500);
    const peak = (x: Float32Array) => Math.max(...Array.from(interior(x), Math.abs));
    const hp = applyDisplayFilter([wander], fs, { highpassHz: 0.5, lowpassHz: null, notchHz: null });
    expect(peak(hp.signals[0] as Float32Array)).toBeLessThan(0.05);
    const notch = applyDisplayFilter([mains], fs, { highpassHz: null, lowpassHz: null, notchHz: 50 });
    expect(peak(notch.signals[0] as Float32Array)).toBeLessThan(0.01);
  });

  it('skips, with a note, what the sampling rate cannot carry', () => {
    const x = asSamples(fixture.inputs.x100);
    const result = applyDisplayFilter([x], 100, { highpassHz: 0.5, lowpassHz: 150, notchHz: 60 });
    expect(result.applied).toEqual({ highpassHz: 0.5, lowpassHz: null, notchHz: null });
    expect(result.notes).toEqual([
      expect.stringMatching(/60 Hz notch not applied: .*Nyquist.*50 Hz/),
      expect.stringMatching(/150 Hz low-pass not applied: .*Nyquist.*50 Hz/),
    ]);
  });

  it('leaves a record too short for zero-phase filtering unfiltered, and says so', () => {
    const result = applyDisplayFilter([Float32Array.from([0.1, 0.2, 0.3, 0.2, 0.1])], 500, { highpassHz: 0.05, lowpassHz: 40, notchHz: null });
    expect(result.applied).toEqual({ highpassHz: null, lowpassHz: null, notchHz: null });
    expect(result.notes).toHaveLength(2);
    expect(result.notes[0]).toMatch(/too short \(5 samples\)/);
    expect(Array.from(result.signals[0] as Float32Array)).toEqual(Array.from(Float32Array.from([0.1, 0.2, 0.3, 0.2, 0.1])));
  });

  it('returns an all-missing lead as it is', () => {
    const result = applyDisplayFilter([new Float32Array(1000).fill(Number.NaN)], 500, { highpassHz: 0.05, lowpassHz: 150, notchHz: 50 });
    expect(Array.from(result.signals[0] as Float32Array).every(Number.isNaN)).toBe(true);
  });
});
