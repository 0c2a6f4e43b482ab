import { readFileSync } from 'node:fs';
import { zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../test/shared-data';
import { inflateZlib } from '../inflate';
import { decodeFiles } from '../index';
import { fixtureFiles } from '../test/fixtures';

// Reference: `python3 scripts/fixtures/formats_mat5.py` (scipy.io.savemat / loadmat).
const reference = JSON.parse(readFileSync(fixturePath('formats', 'mat5', 'synthetic.json'), 'utf8')) as { shape: number[]; first5: number[][]; last: number[] };

describe('CPSC 2018 MATLAB v5 reader', () => {
  it('reads a compressed struct ECG{sex, age, data} as scipy does', () => {
    const outcome = decodeFiles(fixtureFiles('mat5', 'synthetic.mat'))[0];
    if (!outcome?.ok) throw new Error(JSON.stringify(outcome));
    const rec = outcome.record;
    expect(rec.source.format).toBe('cpsc-mat');
    expect(rec.nSamples).toBe(reference.shape[1]);
    expect(rec.patient).toEqual({ sex: 'F', ageYears: 61 });
    rec.leads.forEach((lead, i) => {
      expect(Array.from(lead.samples.subarray(0, 5))).toEqual(reference.first5[i]!.map(Math.fround));
      expect(lead.samples[rec.nSamples - 1]).toBe(Math.fround(reference.last[i]!));
    });
  });

  it('rejects a truncated file and a zip bomb with typed errors', () => {
    const [file] = fixtureFiles('mat5', 'synthetic.mat');
    const truncated = decodeFiles([{ name: 't.mat', bytes: file!.bytes.subarray(0, 300) }])[0];
    expect(truncated?.ok).toBe(false);
    // The inflater stops at its cap instead of allocating what a zip bomb declares.
    const bomb = zlibSync(new Uint8Array(4 * 1024 * 1024), { level: 9 });
    expect(() => inflateZlib('bomb.mat', bomb, 1024 * 1024)).toThrow(/inflates beyond/);
    expect(inflateZlib('ok.mat', bomb).length).toBe(4 * 1024 * 1024);
  });
});
