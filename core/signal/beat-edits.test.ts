// A reader's beat edits on the bundled PTB-XL 00102 (CC BY 4.0, resources/samples/ptbxl).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeFiles } from '../formats/index';
import { loadFilesForDecoding } from '../formats/load';
import { fixturePath } from '../test/shared-data';
import { applyBeatEdits, hasBeatEdits } from './beat-edits';
import { analyseEcg } from './measure';
import { detectQrs } from './qrs';

const record = (() => {
  const file = path.resolve(fixturePath(), '../../../resources/samples/ptbxl/00102_hr.hea');
  const outcome = decodeFiles(loadFilesForDecoding([file]))[0];
  if (!outcome?.ok) throw new Error(`${file} did not decode`);
  return outcome.record;
})();
const samples = record.leads.map((l) => l.samples);
const detected = detectQrs(samples, record.fs);
const program = analyseEcg(record.leads, record.fs);

describe('beat edits on PTB-XL 00102', () => {
  it('a removed beat leaves the rate and RR, and says so', () => {
    const third = detected.beats[2] as number;
    const a = analyseEcg(record.leads, record.fs, { beatEdits: { removed: [third + 10] } });
    expect(a.measurements.beats).toHaveLength(program.measurements.beats.length - 1);
    expect(a.measurements.heartRateBpm as number).toBeLessThan(program.measurements.heartRateBpm as number);
    expect(a.correction).toMatchObject({ applied: true, beats: { added: 0, removed: 1, unmatched: 0 } });
  });

  it("a beat added where the detector had none lands on the QRS nearest the reader's click", () => {
    const missing = detected.beats[4] as number;
    const without = applyBeatEdits(detected, { removed: [missing] }, samples, record.fs).detection;
    // The reader clicks 30 ms off the QRS: the beat is placed on its steepest slope, within 20 ms of the detector's own.
    const back = applyBeatEdits(without, { added: [missing + 15] }, samples, record.fs);
    expect(back.added).toBe(1);
    const placed = back.detection.beats[4] as number;
    expect(Math.abs(placed - missing)).toBeLessThanOrEqual(10);
    expect(back.detection.beats).toHaveLength(detected.beats.length);
  });

  it('edits that name no beat are counted, not applied', () => {
    const first = detected.beats[0] as number;
    const second = detected.beats[1] as number;
    const midway = Math.round((first + second) / 2);
    const edited = applyBeatEdits(detected, { removed: [midway], added: [second + 20, -5, record.nSamples + 3] }, samples, record.fs);
    expect([edited.removed, edited.added, edited.unmatched]).toEqual([0, 0, 4]);
    expect(edited.detection.beats).toEqual(detected.beats);
    expect(hasBeatEdits({ added: [], removed: [] })).toBe(false);
    expect(hasBeatEdits(undefined)).toBe(false);
  });

  it('every beat removed: no beats, with the reason, and nothing measured', () => {
    const a = analyseEcg(record.leads, record.fs, { beatEdits: { removed: [...detected.beats] } });
    expect(a.measurements.beats).toEqual([]);
    expect(a.measurements.heartRateBpm).toBeNull();
    expect(a.quality.reasons.join(' ')).toMatch(/every detected beat was removed by the reader/);
  });
});
