// Leads rescaled one by one: LUDB 1.0.1 record 1 (ODC-By fixture, core/test/fixtures/signal/
// ludb-1), whose every lead spans exactly 1 mV peak to peak as PhysioNet publishes it, was read
// as "low voltage" with axes computed from the rescaled limb leads. PTB-XL 00191 (CC BY 4.0
// fixture) is a recorded file; rescaling its leads the same way must be caught too.
import { describe, expect, it } from 'vitest';
import type { EcgRecord } from '../formats/record';
import { decodeFiles } from '../formats/index';
import { loadFilesForDecoding } from '../formats/load';
import { fixturePath } from '../test/shared-data';
import { leadByLeadNormalisation, leadNormalisationRules } from './lead-normalisation';
import { analyseEcg } from './measure';
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

function normalisationOf(leads: readonly NamedLead[], fs: number) {
  const quality = assessRecord(leads, fs, detectQrs(leads.map((l) => l.samples), fs));
  return leadByLeadNormalisation(leads, quality);
}

describe('leads rescaled one by one', () => {
  const ludb = read(fixturePath('signal', 'ludb-1', '1.hea'));
  const ptbxl = read(fixturePath('signal', 'ptbxl-1avb', '00191_hr.hea'));

  it('LUDB 1.0.1 record 1: every lead 1 mV peak to peak, so no voltage, axis or ST reading, but timing stays', () => {
    expect(normalisationOf(ludb.leads, ludb.fs)).toEqual({ rangeMv: expect.closeTo(1, 6), leads: 12 });
    const a = analyseEcg(ludb.leads, ludb.fs);
    expect(a.caveats.amplitudeNormalised).toMatch(/same 1\.00 mV peak to peak \(12 leads\).*not interpretable/);
    expect(a.caveats.stNotInterpretable).toBe('amplitudes rescaled lead by lead: ST levels are not the recorded millivolts');
    expect(a.measurements.axisDeg).toEqual({ p: null, qrs: null, t: null });
    expect(a.measurements.reasons['axisDeg.qrs']).toMatch(/rescaled lead by lead/);
    const codes = a.statements.map((s) => s.code);
    expect(codes[0]).toBe('RESCALED');
    expect(codes).not.toContain('LVOLT');
    expect(codes.some((c) => c === 'LAD' || c === 'RAD')).toBe(false);
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

  it('the rescaled PTB-XL record keeps its timing and loses its axes', () => {
    const original = analyseEcg(ptbxl.leads, ptbxl.fs);
    const a = analyseEcg(rescaled(ptbxl.leads, 1), ptbxl.fs);
    expect(a.measurements.heartRateBpm).toBeCloseTo(original.measurements.heartRateBpm as number, 6);
    expect(original.measurements.axisDeg.qrs).not.toBeNull();
    expect(a.measurements.axisDeg.qrs).toBeNull();
    expect(a.statements.map((s) => s.code)).toContain('1AVB');
  });
});
