import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../test/shared-data';
import { decodeFiles, type DecodeOutcome } from '../index';
import { fixtureFiles } from '../test/fixtures';

// Reference: `/usr/bin/python3 scripts/fixtures/formats_aecg.py` (numpy: origin + scale × digit).
const expected = JSON.parse(readFileSync(fixturePath('formats', 'aecg', 'expected.json'), 'utf8')) as { leads: string[]; rhythm: number[][]; beat: number[][] };

function record(outcome: DecodeOutcome | undefined) {
  if (!outcome?.ok) throw new Error(JSON.stringify(outcome));
  return outcome.record;
}

describe('HL7 aECG reader', () => {
  for (const name of ['pretty.xml', 'compact.xml']) {
    it(`${name}: rhythm and representative-beat series, derived limb leads, subject and statements`, () => {
      const rec = record(decodeFiles(fixtureFiles('aecg', name))[0]);
      expect(rec.source.format).toBe('hl7-aecg');
      expect(rec.fs).toBe(500);
      expect(rec.nSamples).toBe(300);
      expected.leads.forEach((lead, k) => {
        expect(Array.from(rec.leads.find((l) => l.name === lead)!.samples), lead).toEqual(expected.rhythm[k]!.map(Math.fround));
        expect(Array.from(rec.representativeBeat!.leads.find((l) => l.name === lead)!.samples)).toEqual(expected.beat[k]!.map(Math.fround));
      });
      expect(rec.leads.filter((l) => l.derived).map((l) => l.name)).toEqual(['III', 'aVR', 'aVL', 'aVF']);
      expect(rec.patient).toEqual({ id: 'AECG-9', name: 'Test Person', sex: 'F', birthDate: '1960-03-04' });
      expect(rec.statements).toEqual(['Sinus rhythm & normal axis', 'Sinus Rhythm']);
      expect(rec.startTime).toBe('2024-01-02T08:15:00');
    });
  }

  // The real HL7 example (Example_aECG.xml, CC0, a byte-for-byte copy; core/test/fixtures/formats/aecg/ATTRIBUTION.md),
  // held against what scripts/fixtures/signal_aecg.py, a separate reader in Python, took from the same bytes
  // (core/test/fixtures/signal/aecg-example.json: each lead's digits as int16 at 2.5 µV).
  it('Example_aECG.xml, the HL7 example: every lead’s 5000 samples, the cart’s measurements, subject, statement and start as the file holds them', () => {
    const rec = record(decodeFiles(fixtureFiles('aecg', 'Example_aECG.xml'))[0]);
    const reference = JSON.parse(readFileSync(fixturePath('signal', 'aecg-example.json'), 'utf8')) as { fs: number; unitUv: number; leads: Record<string, string> };
    expect(rec.source.format).toBe('hl7-aecg');
    expect([rec.fs, rec.nSamples]).toEqual([reference.fs, 5000]);
    expect(rec.leads.map((l) => l.name)).toEqual(['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6']);
    // All twelve are recorded series in this file: none is derived.
    expect(rec.leads.filter((l) => l.derived)).toEqual([]);
    for (const [name, b64] of Object.entries(reference.leads)) {
      const bytes = Buffer.from(b64, 'base64');
      const digits = new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      const samples = rec.leads.find((l) => l.name === name)!.samples;
      expect(samples.length, name).toBe(digits.length);
      const worst = digits.reduce((w, d, i) => Math.max(w, Math.abs(samples[i]! - (d * reference.unitUv) / 1000)), 0);
      expect(worst, name).toBeLessThan(1e-6);
    }
    expect(rec.representativeBeat?.leads.length).toBe(12);
    expect(rec.deviceMeasurements?.values).toEqual({ pDurationMs: 102, prMs: 148, qrsMs: 120, qtMs: 420, qtcMs: 443, pAxisDeg: 44, qrsAxisDeg: -61, tAxisDeg: 86 });
    expect(rec.deviceMeasurements?.qtcFormula).toBeUndefined();
    expect(rec.patient).toEqual({ id: 'SBJ-123', name: 'Clark', sex: 'M', birthDate: '1953-05-08' });
    expect(rec.statements).toEqual(['Sinus Rhythm']);
    expect(rec.startTime).toBe('2002-11-22T09:10:00');
  });

  it('rejects a non-numeric digit and a series without a time increment, naming the lead', () => {
    const [file] = fixtureFiles('aecg', 'pretty.xml');
    const text = new TextDecoder().decode(file!.bytes);
    const bad = text.replace('<digits>', '<digits>12 x3 ');
    expect(JSON.stringify(decodeFiles([{ name: 'bad.xml', bytes: new TextEncoder().encode(bad) }])[0])).toMatch(/E_FORMAT.*lead I has a non-numeric value 'x3'/);
    const noTime = text.replace(/<increment[^>]*\/>/g, '');
    expect(decodeFiles([{ name: 'notime.xml', bytes: new TextEncoder().encode(noTime) }])[0]).toMatchObject({ ok: false, error: { code: 'E_FORMAT' } });
  });
});
