import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../test/shared-data';
import { decodeFiles, type DecodeOutcome } from '../index';
import type { EcgRecord, Lead } from '../record';
import { fixtureFiles } from '../test/fixtures';

// Reference: `/usr/bin/python3 scripts/fixtures/formats_dicom.py` (pydicom waveform_array, in mV).
interface GroupRef {
  label: string;
  fs: number;
  n: number;
  first10: number[][];
  sum: number[];
  last: number[];
}
const expected = JSON.parse(readFileSync(fixturePath('formats', 'dicom', 'expected.json'), 'utf8')) as Record<string, GroupRef[]>;
const fileOrder = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];

function record(outcome: DecodeOutcome | undefined): EcgRecord {
  if (!outcome?.ok) throw new Error(JSON.stringify(outcome));
  return outcome.record;
}

function expectMatches(leads: readonly Lead[], ref: GroupRef): void {
  fileOrder.forEach((name, c) => {
    const samples = leads.find((l) => l.name === name)!.samples;
    expect(samples.length).toBe(ref.n);
    ref.first10[c]!.forEach((v, i) => expect(samples[i]).toBeCloseTo(v, 5));
    expect(samples[ref.n - 1]).toBeCloseTo(ref.last[c]!, 5);
    expect(samples.reduce((a, b) => a + b, 0)).toBeCloseTo(ref.sum[c]!, 1);
  });
}

describe('DICOM waveform reader', () => {
  it('synthetic 12-lead: rhythm and median groups as pydicom reads them (sensitivity × correction + baseline, µV and mV units)', () => {
    const rec = record(decodeFiles(fixtureFiles('dicom', 'synthetic.dcm'))[0]);
    const [rhythm, median] = expected.synthetic!;
    expect(rec.source).toEqual({ format: 'dicom', version: '1.2.840.10008.5.1.4.1.1.9.1.1' });
    expect(rec.fs).toBe(rhythm!.fs);
    expect(rec.leads.map((l) => l.name)).toEqual(fileOrder);
    expectMatches(rec.leads, rhythm!);
    expect(rec.representativeBeat?.nSamples).toBe(median!.n);
    expectMatches(rec.representativeBeat!.leads, median!);
    expect(rec.patient).toEqual({ id: 'DCM-1', name: 'Synthetic Sam', sex: 'M', ageYears: 71, birthDate: '1950-01-02' });
    expect(rec.statements).toEqual(['Synthetic sinus rhythm']);
    expect(rec.startTime).toBe('2024-03-05T08:15:00');
  });

  // The committed copy of pydicom's test file (MIT); its figures sit under "shared" in expected.json.
  it('real Mortara ELI 250 file (pydicom test file) matches pydicom', () => {
    const rec = record(decodeFiles(fixtureFiles('dicom', 'waveform_ecg.dcm'))[0]);
    expectMatches(rec.leads, expected.shared![0]!);
    expectMatches(rec.representativeBeat!.leads, expected.shared![1]!);
    expect(rec.statements).toEqual(['RITMO SINUSALE', 'ECG NORMALE']);
  });

  it('rejects truncated waveform data, a DICOM without waveforms and a non-DICOM with typed errors', () => {
    const [file] = fixtureFiles('dicom', 'synthetic.dcm');
    const truncated = decodeFiles([{ name: 't.dcm', bytes: file!.bytes.subarray(0, 9000) }])[0];
    expect(truncated).toMatchObject({ ok: false, error: { code: 'E_FORMAT' } });
    const noWave = file!.bytes.slice(0, 800); // meta header + patient module only
    const outcome = decodeFiles([{ name: 'image.dcm', bytes: noWave }])[0];
    expect(outcome?.ok).toBe(false);
    const bad = new Uint8Array(200);
    bad.set([0x44, 0x49, 0x43, 0x4d], 128);
    expect(decodeFiles([{ name: 'bad.dcm', bytes: bad }])[0]).toMatchObject({ ok: false, error: { code: 'E_FORMAT' } });
  });
});
