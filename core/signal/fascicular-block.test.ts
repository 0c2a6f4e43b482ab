// Real records: PTB-XL 1.0.3 00448 (labelled LAFB, report "überdrehter Linkstyp linksanteriorer
// Hemiblock"), 00455 (CRBBB and LAFB, report "… bifascikulärt block") and 00184 (inferior and
// anterior infarction, report "extrem vänster el-axel", no fascicular block) and 00285 (labelled
// and reported LAFB, whose q in aVL begins before the global QRS onset), CC BY 4.0,
// core/test/fixtures/signal/ptbxl-lafb.
import { describe, expect, it } from 'vitest';
import { decodeFiles } from '../formats/index';
import { loadFilesForDecoding } from '../formats/load';
import { leadQrs, notPaced, regularRhythm } from '../test/statement-inputs';
import { fixturePath } from '../test/shared-data';
import { analyseEcg } from './measure';
import type { LeadQrs } from './morphology';
import type { PacingResult } from './pacing';
import { interpretiveStatements, type StatementInput } from './statements';

/** A left anterior fascicular block's limb leads: qR in aVL with a late R peak, rS inferiorly. */
function lafbLeads(aVL: Partial<LeadQrs> = {}): Map<string, LeadQrs> {
  const m = new Map(['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'].map((n) => [n, leadQrs()]));
  m.set('aVL', leadQrs({ rMv: 0.9, sMv: 0.1, initialQMv: 0.08, rPeakTimeMs: 60, ...aVL }));
  for (const n of ['II', 'III', 'aVF']) m.set(n, leadQrs({ rMv: 0.15, sMv: 0.9 }));
  return m;
}

const input = (over: Partial<StatementInput> = {}): StatementInput => ({
  heartRateBpm: 75,
  prMs: 160,
  qrsMs: 96,
  qtcLinearMs: 420,
  qrsAxisDeg: -60,
  pWave: true,
  morphology: lafbLeads(),
  rhythm: regularRhythm,
  pacing: notPaced,
  beats: 12,
  ...over,
});
const find = (over: Partial<StatementInput> = {}) => interpretiveStatements(input(over)).find((s) => s.code === 'LAFB');

describe('left anterior fascicular block: the four criteria of AHA/ACCF/HRS 2009 Part III', () => {
  it('is stated with the axis, the QRS and aVL as evidence, beside the left axis deviation', () => {
    const s = find();
    expect(s?.text).toBe('Left anterior fascicular block');
    expect(s?.category).toBe('conduction');
    expect(s?.source).toMatch(/Part III/);
    expect(s?.evidence).toEqual([
      { name: 'QRS axis', value: -60, unit: '°' },
      { name: 'QRS', value: 96, unit: 'ms' },
      { name: 'aVL q / R / S', value: '0.08 / 0.9 / 0.1', unit: 'mV' },
      { name: 'R peak time aVL', value: 60, unit: 'ms' },
    ]);
    expect(interpretiveStatements(input()).map((x) => x.code)).toEqual(['SR', 'LAFB', 'LAD']);
  });

  it('needs the axis at −45° to −90°', () => {
    expect(find({ qrsAxisDeg: -45 })).toBeDefined();
    expect(find({ qrsAxisDeg: -90 })).toBeDefined();
    expect(find({ qrsAxisDeg: -44 })).toBeUndefined();
    expect(find({ qrsAxisDeg: -91 })).toBeUndefined();
    // On the whole degrees the evidence shows (PTB-XL 00447: −90.05°, shown as −90°).
    expect(find({ qrsAxisDeg: -90.05 })?.evidence[0]).toEqual({ name: 'QRS axis', value: -90, unit: '°' });
    expect(find({ qrsAxisDeg: -44.4 })).toBeUndefined();
    expect(find({ qrsAxisDeg: null })).toBeUndefined();
  });

  it('needs qR in aVL: an initial q of 0.025 mV or more, then a dominant R', () => {
    expect(find({ morphology: lafbLeads({ initialQMv: 0.025 }) })).toBeDefined();
    expect(find({ morphology: lafbLeads({ initialQMv: 0.02 }) })).toBeUndefined();
    expect(find({ morphology: lafbLeads({ rMv: 0.3, sMv: 0.5 }) })).toBeUndefined();
    const noAvl = lafbLeads();
    noAvl.delete('aVL');
    expect(find({ morphology: noAvl })).toBeUndefined();
  });

  it('needs the R peak time in aVL at 45 ms or more', () => {
    expect(find({ morphology: lafbLeads({ rPeakTimeMs: 45 }) })).toBeDefined();
    expect(find({ morphology: lafbLeads({ rPeakTimeMs: 44 }) })).toBeUndefined();
    expect(find({ morphology: lafbLeads({ rPeakTimeMs: null }) })).toBeUndefined();
  });

  it('needs a QRS under 120 ms, unless a complete right bundle branch block widens it: then each block by its own name, not "bifascicular"', () => {
    expect(find({ qrsMs: 119 })).toBeDefined();
    expect(find({ qrsMs: 120 })).toBeUndefined();
    const rbbb = lafbLeads();
    rbbb.set('V1', leadQrs({ rMv: 0.9, sMv: 0.3, terminalMv: 0.5, rPeaks: 2 }));
    for (const n of ['I', 'V6', 'V5']) rbbb.set(n, leadQrs({ sMv: 0.4, terminalMv: -0.3 }));
    const both = interpretiveStatements(input({ qrsMs: 140, morphology: rbbb }));
    expect(both.map((x) => x.code)).toEqual(['SR', 'CRBBB', 'LAFB', 'LAD']);
    expect(both.find((x) => x.code === 'LAFB')?.text).toBe('Left anterior fascicular block with the right bundle branch block');
    expect(both.map((x) => x.text).join(' ')).not.toMatch(/bifascicular/i);
    // An incomplete right bundle branch block does not widen the QRS past 120 ms: an isolated block.
    expect(find({ qrsMs: 114, morphology: rbbb })?.text).toBe('Left anterior fascicular block');
  });

  it('is not stated under ventricular pacing, whose axis is the pacing site’s', () => {
    const paced: PacingResult = { ...notPaced, paced: true, pacedBeatFraction: 1, spikeTimesSec: [0.1], spikesPerBeat: 1, leadsWithSpikes: 12 };
    expect(find({ pacing: paced })).toBeUndefined();
  });
});

describe('left anterior fascicular block on real records', () => {
  const analyse = (name: string) => {
    const outcome = decodeFiles(loadFilesForDecoding([fixturePath('signal', 'ptbxl-lafb', name)]))[0];
    if (!outcome?.ok) throw new Error(`${name} did not decode`);
    return analyseEcg(outcome.record.leads, outcome.record.fs);
  };

  it('PTB-XL 00448 (labelled LAFB): stated, from a q in aVL under the 0.1 mV the q of the bundle branch criteria needs', () => {
    const a = analyse('00448_hr.hea');
    const s = a.statements.find((x) => x.code === 'LAFB');
    expect(s?.text).toBe('Left anterior fascicular block');
    expect(a.measurements.axisDeg.qrs).toBeLessThanOrEqual(-45);
    const aVL = a.morphology?.get('aVL');
    expect(aVL?.q).toBe(false);
    expect(aVL?.initialQMv).toBeGreaterThanOrEqual(0.025);
    expect(aVL?.rPeakTimeMs).toBeGreaterThanOrEqual(45);
  });

  it('PTB-XL 00455 (labelled CRBBB and LAFB, reported "bifascikulärt block"): both blocks stated, each by its name', () => {
    const a = analyse('00455_hr.hea');
    const codes = a.statements.map((x) => x.code);
    expect(codes).toEqual(expect.arrayContaining(['CRBBB', 'LAFB']));
    expect(a.statements.find((x) => x.code === 'LAFB')?.text).toBe('Left anterior fascicular block with the right bundle branch block');
    // Its QRS lengthens the QT: the caveat the viewer's QTc flag shows.
    expect(a.caveats.qtcWideQrs).toBe(`QRS ${Math.round(a.measurements.qrsMs as number)} ms: a wide QRS lengthens QT, so QTc overstates repolarisation time`);
    expect(analyse('00448_hr.hea').caveats.qtcWideQrs).toBeUndefined();
  });

  it('PTB-XL 00285 (labelled and reported LAFB): stated, the q in aVL measured from where it begins, 10 ms before the QRS onset, and not from the onset near its bottom', () => {
    const a = analyse('00285_hr.hea');
    expect(a.statements.map((x) => x.code)).toContain('LAFB');
    const f = a.fiducials;
    const onset = f?.qrsOnset as number;
    const first = f?.qrsFirstDeflection as number;
    expect(onset - first).toBeGreaterThanOrEqual(Math.round(0.006 * (a.medianBeat?.fs ?? 0)));
    // aVL, measured from the onset itself, dips only 0.018 mV: under the q the criteria ask for.
    const aVL = a.medianBeat?.leads[a.medianLeads.indexOf('aVL')] as Float64Array;
    let lowest = 0;
    for (let i = onset; (aVL[i] as number) - (aVL[onset] as number) < 0.025; i++) lowest = Math.min(lowest, (aVL[i] as number) - (aVL[onset] as number));
    expect(-lowest).toBeLessThan(0.025);
    expect(a.morphology?.get('aVL')?.initialQMv).toBeGreaterThanOrEqual(0.05);
  });

  it('PTB-XL 00184 (inferior infarction, axis far left): left axis deviation without a fascicular block, since aVL starts with no q', () => {
    const a = analyse('00184_hr.hea');
    const codes = a.statements.map((x) => x.code);
    expect(a.measurements.axisDeg.qrs).toBeLessThanOrEqual(-45);
    expect(codes).toContain('LAD');
    expect(codes).not.toContain('LAFB');
    expect(a.morphology?.get('aVL')?.initialQMv).toBeLessThan(0.025);
  });
});
