// A reader's wave boundaries in place of the program's, on the bundled PTB-XL 00102 (first-degree
// AV block by its label, PR 252 ms by the program; CC BY 4.0, resources/samples/ptbxl).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeFiles } from '../formats/index';
import { loadFilesForDecoding } from '../formats/load';
import { fixturePath } from '../test/shared-data';
import { correctedFiducials, indexAt, isEmptyCorrection, msFromR } from './boundary-correction';
import { analyseEcg } from './measure';

const record = (() => {
  const file = path.resolve(fixturePath(), '../../../resources/samples/ptbxl/00102_hr.hea');
  const outcome = decodeFiles(loadFilesForDecoding([file]))[0];
  if (!outcome?.ok) throw new Error(`${file} did not decode`);
  return outcome.record;
})();
const program = analyseEcg(record.leads, record.fs);
const beat = program.medianBeat;
const f = program.fiducials;
if (!beat || f?.pOnset === undefined || f.qrsOnset === undefined || f.qrsOffset === undefined || f.tEnd === undefined) throw new Error('00102 lost its median beat or boundaries');
const ms = (index: number) => msFromR(beat, index);
const codes = (a: typeof program) => a.statements.map((s) => s.code);

describe('boundary correction on PTB-XL 00102', () => {
  it('the program states first-degree AV block from its own P onset', () => {
    expect(program.measurements.prMs as number).toBeGreaterThan(230);
    expect(codes(program)).toContain('1AVB');
    expect(program.correction).toBeUndefined();
  });

  it("a later P onset gives the reader's PR, and the block statement goes with the program's PR", () => {
    const qrsOnMs = ms(f.qrsOnset as number);
    const a = analyseEcg(record.leads, record.fs, { boundaries: { pOnset: qrsOnMs - 180 } });
    expect(a.correction?.applied).toBe(true);
    expect(a.measurements.prMs as number).toBeCloseTo(180, 0);
    expect(a.correction?.automatic.prMs).toBeCloseTo(program.measurements.prMs as number, 6);
    expect(a.correction?.automatic.fiducials?.pOnset).toBe(f.pOnset);
    expect(a.fiducials?.pOnset).toBe(indexAt(beat, qrsOnMs - 180));
    expect(codes(a)).not.toContain('1AVB');
    // Nothing else moved: QRS, QT and the QRS axis are the program's.
    expect([a.measurements.qrsMs, a.measurements.qtMs, a.measurements.axisDeg.qrs]).toEqual([program.measurements.qrsMs, program.measurements.qtMs, program.measurements.axisDeg.qrs]);
  });

  it("a later T end lengthens QT and QTc by the reader's amount", () => {
    const a = analyseEcg(record.leads, record.fs, { boundaries: { tEnd: ms(f.tEnd as number) + 40 } });
    expect((a.measurements.qtMs as number) - (program.measurements.qtMs as number)).toBeCloseTo(40, 0);
    expect(a.measurements.qtcMs.fridericia as number).toBeGreaterThan(program.measurements.qtcMs.fridericia as number);
    expect(a.correction?.automatic.qtMs).toBe(program.measurements.qtMs);
  });

  it('a P wave marked absent: no PR, not even beat by beat, and no AV block', () => {
    const a = analyseEcg(record.leads, record.fs, { boundaries: { pAbsent: true } });
    expect(a.correction?.applied).toBe(true);
    expect(a.measurements.prMs).toBeNull();
    expect(a.measurements.prBeats).toBeNull();
    expect(a.measurements.reasons.prMs).toMatch(/marked absent by the reader/);
    expect(a.measurements.axisDeg.p).toBeNull();
    expect(codes(a)).not.toContain('1AVB');
  });

  it('boundaries out of order or outside the beat are refused with the reason, and the program stands', () => {
    const qrsOnMs = ms(f.qrsOnset as number);
    for (const [boundaries, reason] of [
      [{ pOnset: qrsOnMs + 10 }, /P onset must come before QRS onset|P onset must come before P offset/],
      [{ qrsOffset: qrsOnMs - 2 }, /QRS onset must come before QRS offset/],
      [{ tEnd: 5000 }, /T end at 5000 ms from R lies outside the median beat/],
      [{ pAbsent: true, pOnset: -200 }, /P onset given while the P wave is marked absent/],
    ] as const) {
      const a = analyseEcg(record.leads, record.fs, { boundaries });
      expect(a.correction?.applied, JSON.stringify(boundaries)).toBe(false);
      expect(a.correction?.notApplied).toMatch(reason);
      expect(a.measurements.prMs).toBe(program.measurements.prMs);
      expect(codes(a)).toEqual(codes(program));
    }
  });

  it('an empty correction (back to the program) changes nothing', () => {
    expect(isEmptyCorrection({})).toBe(true);
    expect(isEmptyCorrection({ pAbsent: false })).toBe(true);
    const a = analyseEcg(record.leads, record.fs, { boundaries: {} });
    expect(a.correction).toMatchObject({ applied: false });
    expect(a.correction?.notApplied).toBeUndefined();
    expect(a.measurements).toEqual(program.measurements);
  });

  it('ms from R and back is the same sample', () => {
    for (const i of [0, 17, beat.pre, (beat.leads[0]?.length ?? 1) - 1]) expect(indexAt(beat, msFromR(beat, i))).toBe(i);
    const moved = correctedFiducials(f, beat, { qrsOnset: ms(f.qrsOnset as number) - 10 });
    expect(moved.ok && moved.fiducials.qrsFirstDeflection).toBe((f.qrsOnset as number) - 5);
  });
});
