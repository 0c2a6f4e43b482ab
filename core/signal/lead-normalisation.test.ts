// Leads rescaled one by one: LUDB 1.0.1 record 1 (ODC-By fixture, core/test/fixtures/signal/
// ludb-1), whose every lead spans exactly 1 mV peak to peak as PhysioNet publishes it, was read
// as "low voltage" with axes computed from the rescaled limb leads. PTB-XL 00191 (CC BY 4.0
// fixture) is a recorded file; rescaling its leads the same way must be caught too, and its
// axes restored from Einthoven's and Goldberger's relations to what they were.
import { describe, expect, it } from 'vitest';
import type { EcgRecord } from '../formats/record';
import { decodeFiles } from '../formats/index';
import { loadFilesForDecoding } from '../formats/load';
import { fixturePath } from '../test/shared-data';
import { leadByLeadNormalisation, leadNormalisationRules, limbProportions } from './lead-normalisation';
import { analyseEcg } from './measure';
import { cleanForMeasurement } from './median-beat';
import { assessRecord, type NamedLead } from './record-quality';
import { detectQrs } from './qrs';

const read = (file: string): EcgRecord => {
  const outcome = decodeFiles(loadFilesForDecoding([file]))[0];
  if (!outcome?.ok) throw new Error(`${file} did not decode`);
  return outcome.record;
};

/** Each lead shifted and scaled so that it spans exactly `range` mV, as LUDB's were. */
function rescaled(leads: readonly NamedLead[], range: number, count = leads.length): NamedLead[] {
  return leads.map((lead, k) => {
    if (k >= count) return lead;
    const x = Array.from(lead.samples);
    const lo = Math.min(...x);
    const hi = Math.max(...x);
    return { name: lead.name, samples: Float64Array.from(x, (v) => ((v - lo) / (hi - lo)) * range - range / 2) };
  });
}

/** The limb proportions from the leads cleaned as analyseEcg cleans them. */
const proportionsOf = (leads: readonly NamedLead[]) => limbProportions(leads.map((l) => ({ name: l.name, samples: cleanForMeasurement(l.samples, 500) }))); // both fixtures' rate

function normalisationOf(leads: readonly NamedLead[], fs: number) {
  const quality = assessRecord(leads, fs, detectQrs(leads.map((l) => l.samples), fs));
  return leadByLeadNormalisation(leads, quality);
}

describe('leads rescaled one by one', () => {
  const ludb = read(fixturePath('signal', 'ludb-1', '1.hea'));
  const ptbxl = read(fixturePath('signal', 'ptbxl-1avb', '00191_hr.hea'));

  it('LUDB 1.0.1 record 1: every lead 1 mV peak to peak, so no voltage or ST reading; axes from restored limb proportions; timing stays', () => {
    expect(normalisationOf(ludb.leads, ludb.fs)).toEqual({ rangeMv: expect.closeTo(1, 6), leads: 12 });
    const a = analyseEcg(ludb.leads, ludb.fs);
    expect(a.caveats.amplitudeNormalised).toMatch(/same 1\.00 mV peak to peak \(12 leads\).*voltage and ST levels are not interpretable; the axes were computed after restoring/);
    expect(a.caveats.stNotInterpretable).toBe('amplitudes rescaled lead by lead: ST levels are not the recorded millivolts');
    expect(a.measurements.axisDeg.qrs).not.toBeNull();
    const codes = a.statements.map((s) => s.code);
    expect(codes[0]).toBe('RESCALED');
    expect(codes).not.toContain('LVOLT');
    // LUDB's cardiologists: sinus bradycardia. Rate and PR do not depend on the scaling.
    expect(codes).toContain('SBRAD');
    expect(a.measurements.prMs).toBeGreaterThan(120);
  });

  it('a recorded file is not flagged; the same file rescaled lead by lead is, on enough leads', () => {
    expect(normalisationOf(ptbxl.leads, ptbxl.fs)).toBeUndefined();
    expect(analyseEcg(ptbxl.leads, ptbxl.fs).caveats.amplitudeNormalised).toBeUndefined();
    expect(normalisationOf(rescaled(ptbxl.leads, 2), ptbxl.fs)).toEqual({ rangeMv: expect.closeTo(2, 6), leads: 12 });
    // Rescaling only some leads leaves the others' ranges apart: nothing is said.
    expect(normalisationOf(rescaled(ptbxl.leads, 2, 6), ptbxl.fs)).toBeUndefined();
    const six = rescaled(ptbxl.leads.slice(0, leadNormalisationRules.minLeads), 2);
    expect(normalisationOf(six, ptbxl.fs)?.leads).toBe(leadNormalisationRules.minLeads);
    expect(normalisationOf(six.slice(1), ptbxl.fs)).toBeUndefined();
  });

  it('restores the limb leads’ proportions: 1 on a recorded file, the rescaling’s inverse on a rescaled one', () => {
    // A cart computes III, aVR, aVL and aVF from I and II, so on a recorded file they already share one scale.
    for (const factor of proportionsOf(ptbxl.leads)?.values() ?? []) expect(factor).toBeCloseTo(1, 1);
    expect(proportionsOf(ptbxl.leads)?.size).toBe(6);
    const range = (name: string) => {
      const x = Array.from(ptbxl.leads.find((l) => l.name === name)?.samples ?? []);
      return Math.max(...x) - Math.min(...x);
    };
    // Each lead was divided by its own range: the factor back to lead I's scale is its range over I's.
    const factors = proportionsOf(rescaled(ptbxl.leads, 1));
    for (const name of ['II', 'III', 'aVR', 'aVL', 'aVF']) expect(factors?.get(name)).toBeCloseTo(range(name) / range('I'), 1);
    // A limb lead missing, or one that does not follow from I and II: nothing is restored.
    expect(proportionsOf(rescaled(ptbxl.leads, 1).filter((l) => l.name !== 'aVF'))).toBeUndefined();
    const swapped = rescaled(ptbxl.leads, 1).map((l) => (l.name === 'aVL' ? { name: 'aVL', samples: (ptbxl.leads.find((x) => x.name === 'V2') as NamedLead).samples } : l));
    expect(proportionsOf(swapped)).toBeUndefined();
  });

  it('the rescaled PTB-XL record keeps its timing and its axes (restored); without a limb lead the axes are withheld', () => {
    const original = analyseEcg(ptbxl.leads, ptbxl.fs);
    const a = analyseEcg(rescaled(ptbxl.leads, 1), ptbxl.fs);
    expect(a.measurements.heartRateBpm).toBeCloseTo(original.measurements.heartRateBpm as number, 6);
    expect(original.measurements.axisDeg.qrs).not.toBeNull();
    expect(Math.abs((a.measurements.axisDeg.qrs as number) - (original.measurements.axisDeg.qrs as number))).toBeLessThan(1);
    expect(Math.abs((a.measurements.axisDeg.t as number) - (original.measurements.axisDeg.t as number))).toBeLessThan(1);
    expect(a.statements.map((s) => s.code)).toContain('1AVB');
    const withoutAvf = analyseEcg(rescaled(ptbxl.leads, 1).filter((l) => l.name !== 'aVF'), ptbxl.fs);
    expect(withoutAvf.measurements.axisDeg).toEqual({ p: null, qrs: null, t: null });
    expect(withoutAvf.measurements.reasons['axisDeg.qrs']).toMatch(/rescaled lead by lead/);
    expect(withoutAvf.caveats.amplitudeNormalised).toMatch(/voltage, axis and ST levels are not interpretable$/);
  });
});
