import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../test/shared-data';
import { decodeFiles, type DecodeOutcome } from '../index';
import { fixtureFiles } from '../test/fixtures';
import { decodeXli } from './xli';

// Golden: `/usr/bin/python3 scripts/fixtures/formats_philips.py` (independent Python XLI decoder).
const golden = JSON.parse(readFileSync(fixturePath('formats', 'philips', 'golden.json'), 'utf8')) as Record<string, { first10: number[]; sum: number; min: number; max: number }>;

function record(outcome: DecodeOutcome | undefined) {
  if (!outcome?.ok) throw new Error(JSON.stringify(outcome));
  return outcome.record;
}

describe('Philips Sierra XML reader (XLI)', () => {
  const [file] = fixtureFiles('philips', '129DYPRG.XML');

  it('decodes every lead as the reference decoder does, limb leads rebuilt from their residuals', () => {
    const rec = record(decodeFiles([file!])[0]);
    expect(rec.source).toEqual({ format: 'philips-xml', version: '1.03' });
    expect(rec.fs).toBe(500);
    expect(rec.nSamples).toBe(5500);
    expect(rec.leads.map((l) => l.name)).toEqual(Object.keys(golden));
    for (const lead of rec.leads) {
      const ref = golden[lead.name]!;
      const counts = Array.from(lead.samples, (v) => Math.round(v * 200)); // 5 µV per count
      expect(lead.derived).toBe(false);
      expect(counts.slice(0, 10), lead.name).toEqual(ref.first10);
      expect(counts.reduce((a, b) => a + b, 0), lead.name).toBe(ref.sum);
      expect(Math.min(...counts)).toBe(ref.min);
      expect(Math.max(...counts)).toBe(ref.max);
    }
    expect(rec.patient).toEqual({ id: '1112010721168bdc', sex: 'M', ageYears: 50 });
    expect(rec.statements).toEqual(['Sinus bradycardia', 'Nonspecific intraventricular conduction delay', 'Inferior infarct, acute (LCx)', '>>> Acute MI <<<']);
    expect(rec.startTime).toBe('2011-12-01T07:27:34');
  });

  it('reads the same ECG as UTF-16LE with BOM and CRLF (Philips 1.04 encoding)', () => {
    const text = new TextDecoder().decode(file!.bytes).replace(/\r?\n/g, '\r\n').replace('encoding="UTF-8"', 'encoding="UTF-16"');
    const utf16 = new Uint8Array(2 + text.length * 2);
    utf16.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) {
      utf16[2 + 2 * i] = text.charCodeAt(i) & 0xff;
      utf16[3 + 2 * i] = text.charCodeAt(i) >> 8;
    }
    const a = record(decodeFiles([file!])[0]);
    const b = record(decodeFiles([{ name: 'utf16.xml', bytes: utf16 }])[0]);
    expect(b.leads.map((l) => Array.from(l.samples.subarray(0, 50)))).toEqual(a.leads.map((l) => Array.from(l.samples.subarray(0, 50))));
  });

  it('a durationperchannel far beyond the stored data is refused, not allocated', () => {
    const text = new TextDecoder().decode(file!.bytes).replace('durationperchannel="11000"', 'durationperchannel="2000000"');
    const outcome = decodeFiles([{ name: 'long.xml', bytes: new TextEncoder().encode(text) }])[0];
    expect(outcome).toMatchObject({ ok: false, error: { code: 'E_FORMAT', message: expect.stringMatching(/hold 5500 samples in a lead, durationperchannel implies 1000000/) } });
  });

  it('turns corrupt or lying XLI chunks into typed errors', () => {
    const chunk = (size: number, body: number[]) => {
      const bytes = new Uint8Array(8 + body.length);
      new DataView(bytes.buffer).setInt32(0, size, true);
      bytes.set(body, 8);
      return bytes;
    };
    expect(() => decodeXli('x', chunk(1000, [1, 2, 3]), 12, 1024)).toThrow(/declares 1000 bytes/);
    expect(() => decodeXli('x', chunk(-5, []), 12, 1024)).toThrow(/declares -5 bytes/);
    // First code 0x3FF-1 (1022) is not yet defined: corrupt.
    expect(() => decodeXli('x', chunk(4, [0xff, 0x80, 0, 0]), 12, 1024)).toThrow(/corrupt/);
    expect(() => decodeXli('x', new Uint8Array(5), 12, 1024)).toThrow(/truncated/);
  });
});
