// Real paced records: LUDB 1.0.1 record 8 (AF, unipolar ventricular pacing; ODC-By 1.0,
// core/test/fixtures/signal/ludb-8), whose spike detector sees spikes before 5 of its 12 beats
// while four more carry the same wide paced QRS (their spikes visible on the tracing but under
// the detector's threshold), and PTB-XL 00382 (CC BY 4.0, core/test/fixtures/signal/ptbxl-paced),
// spikes before 3 of 13 beats, two of them on a narrow QRS like every other beat's.
import { describe, expect, it } from 'vitest';
import { decodeFiles } from '../formats/index';
import { loadFilesForDecoding } from '../formats/load';
import type { EcgRecord } from '../formats/record';
import { fixturePath } from '../test/shared-data';
import { alignBeats } from './beat-alignment';
import { analyseEcg } from './measure';
import { cleanForMeasurement } from './median-beat';
import { withUnseenSpikeBeats } from './paced-shape';
import { detectPacing } from './pacing';
import { detectQrs } from './qrs';
import { statementThresholds } from './statements';

function read(...parts: string[]): EcgRecord {
  const outcome = decodeFiles(loadFilesForDecoding([fixturePath(...parts)]))[0];
  if (!outcome?.ok) throw new Error(`cannot read ${parts.join('/')}`);
  return outcome.record;
}

/** The spike detector's verdict and the shape rule's, on the beats analyseEcg uses. */
function pacingOf(record: EcgRecord) {
  const raw = record.leads.map((l) => l.samples as Float32Array);
  const clean = record.leads.map((l) => cleanForMeasurement(l.samples, record.fs));
  const beats = alignBeats(clean, detectQrs(raw, record.fs).beats, record.fs);
  const spikes = detectPacing(raw, record.fs, beats);
  return { beats, spikes, byShape: withUnseenSpikeBeats(spikes, clean, beats, record.fs, statementThresholds.pacedRhythmFraction) };
}

describe('paced beats whose spikes are too small to see', () => {
  it('LUDB 8: the four beats with the spike beats’ wide QRS count as paced, which makes a paced rhythm; the narrow conducted beats do not', () => {
    const { beats, spikes, byShape } = pacingOf(read('signal', 'ludb-8', '8.hea'));
    expect(spikes.pacedBeats).toHaveLength(5);
    expect(spikes.pacedBeatFraction).toBeLessThan(statementThresholds.pacedRhythmFraction);
    expect(byShape.unseenSpikeBeats).toEqual([2, 7, 8, 11]);
    expect(byShape.pacedBeats).toEqual([...spikes.pacedBeats, 2, 7, 8, 11].sort((a, b) => a - b));
    expect(byShape.pacedBeatFraction).toBeCloseTo(9 / beats.length, 10);
    expect(byShape.reason).toMatch(/4 more have the QRS of the beats after a spike, their spikes too small to see$/);
    // Beats 3 and 4 (narrow, conducted) and 5 (a fusion beat) are not counted.
    for (const k of [3, 4, 5]) expect(byShape.pacedBeats).not.toContain(k);
  });

  it('LUDB 8 is then read as a paced rhythm: the spikes seen and the paced QRS without one both in the evidence; no rhythm, conduction or axis statement from paced beats', () => {
    const r = read('signal', 'ludb-8', '8.hea');
    const a = analyseEcg(r.leads, r.fs);
    const pace = a.statements.find((s) => s.code === 'PACE');
    expect(pace?.text).toBe('Paced rhythm');
    expect(pace?.evidence).toEqual(expect.arrayContaining([{ name: 'beats after a spike', value: 42, unit: '%' }, { name: 'beats with the paced QRS, no spike seen', value: 33, unit: '%' }]));
    const codes = a.statements.map((s) => s.code);
    for (const code of ['IVCD', 'URHY', 'LAD', 'LNGQT']) expect(codes).not.toContain(code);
    expect(codes).toContain('QTCNI');
    expect(a.beatsLeftOut.paced).toBe(0);
  });

  it('PTB-XL 00382: spikes on a narrow conducted QRS (pseudo-fusion or atrial) do not make the other beats paced', () => {
    const { spikes, byShape } = pacingOf(read('signal', 'ptbxl-paced', '00382_hr.hea'));
    expect(spikes.paced).toBe(true);
    expect(byShape).toBe(spikes);
  });

  it('a paced rhythm, or a record without pacing, is left as the detector found it', () => {
    for (const parts of [['signal', 'ptbxl-paced', '00143_hr.hea'], ['signal', 'ludb-1', '1.hea']]) {
      const { spikes, byShape } = pacingOf(read(...parts));
      expect(byShape).toBe(spikes);
    }
  });
});
