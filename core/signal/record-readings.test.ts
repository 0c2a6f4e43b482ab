import { describe, expect, it } from 'vitest';
import { decodeRecordFiles } from '../data/records';
import { fixturePath } from '../test/shared-data';
import { detectQrs } from './qrs';
import { assessRecord } from './record-quality';
import { RecordReadings } from './record-readings';

const base = fixturePath('train', 'ptbxl', 'records100', '00000', '00001_lr');
const record = await decodeRecordFiles([`${base}.hea`, `${base}.dat`]);
const samples = () => record.leads.map((l) => l.samples);

describe('RecordReadings: a detection and a lead quality given again only where a new call would give the same', () => {
  it('gives the detection of the same arrays again, in a new outer array, and equals detectQrs', () => {
    const readings = new RecordReadings();
    const first = readings.detect(samples(), record.fs);
    expect(first).toEqual(detectQrs(samples(), record.fs));
    expect(first.beats.length).toBeGreaterThan(5);
    expect(readings.detect(samples(), record.fs)).toBe(first);
    expect(readings.detectionOf(samples(), record.fs)).toBe(first);
    expect(readings.reused).toEqual({ detections: 2, qualities: 0 });
  });

  it('makes a new one for copies of the samples, another order, other leads or another rate', () => {
    const readings = new RecordReadings();
    const first = readings.detect(samples(), record.fs);
    expect(readings.detectionOf(samples().map((s) => s.slice()), record.fs)).toBeUndefined();
    expect(readings.detectionOf([...samples()].reverse(), record.fs)).toBeUndefined();
    expect(readings.detectionOf(samples().slice(1), record.fs)).toBeUndefined();
    expect(readings.detectionOf(samples(), 2 * record.fs)).toBeUndefined();
    const other = readings.detect(samples().slice(0, 6), record.fs);
    expect(other).not.toBe(first);
    expect(other).toEqual(detectQrs(samples().slice(0, 6), record.fs));
    expect(readings.reused.detections).toBe(0);
  });

  it('gives lead quality again for the same names, arrays and detection only, and equals assessRecord', () => {
    const readings = new RecordReadings();
    const detection = readings.detect(samples(), record.fs);
    const quality = readings.assess(record.leads, record.fs, detection);
    expect(quality).toEqual(assessRecord(record.leads, record.fs, detection));
    expect(readings.assess(record.leads.map((l) => ({ name: l.name, samples: l.samples })), record.fs, detection)).toBe(quality);
    // Another name, an equal detection that is not this one, another rate: assessed anew.
    const lower = record.leads.map((l) => ({ name: l.name.toLowerCase(), samples: l.samples }));
    expect(readings.assess(lower, record.fs, detection)).toEqual(assessRecord(lower, record.fs, detection));
    expect(readings.assess(record.leads, record.fs, { ...detection })).not.toBe(quality);
    expect(readings.reused.qualities).toBe(1);
  });
});
