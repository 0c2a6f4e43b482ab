// Ectopic beats named by their QRS shape, on real records: LUDB 106 (sinus rhythm, one
// ventricular extrasystole 19 % early), LUDB 110 (atrial fibrillation, one ventricular
// extrasystole) and LUDB 124 (sinus rhythm, no extrasystole, a sharp deflection at the record's
// end), ODC-By 1.0, core/test/fixtures/signal/ludb-106, ludb-110, ludb-124. Whole-set figures:
// docs/benchmarks.md, "What changed and why (ectopy by QRS shape)" and "(paced beats …)".
import { describe, expect, it } from 'vitest';
import { decodeFiles } from '../formats/index';
import { loadFilesForDecoding } from '../formats/load';
import { fixturePath } from '../test/shared-data';
import { analyseEcg, type EcgAnalysis } from './measure';

function analyse(...parts: string[]): EcgAnalysis {
  const outcome = decodeFiles(loadFilesForDecoding([fixturePath(...parts)]))[0];
  if (!outcome?.ok) throw new Error(`cannot read ${parts.join('/')}`);
  return analyseEcg(outcome.record.leads, outcome.record.fs);
}

const statement = (a: EcgAnalysis, code: string) => a.statements.find((s) => s.code === code);

describe('ectopic beats by QRS shape', () => {
  it('a ventricular premature beat 19 % early with a compensatory pause is named, not read as sinus arrhythmia (LUDB 106)', () => {
    const a = analyse('signal', 'ludb-106', '106.hea');
    expect(a.rhythm.prematureVentricular).toEqual([1]);
    expect(statement(a, 'PVC')?.text).toBe('Ventricular premature complex (1)');
    expect(statement(a, 'SARRH')).toBeUndefined();
    expect(statement(a, 'SR')).toBeDefined();
  });

  it('in atrial fibrillation a QRS unlike the conducted beats is named ventricular or aberrant (LUDB 110)', () => {
    const a = analyse('signal', 'ludb-110', '110.hea');
    expect(statement(a, 'AFIB')).toBeDefined();
    expect(a.rhythm.differentQrs).toEqual([5]);
    expect(statement(a, 'PVC')).toMatchObject({ text: 'Ventricular premature or aberrantly conducted complex (1)', partialCode: true });
    expect(statement(a, 'PAC')).toBeUndefined();
  });

  it('a "beat" the record’s end cuts is not premature, and its RR is not the rhythm’s (LUDB 124: a deflection 26 ms before the last sample, 400 ms after the beat before)', () => {
    const a = analyse('signal', 'ludb-124', '124.hea');
    const last = a.measurements.beats.length - 1;
    expect(a.rhythm.cutByEdge).toContain(last);
    expect(a.rhythm.premature).not.toContain(last);
    expect(statement(a, 'PAC')).toBeUndefined();
    expect(statement(a, 'SR')).toBeDefined();
    // Its 400 ms RR is left out of the range the sinus arrhythmia rule reads.
    expect(a.rhythm.rrRange).toBeLessThan(0.16);
  });
});
