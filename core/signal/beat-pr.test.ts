// The beat-by-beat PR on real records: PTB-XL 00191 (CC BY 4.0 fixture, core/test/fixtures/signal/
// ptbxl-1avb), labelled first-degree AV block, 31 bpm, whose P waves sit 310–384 ms before QRS
// onsets that vary beat to beat, so the median beat shows no P wave (PR was null, issue 14); the
// HL7 aECG example, where the median beat's PR stands; the bundled PTB-XL 00017 (atrial flutter),
// where no beat-by-beat P may be invented. Over the whole pool: `npm run bench -- measure`.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeFiles } from '../formats/index';
import { loadFilesForDecoding } from '../formats/load';
import { fixturePath } from '../test/shared-data';
import { loadAecgFixture } from './annotated-fixture';
import { beatByBeatPr, beatPrRules } from './beat-pr';
import { analyseEcg, plausibleIntervalsMs } from './measure';
import { cleanForMeasurement } from './median-beat';

const read = (file: string) => {
  const outcome = decodeFiles(loadFilesForDecoding([file]))[0];
  if (!outcome?.ok) throw new Error(`${file} did not decode`);
  return outcome.record;
};

describe('PR beat by beat', () => {
  it('PTB-XL 00191 (first-degree AV block, PR varying): PR from the beats, over 200 ms, with its spread', () => {
    const r = read(fixturePath('signal', 'ptbxl-1avb', '00191_hr.hea'));
    const a = analyseEcg(r.leads, r.fs);
    const m = a.measurements;
    // The median beat shows no P wave: the PR below comes from the beats.
    expect(a.fiducials?.pOnset).toBeUndefined();
    const b = m.prBeats;
    expect(b).not.toBeNull();
    if (!b) return;
    expect(m.prMs).toBe(b.medianMs);
    expect(b.medianMs).toBeGreaterThan(200);
    expect(b.measured).toBeGreaterThanOrEqual(4);
    expect(b.of).toBe(m.beats.length);
    expect(b.perBeatMs).toHaveLength(b.of);
    expect(b.minMs).toBeGreaterThan(200);
    expect(b.maxMs - b.minMs).toBeGreaterThan(beatPrRules.variableRangeMs);
    expect(b.varies).toBe(true);
    expect(m.reasons.prMs).toBeUndefined();
    expect(a.caveats.prFromBeats).toMatch(/beat by beat.*varies/);
    const codes = a.statements.map((s) => s.code);
    expect(codes).toEqual(expect.arrayContaining(['1AVB', 'PRVAR']));
    const avb = a.statements.find((s) => s.code === '1AVB');
    expect(avb?.evidence.map((e) => e.name)).toEqual(['PR (median of beats)', `PR range over ${b.measured} of ${b.of} beats`]);
  });

  it('the HL7 aECG example: the median beat gives the PR, the beat-by-beat path is not used, and it would agree', () => {
    const record = loadAecgFixture();
    const a = analyseEcg(record.leads, record.fs);
    const f = a.fiducials;
    expect(f?.pOnset).toBeDefined();
    expect(a.measurements.prBeats).toBeNull();
    expect(a.caveats.prFromBeats).toBeUndefined();
    expect(a.measurements.prMs).toBeCloseTo((((f?.qrsOnset ?? 0) - (f?.pOnset ?? 0)) * 1000) / record.fs, 9);
    // Measured beat by beat anyway, the record's PR stays within 10 ms of the median beat's (and of the cart's 148 ms).
    const clean = a.medianLeads.map((name) => cleanForMeasurement(record.leads.find((l) => l.name === name)?.samples ?? [], record.fs));
    const b = a.medianBeat && f ? beatByBeatPr(clean, a.measurements.beats, a.medianBeat, f, plausibleIntervalsMs.prMs) : undefined;
    expect(b && 'medianMs' in b ? Math.abs(b.medianMs - (a.measurements.prMs ?? 0)) : Number.NaN).toBeLessThanOrEqual(10);
    expect(b && 'varies' in b ? b.varies : undefined).toBe(false);
  });

  it('atrial flutter (bundled PTB-XL 00017): no P wave of one shape before the beats, so no PR', () => {
    const r = read(path.resolve(fixturePath(), '../../../resources/samples/ptbxl', '00017_hr.hea'));
    const a = analyseEcg(r.leads, r.fs);
    expect(a.measurements.prMs).toBeNull();
    expect(a.measurements.prBeats).toBeNull();
    expect(a.measurements.reasons.prMs).toMatch(/beat by beat: a P wave of one shape/);
    expect(a.statements.map((s) => s.code)).not.toContain('PRVAR');
  });
});
