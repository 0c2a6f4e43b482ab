import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../test/shared-data';
import { decodeFiles, type DecodeOutcome } from '../index';
import { fixtureFiles } from '../test/fixtures';

// Reference: `python3 scripts/fixtures/formats_muse.py` (numpy: int16 × 4.88 µV).
const reference = JSON.parse(readFileSync(fixturePath('formats', 'muse', 'reference.json'), 'utf8')) as Record<string, number[]>;

function record(outcome: DecodeOutcome | undefined) {
  if (!outcome?.ok) throw new Error(JSON.stringify(outcome));
  return outcome.record;
}

describe('GE MUSE XML reader', () => {
  for (const name of ['synthetic-latin1.xml', 'synthetic-utf16.xml']) {
    it(`${name}: samples, derived limb leads, demographics, joined statements`, () => {
      const rec = record(decodeFiles(fixtureFiles('muse', name))[0]);
      expect(rec.source.format).toBe('muse-xml');
      expect(rec.fs).toBe(500);
      expect(rec.nSamples).toBe(500);
      for (const [lead, values] of Object.entries(reference)) {
        const samples = rec.leads.find((l) => l.name === lead)!.samples;
        values.forEach((v, i) => expect(Math.abs(samples[i]! - v)).toBeLessThan(1e-6));
      }
      const iii = rec.leads.find((l) => l.name === 'III')!;
      expect(iii.derived).toBe(true);
      expect(iii.samples[10]).toBeCloseTo(reference.II![10]! - reference.I![10]!, 5);
      expect(rec.leads).toHaveLength(12);
      expect(rec.patient).toEqual({ id: 'SYNTH-1', name: 'Zoé Bézier', sex: 'F', ageYears: 70 });
      expect(rec.statements).toEqual(['Sinus rhythm', 'Septal infarct, age undetermined & old']);
      expect(rec.startTime).toBe('2024-01-02T08:15:00');
    });
  }

  it('rejects a lead whose data fails its CRC32', () => {
    const [file] = fixtureFiles('muse', 'synthetic-latin1.xml');
    const text = new TextDecoder('latin1').decode(file!.bytes);
    const start = text.indexOf('<WaveFormData>') + '<WaveFormData>\n'.length;
    const flipped = text.slice(0, start) + (text[start] === 'A' ? 'B' : 'A') + text.slice(start + 1);
    const outcome = decodeFiles([{ name: 'bad.xml', bytes: Uint8Array.from(flipped, (c) => c.charCodeAt(0)) }])[0];
    expect(outcome).toMatchObject({ ok: false, error: { code: 'E_FORMAT' } });
    expect(JSON.stringify(outcome)).toContain('CRC32');
  });
});
