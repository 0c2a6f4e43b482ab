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

  it('rejects a non-numeric digit and a series without a time increment, naming the lead', () => {
    const [file] = fixtureFiles('aecg', 'pretty.xml');
    const text = new TextDecoder().decode(file!.bytes);
    const bad = text.replace('<digits>', '<digits>12 x3 ');
    expect(JSON.stringify(decodeFiles([{ name: 'bad.xml', bytes: new TextEncoder().encode(bad) }])[0])).toMatch(/E_FORMAT.*lead I has a non-numeric value 'x3'/);
    const noTime = text.replace(/<increment[^>]*\/>/g, '');
    expect(decodeFiles([{ name: 'notime.xml', bytes: new TextEncoder().encode(noTime) }])[0]).toMatchObject({ ok: false, error: { code: 'E_FORMAT' } });
  });
});
