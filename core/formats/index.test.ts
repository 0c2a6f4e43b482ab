import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../test/shared-data';
import { decodeFiles, type DecodeOutcome } from './index';
import { fixtureFiles } from './test/fixtures';

// Golden values: `python3 scripts/fixtures/formats_golden.py` (plain numpy read of the same files).
interface Golden {
  fs: number;
  nSamples: number;
  leads: string[];
  first10: number[][];
  sum: number[];
  min: number[];
  max: number[];
}
const golden = JSON.parse(readFileSync(fixturePath('formats', 'ptbxl', 'golden.json'), 'utf8')) as Record<string, Golden>;
const canonical = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];

function okRecord(outcome: DecodeOutcome | undefined) {
  if (!outcome?.ok) throw new Error(`expected ok, got ${JSON.stringify(outcome)}`);
  return outcome.record;
}

describe('decodeFiles on PTB-XL WFDB format 16', () => {
  for (const stem of ['00001_hr', '00143_lr']) {
    it(`${stem} matches the numpy reference`, () => {
      const outcomes = decodeFiles(fixtureFiles('ptbxl', `${stem}.hea`, `${stem}.dat`));
      expect(outcomes).toHaveLength(1);
      expect(outcomes[0]?.files).toEqual([`ptbxl/${stem}.hea`, `ptbxl/${stem}.dat`]);
      const record = okRecord(outcomes[0]);
      const ref = golden[stem]!;
      expect(record.fs).toBe(ref.fs);
      expect(record.nSamples).toBe(ref.nSamples);
      expect(record.leads.map((l) => l.name)).toEqual(canonical);
      expect(record.missingLeads).toEqual([]);
      expect(record.source.format).toBe('wfdb');
      expect(record.warnings).toEqual([]);
      record.leads.forEach((lead, i) => {
        expect(lead.derived).toBe(false);
        expect(Array.from(lead.samples.subarray(0, 10))).toEqual(ref.first10[i]);
        const sum = lead.samples.reduce((a, b) => a + b, 0);
        expect(sum).toBeCloseTo(ref.sum[i]!, 3);
        expect(Math.min(...lead.samples)).toBe(ref.min[i]);
        expect(Math.max(...lead.samples)).toBe(ref.max[i]);
      });
    });
  }

  it('decodes several records given together, in input order, matching folder paths', () => {
    const files = [...fixtureFiles('ptbxl', '00143_lr.dat', '00001_hr.hea', '00143_lr.hea', '00001_hr.dat')];
    const outcomes = decodeFiles(files);
    expect(outcomes.map((o) => o.files[0])).toEqual(['ptbxl/00001_hr.hea', 'ptbxl/00143_lr.hea']);
    expect(outcomes.every((o) => o.ok)).toBe(true);
  });

  it('does not match a signal file from another folder', () => {
    const [hea, dat] = fixtureFiles('ptbxl', '00143_lr.hea', '00143_lr.dat');
    const outcomes = decodeFiles([hea!, { name: 'elsewhere/00143_lr.dat', bytes: dat!.bytes }]);
    expect(outcomes).toHaveLength(2);
    expect(outcomes[0]).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });
    expect(outcomes[1]).toMatchObject({ ok: false, files: ['elsewhere/00143_lr.dat'], error: { code: 'E_NOT_FOUND' } });
  });

  it('reports a header without its .dat and a .dat without its header', () => {
    const [hea, dat] = fixtureFiles('ptbxl', '00001_hr.hea', '00143_lr.dat');
    const outcomes = decodeFiles([hea!, dat!]);
    expect(outcomes[0]).toMatchObject({ ok: false, files: ['ptbxl/00001_hr.hea'], error: { code: 'E_NOT_FOUND' } });
    expect((outcomes[0] as { error: { message: string } }).error.message).toContain('00001_hr.dat');
    expect(outcomes[1]).toMatchObject({ ok: false, files: ['ptbxl/00143_lr.dat'] });
  });

  it('rejects a truncated .dat with a typed error', () => {
    const [hea, dat] = fixtureFiles('ptbxl', '00001_hr.hea', '00001_hr.dat');
    const outcomes = decodeFiles([hea!, { name: dat!.name, bytes: dat!.bytes.subarray(0, 1000) }]);
    expect(outcomes[0]).toMatchObject({ ok: false, error: { code: 'E_FORMAT' } });
    expect((outcomes[0] as { error: { message: string } }).error.message).toMatch(/truncated/);
  });

  it('rejects empty and unknown files', () => {
    const outcomes = decodeFiles([
      { name: 'empty.xml', bytes: new Uint8Array() },
      { name: 'noise.bin', bytes: new Uint8Array([1, 2, 3, 0, 255]) },
    ]);
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.error.code))).toEqual(['E_FORMAT', 'E_FORMAT']);
  });
});
