// Flutter waves beside a "P wave", on a real record: LUDB 1.0.1 record 52 (typical atrial
// flutter diagnosed; a sawtooth at 270/min in II, III and aVF, conducted 4:1 or so), ODC-By 1.0,
// core/test/fixtures/signal/ludb-52. Whole-set figures: docs/benchmarks.md, "What changed and
// why (flutter waves beside a P wave)".
import { describe, expect, it } from 'vitest';
import { decodeFiles } from '../formats/index';
import { loadFilesForDecoding } from '../formats/load';
import { fixturePath } from '../test/shared-data';
import { analyseEcg } from './measure';
import { atrialActivity } from './rhythm';

describe('regular atrial waves beside a P wave', () => {
  it('flutter whose wave before the QRS passes for a P wave is not stated sinus rhythm and AV block without asking to exclude flutter (LUDB 52)', () => {
    const outcome = decodeFiles(loadFilesForDecoding([fixturePath('signal', 'ludb-52', '52.hea')]))[0];
    if (!outcome?.ok) throw new Error('cannot read ludb-52');
    const a = analyseEcg(outcome.record.leads, outcome.record.fs);
    const rhythmAndBlock = a.statements.filter((s) => ['SR', 'SARRH', 'SBRAD', 'STACH', '1AVB'].includes(s.code));
    // The rules still read a P wave and a long PR (the flutter wave before each QRS) ...
    expect(rhythmAndBlock.map((s) => s.code)).toContain('1AVB');
    // ... and each of those statements now says what to exclude, with the waves' rate.
    for (const s of rhythmAndBlock) expect(s.qualifier).toMatch(/regular atrial waves at 2[5-9]\d\/min \((II|III|aVF)\) run between the complexes: exclude atrial flutter/);
  });
});

describe('the atrial rate is measured only where the period lies inside the search', () => {
  const fs = 500;
  /** A sawtooth in lead II at `perMin`, nothing else (a flat median beat cancels nothing). */
  const sawtooth = (perMin: number) => {
    const period = (60 * fs) / perMin;
    const ii = Float64Array.from({ length: 10 * fs }, (_, i) => 0.2 * ((i % period) / period - 0.5));
    const beats = [1, 2, 3, 4, 5, 6, 7, 8].map((s) => s * fs);
    const template = { leads: [new Float64Array(300)], pre: 50, fs, beatsUsed: 8, rr: fs };
    return atrialActivity([ii], ['II'], beats, fs, template);
  };

  it('a flutter sawtooth at 300/min has its period inside 230–375/min', () => {
    const a = sawtooth(300);
    expect(a?.atrialRatePerMin).toBeCloseTo(300, 0);
    expect(a?.atSearchEdge).toBe(false);
  });

  it('faster waves (480/min) put the best lag on the search edge: 375/min is then a bound, not a rate', () => {
    const a = sawtooth(480);
    expect(a?.atrialRatePerMin).toBeCloseTo(375, 0);
    expect(a?.atSearchEdge).toBe(true);
  });
});
