import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../test/shared-data';
import { decodeFiles, type DecodeOutcome } from '../index';
import { fixtureFiles } from '../test/fixtures';

// Reference: `/usr/bin/python3 scripts/fixtures/formats_edf.py` (numpy physical values in mV).
const expected = JSON.parse(readFileSync(fixturePath('formats', 'edf', 'expected.json'), 'utf8')) as Record<string, number[]>;

function record(outcome: DecodeOutcome | undefined) {
  if (!outcome?.ok) throw new Error(JSON.stringify(outcome));
  return outcome.record;
}

describe('EDF/EDF+ reader', () => {
  const [file] = fixtureFiles('edf', 'synthetic.edf');

  it('reads EDF+C signals in mV (uV and mV dimensions), TAL annotations and the EDF+ patient field', () => {
    const rec = record(decodeFiles([file!])[0]);
    expect(rec.source).toEqual({ format: 'edf', version: 'EDF+C' });
    expect(rec.fs).toBe(500);
    expect(rec.nSamples).toBe(1500);
    for (const [label, name] of [['ECG I', 'I'], ['ECG II', 'II']] as const) {
      const samples = rec.leads.find((l) => l.name === name)!.samples;
      expected[label]!.forEach((v, i) => expect(Math.abs(samples[i]! - v)).toBeLessThan(1e-5 * Math.max(1, Math.abs(v))));
    }
    expect(rec.annotations).toEqual([
      { onsetS: 0.5, durationS: 1.25, text: 'Recording starts' },
      { onsetS: 2.25, text: 'Lead off V2' },
    ]);
    expect(rec.warnings).toContain('Resp: sampled at a lower rate; not imported');
    expect(rec.patient).toEqual({ sex: 'F', birthDate: '1961-03-04', name: 'Synthetic Patient' });
    expect(rec.startTime).toBe('2024-03-05T08:15:30');
  });

  it('an annotation-only EDF+ and a truncated EDF give typed errors', () => {
    const b = file!.bytes;
    const truncated = decodeFiles([{ name: 't.edf', bytes: b.subarray(0, b.length - 100) }])[0];
    expect(truncated).toMatchObject({ ok: false, error: { code: 'E_FORMAT' } });
    expect(JSON.stringify(truncated)).toContain('truncated');
    // Keep only the "EDF Annotations" signal: rewrite ns = 1 and move its header fields.
    const ns = 4;
    const header = new TextDecoder('latin1').decode(b.subarray(0, 256 * (ns + 1)));
    const widths = [16, 80, 8, 8, 8, 8, 8, 80, 8, 32];
    let at = 256;
    let only = '';
    for (const w of widths) {
      only += header.slice(at + 3 * w, at + 4 * w);
      at += ns * w;
    }
    const head = header.slice(0, 184) + '512'.padEnd(8) + header.slice(192, 236) + '3'.padEnd(8) + header.slice(244, 252) + '1'.padEnd(4);
    const tals = new Uint8Array(3 * 60);
    const bytes = new Uint8Array([...Array.from(head + only, (c) => c.charCodeAt(0)), ...tals]);
    const outcome = decodeFiles([{ name: 'ann.edf', bytes }])[0];
    expect(outcome).toMatchObject({ ok: false, error: { code: 'E_UNSUPPORTED' } });
  });
});
