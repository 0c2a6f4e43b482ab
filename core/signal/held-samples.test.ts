// Real records: LUDB 99 (sinus arrhythmia; ODC-By 1.0, core/test/fixtures/signal/ludb-99), whose
// QRS peaks the recorder cut; LUDB 1 (no cut) and LUDB 93 (biventricular pacing: flat baseline,
// then a spike) from the same recorder; PTB-XL 00143 (paced, CC BY 4.0). Whole-set figures: the
// LUDB section of docs/benchmarks.md.
import { describe, expect, it } from 'vitest';
import { decodeFiles } from '../formats/index';
import { loadFilesForDecoding } from '../formats/load';
import type { EcgRecord } from '../formats/record';
import { fixturePath } from '../test/shared-data';
import { heldSamples } from './held-samples';
import { analyseEcg } from './measure';
import { syntheticEcg } from './synthetic-ecg';

function read(file: string): EcgRecord {
  const outcome = decodeFiles(loadFilesForDecoding([file]))[0];
  if (!outcome?.ok) throw new Error(`cannot read ${file}`);
  return outcome.record;
}

const leadsOf = (r: EcgRecord) => r.leads.map((l) => l.samples);

describe('heldSamples', () => {
  it('finds the complexes LUDB 99’s recorder cut: every lead flat ~16 ms at the R peak, then a one-sample drop', () => {
    const r = read(fixturePath('signal', 'ludb-99', '99.hea'));
    const a = analyseEcg(r.leads, r.fs);
    const held = heldSamples(leadsOf(r), r.fs, a.measurements.beats);
    expect(held.beats).toHaveLength(7);
    expect(held.holdMs).toBeGreaterThanOrEqual(10);
    expect(held.holdMs).toBeLessThanOrEqual(25);
    expect(held.leads).toBeGreaterThanOrEqual(10);
  });

  it('finds none on an uncut record or on pacemaker spikes rising from a flat baseline', () => {
    for (const file of [fixturePath('signal', 'ludb-1', '1.hea'), fixturePath('signal', 'ludb-93', '93.hea'), fixturePath('signal', 'ptbxl-paced', '00143_hr.hea')]) {
      const r = read(file);
      const a = analyseEcg(r.leads, r.fs);
      expect({ file, held: heldSamples(leadsOf(r), r.fs, a.measurements.beats).beats }).toEqual({ file, held: [] });
    }
  });

  it('needs most leads to hold together, and a rate at which 10 ms is more than two samples', () => {
    const ecg = syntheticEcg({ seconds: 10, seed: 5, rrS: 0.8 });
    const hold = 8;
    const cut = (leads: number[]) =>
      ecg.leads.map((lead, k) => {
        const out = Float64Array.from(lead);
        if (!leads.includes(k)) return out;
        // Held at the R peak, as LUDB 99's recorder does, until the jump down to the signal 16 ms on.
        for (const b of ecg.beats) for (let j = b; j < b + hold; j++) out[j] = out[b] as number;
        return out;
      });
    const all = [...Array(12).keys()];
    expect(heldSamples(cut(all), ecg.fs, ecg.beats).beats).toEqual(ecg.beats.map((_, k) => k));
    expect(heldSamples(cut([0, 1, 2, 3, 4]), ecg.fs, ecg.beats).beats).toEqual([]);
    expect(heldSamples(ecg.leads, ecg.fs, ecg.beats).beats).toEqual([]);
    expect(heldSamples(cut(all), 200, ecg.beats).beats).toEqual([]);
  });
});

describe('held complexes in the analysis', () => {
  it('LUDB 99: a quality reason, a quality statement and a caveat, and left out of the median beat', () => {
    const r = read(fixturePath('signal', 'ludb-99', '99.hea'));
    const a = analyseEcg(r.leads, r.fs);
    const held = a.statements.find((s) => s.code === 'HELD');
    expect(held?.category).toBe('quality');
    expect(held?.evidence[0]).toEqual({ name: 'complexes', value: `7 of ${a.measurements.beats.length}` });
    expect(a.beatsLeftOut.held).toBeGreaterThan(0);
    expect(a.medianBeat?.leftOut).toHaveLength(a.beatsLeftOut.held);
    expect(held?.qualifier).toBe(`the median beat and its measurements are of the other complexes (${a.beatsLeftOut.held} left out); voltages on the cut ones are not as recorded`);
    expect(a.caveats.samplesHeld).toMatch(/every lead held still for ~1\d ms and then jumped at 7 of \d+ QRS complexes.*the median beat leaves them out/);
    // Every lead passes its own checks, yet the record is not as recorded: degraded, and why.
    expect(Object.values(a.quality.leads).every((q) => q.ok)).toBe(true);
    expect(a.quality.verdict).toBe('degraded');
    expect(a.quality.reasons).toContainEqual(expect.stringMatching(/^7 of \d+ QRS complexes cut by the recorder \(every lead held, then jumped\)$/));
    const uncut = read(fixturePath('signal', 'ludb-1', '1.hea'));
    const b = analyseEcg(uncut.leads, uncut.fs);
    expect(b.statements.map((s) => s.code)).not.toContain('HELD');
    expect(b.caveats.samplesHeld).toBeUndefined();
    expect(b.beatsLeftOut).toEqual({ paced: 0, held: 0 });
    expect(b.quality.heldComplexes).toBeUndefined();
  });
});
