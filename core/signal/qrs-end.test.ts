// Real records whose QRS ends with a broad terminal wave in one or two leads: LUDB 10
// (cardiologists' diagnosis complete RBBB; ODC-By 1.0, core/test/fixtures/signal/ludb-10) and
// PTB-XL 00188 (reported RBBB; CC BY 4.0, core/test/fixtures/signal/ptbxl-qrs-end). With a 10 ms
// quiet hold the global QRS ended at the flat apex of V1's R′ (90 and 92 ms) and no block was
// stated. Whole-set figures: docs/benchmarks.md, "QRS end".
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

const codes = (a: EcgAnalysis) => a.statements.map((s) => s.code);

describe('the end of the QRS', () => {
  it('is after the R′ of V1, not at its apex (LUDB 10: cardiologists’ per-lead median 116 ms, complete RBBB)', () => {
    const a = analyse('signal', 'ludb-10', '10.hea');
    expect(a.measurements.qrsMs).toBeGreaterThanOrEqual(116);
    expect(a.measurements.qrsMs).toBeLessThanOrEqual(135);
    expect(codes(a)).toContain('CRBBB');
  });

  it('takes in the R′ of V1 and the S of I that end together (PTB-XL 00188, reported right bundle branch block)', () => {
    const a = analyse('signal', 'ptbxl-qrs-end', '00188_hr.hea');
    expect(a.measurements.qrsMs).toBeGreaterThanOrEqual(124);
    expect(a.measurements.qrsMs).toBeLessThanOrEqual(140);
    expect(codes(a)).toContain('CRBBB');
  });
});
