import { describe, expect, it } from 'vitest';
import { decodeFiles, type DecodeOutcome } from '../index';
import type { EcgRecord } from '../record';
import { fixtureFiles } from '../test/fixtures';
import { writeWfdb16 } from './write';

function record(outcome: DecodeOutcome | undefined): EcgRecord {
  if (!outcome?.ok) throw new Error(JSON.stringify(outcome));
  return outcome.record;
}

function roundTrip(original: EcgRecord): { back: EcgRecord; warnings: string[] } {
  const { header, data, warnings } = writeWfdb16(original, 'copy');
  const back = record(decodeFiles([{ name: 'out/copy.hea', bytes: new TextEncoder().encode(header) }, { name: 'out/copy.dat', bytes: data }])[0]);
  return { back, warnings };
}

function expectBitExact(a: EcgRecord, b: EcgRecord): void {
  expect(b.fs).toBe(a.fs);
  expect(b.nSamples).toBe(a.nSamples);
  expect(b.leads.map((l) => [l.name, l.derived])).toEqual(a.leads.map((l) => [l.name, l.derived]));
  a.leads.forEach((lead, i) => {
    const x = new Uint32Array(lead.samples.buffer, lead.samples.byteOffset, lead.samples.length);
    const y = new Uint32Array(b.leads[i]!.samples.buffer, b.leads[i]!.samples.byteOffset, b.leads[i]!.samples.length);
    expect(Buffer.from(y.buffer, y.byteOffset, y.byteLength).equals(Buffer.from(x.buffer, x.byteOffset, x.byteLength)), lead.name).toBe(true);
  });
}

describe('WFDB format 16 writer', () => {
  it('PTB-XL read → write → read is bit-exact (header metadata included)', () => {
    const original = record(decodeFiles(fixtureFiles('ptbxl', '00001_hr.hea', '00001_hr.dat'))[0]);
    const { back, warnings } = roundTrip(original);
    expect(warnings).toEqual([]);
    expectBitExact(original, back);
  });

  it('CinC .mat with demographics and Dx, and MUSE XML with derived leads, are bit-exact', () => {
    for (const files of [fixtureFiles('wfdb', 'HR06000.hea', 'HR06000.mat'), fixtureFiles('muse', 'synthetic-latin1.xml')]) {
      const original = record(decodeFiles(files)[0]);
      const { back, warnings } = roundTrip(original);
      expect(warnings).toEqual([]);
      expectBitExact(original, back);
      expect(back.patient.ageYears).toBe(original.patient.ageYears);
      expect(back.patient.sex).toBe(original.patient.sex);
      expect(back.statements).toEqual(original.statements);
      expect(back.patient.id).toBe(original.patient.id);
    }
  });

  it("carries the patient's ID, name and birth date when they are given (an identified export said nothing of whose tracing it was)", () => {
    const original = record(decodeFiles(fixtureFiles('muse', 'synthetic-latin1.xml'))[0]);
    expect(original.patient.id).toBe('SYNTH-1');
    const identified = { ...original, patient: { ...original.patient, name: 'Zebrafinch\nQuirinus', birthDate: '1950-03-04' } };
    const { header } = writeWfdb16(identified, 'copy');
    expect(header).toContain('# Patient ID: SYNTH-1\n# Name: Zebrafinch Quirinus\n# Birth date: 1950-03-04\n');
    const { back } = roundTrip(identified);
    expect(back.patient).toMatchObject({ id: 'SYNTH-1', name: 'Zebrafinch Quirinus', birthDate: '1950-03-04' });
    // Without them (a de-identified record), no such line.
    const { header: bare } = writeWfdb16({ ...original, patient: { sex: 'M', ageYears: 70 } }, 'copy');
    expect(bare).not.toMatch(/Patient ID|Name|Birth date/);
  });

  it('SCP-ECG, HL7 aECG, Philips XLI, DICOM and EDF records are bit-exact through WFDB too', () => {
    const sources = [
      fixtureFiles('scp', 'default-huffman.scp'),
      fixtureFiles('scp', 'refbeat.scp'),
      fixtureFiles('aecg', 'compact.xml'),
      fixtureFiles('philips', '129DYPRG.XML'),
      fixtureFiles('dicom', 'synthetic.dcm'),
    ];
    for (const files of sources) {
      const original = record(decodeFiles(files)[0]);
      const { back, warnings } = roundTrip(original);
      expect(warnings, files[0]!.name).toEqual([]);
      expectBitExact(original, back);
    }
  });

  it('keeps NaN samples missing and warns when values must be quantised', () => {
    const original = record(decodeFiles(fixtureFiles('ptbxl', '00143_lr.hea', '00143_lr.dat'))[0]);
    const samples = original.leads[0]!.samples;
    samples[3] = Number.NaN;
    samples[4] = 0.1234567;
    const { back, warnings } = roundTrip(original);
    expect(Number.isNaN(back.leads[0]!.samples[3])).toBe(true);
    expect(back.leads[0]!.samples[4]).toBeCloseTo(0.1234567, 4);
    expect(warnings).toHaveLength(1);
  });
});
