import { describe, expect, it } from 'vitest';
import { decodeFiles, type DecodeOutcome } from '../index';
import type { EcgRecord } from '../record';
import { fixtureFiles } from '../test/fixtures';
import { writeCsv } from './write';

const file = (name: string, text: string) => ({ name, bytes: new TextEncoder().encode(text) });

function record(outcome: DecodeOutcome | undefined): EcgRecord {
  if (!outcome?.ok) throw new Error(JSON.stringify(outcome));
  return outcome.record;
}

describe('CSV reader', () => {
  it('asks for fs, units and leads when it cannot infer them, naming each option', () => {
    const outcome = decodeFiles([file('raw.csv', '-20,-25,-5,,\n-30,-34,-4,,\n-33,-34,-1,,\n')])[0];
    expect(outcome).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
    const message = outcome && !outcome.ok ? outcome.error.message : '';
    expect(message).toMatch(/fs \(sampling rate in Hz\)/);
    expect(message).toMatch(/units/);
    expect(message).toMatch(/leads \(names of the 5 columns/);
  });

  it('reads headerless values with options (µV per value, empty columns = missing lead)', () => {
    const csv = { fs: 800, units: 5, leads: ['I', 'II', 'III', 'V1', 'V2'] };
    const rec = record(decodeFiles([file('raw.csv', '-20;-25;-5;;\n-30;-34;-4;;\n-33;-34;-1;;\n')], { csv })[0]);
    expect(rec.fs).toBe(800);
    expect(Array.from(rec.leads.find((l) => l.name === 'II')!.samples)).toEqual([-0.125, -0.17, -0.17].map(Math.fround));
    expect(Number.isNaN(rec.leads.find((l) => l.name === 'V1')!.samples[0])).toBe(true);
    expect(rec.warnings).toContain('V1 has no values (missing lead)');
  });

  it('infers fs from a time column, units and leads from the header; TAB delimiter', () => {
    const rec = record(decodeFiles([file('t.csv', 'time_ms\tI [uV]\tII [uV]\n0\t100\t200\n2\t110\t210\n4\t120\t220\n')])[0]);
    expect(rec.fs).toBe(500);
    expect(rec.leads.map((l) => l.name)).toEqual(['I', 'II', 'III', 'aVR', 'aVL', 'aVF']);
    expect(rec.leads[0]!.samples[2]).toBeCloseTo(0.12, 6);
  });

  it('rejects a non-numeric cell with its row and column', () => {
    const outcome = decodeFiles([file('bad.csv', 'time (s),I (mV)\n0,1\n0.002,abc\n')])[0];
    expect(outcome).toMatchObject({ ok: false, error: { code: 'E_FORMAT' } });
  });

  it('write then read is bit-exact (PTB-XL record)', () => {
    const original = record(decodeFiles(fixtureFiles('ptbxl', '00143_lr.hea', '00143_lr.dat'))[0]);
    original.leads[2]!.samples[5] = Number.NaN;
    const back = record(decodeFiles([file('copy.csv', writeCsv(original))])[0]);
    expect(back.fs).toBe(original.fs);
    expect(back.leads.map((l) => l.name)).toEqual(original.leads.map((l) => l.name));
    original.leads.forEach((lead, i) => {
      const a = Buffer.from(lead.samples.buffer, lead.samples.byteOffset, lead.samples.byteLength);
      const b = back.leads[i]!.samples;
      expect(Buffer.from(b.buffer, b.byteOffset, b.byteLength).equals(a), lead.name).toBe(true);
    });
  });
});
