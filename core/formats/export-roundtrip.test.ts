import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { decodeFiles } from './index';
import { writeCsv } from './csv/write';
import { asMillivolts, type EcgRecord } from './record';
import { fixtureFiles } from './test/fixtures';
import { fixturePath } from '../test/shared-data';
import { initFlac } from './wfdb/flac';
import { wfdbHeaderBytes, writeWfdb16 } from './wfdb/write';

// The FLAC-compressed WFDB fixture decodes only once its decoder is started in the process. Without
// this, whether it was among the records below depended on whether another test file had started it
// in the same fork first (files share their fork's modules): 39 tests in one run, 37 in the next.
await initFlac();

/** Every committed fixture record: WFDB pairs by header, every other format one file each; one that does not decode fails the file. */
function fixtureRecords(): { name: string; record: EcgRecord }[] {
  const out: { name: string; record: EcgRecord }[] = [];
  for (const format of ['ptbxl', 'wfdb', 'scp', 'edf', 'mat5', 'muse', 'philips', 'aecg', 'dicom']) {
    const names = readdirSync(fixturePath('formats', format)).filter((n) => !/\.(md|json)$/.test(n));
    for (const outcome of decodeFiles(fixtureFiles(format, ...names))) {
      if (!outcome.ok) throw new Error(`fixture ${outcome.files[0]} does not decode: ${outcome.error.message}`);
      out.push({ name: `${format}/${outcome.files[0]}`, record: outcome.record });
    }
  }
  return out;
}

function readBack(files: { name: string; bytes: Uint8Array }[]): EcgRecord {
  const outcome = decodeFiles(files)[0];
  if (!outcome?.ok) throw new Error(`did not read back: ${JSON.stringify(outcome)}`);
  return outcome.record;
}

const hostile = ['I, left arm', 'II "quoted"', '=HYPERLINK("http://x","y")', '+SUM(A1)', '-1+2', '@cmd', 'V1\nsecond line', 'V2 # not a comment', 'Électrode ✓'];

/** The record with its leads renamed (all recorded, none derived, so every name is written). */
function renamed(record: EcgRecord): EcgRecord {
  return { ...record, leads: record.leads.slice(0, hostile.length).map((l, i) => ({ ...l, derived: false, name: hostile[i] as string })) };
}

describe('exports read back', () => {
  const records = fixtureRecords();

  it('covers every fixture format', () => {
    expect(new Set(records.map((r) => r.name.split('/')[0]))).toEqual(new Set(['ptbxl', 'wfdb', 'scp', 'edf', 'mat5', 'muse', 'philips', 'aecg', 'dicom']));
  });

  it.each(records)('CSV of $name: same rate, leads and samples (exact)', ({ record }) => {
    const back = readBack([{ name: 'x.csv', bytes: new TextEncoder().encode(writeCsv(record)) }]);
    expect(back.fs).toBeCloseTo(record.fs, 6);
    expect(back.leads.map((l) => l.name)).toEqual(record.leads.map((l) => l.name));
    back.leads.forEach((l, i) => expect(l.samples).toEqual(record.leads[i]?.samples));
  });

  it.each(records)('WFDB 16 of $name: same rate and leads, samples within the quantisation step', ({ record }) => {
    const maxAbs = Math.max(...record.leads.map((l) => l.samples.reduce((m, v) => (Number.isFinite(v) ? Math.max(m, Math.abs(v)) : m), 0)));
    if (maxAbs > 32_000) {
      // Beyond ±32 V (the 24/32-bit synthetic format fixture) no int16 gain fits: refused in words, never a broken file.
      expect(() => writeWfdb16(record, 'copy')).toThrow(/too large for WFDB format 16/);
      return;
    }
    const { header, data } = writeWfdb16(record, 'copy');
    const back = readBack([{ name: 'copy.hea', bytes: wfdbHeaderBytes(header) }, { name: 'copy.dat', bytes: data }]);
    expect(back.fs).toBe(record.fs);
    expect(back.leads.map((l) => l.name)).toEqual(record.leads.map((l) => l.name));
    const gains = [...header.matchAll(/ 16 ([\d.e+-]+)\(0\)\/mV /g)].map((m) => Number(m[1]));
    back.leads.filter((l) => !l.derived).forEach((l, i) => {
      const original = record.leads.find((o) => o.name === l.name)!.samples;
      const step = 1 / (gains[i] as number);
      for (let k = 0; k < l.samples.length; k += 97) {
        if (Number.isNaN(original[k] as number)) expect(Number.isNaN(l.samples[k] as number)).toBe(true);
        else expect(Math.abs((l.samples[k] as number) - (original[k] as number))).toBeLessThanOrEqual(step / 2 + 1e-6);
      }
    });
  });

  it('lead names with commas, quotes, formulas, line breaks, # and non-Latin-1 cannot break either export', () => {
    const record = renamed(records.find((r) => r.name.startsWith('ptbxl/'))!.record);
    const csv = writeCsv(record);
    expect(csv.split('\n')[0]).toBe('time (s),"I, left arm (mV)","II ""quoted"" (mV)","\'=HYPERLINK(""http://x"",""y"") (mV)",\'+SUM(A1) (mV),\'-1+2 (mV),\'@cmd (mV),V1 second line (mV),V2 # not a comment (mV),Électrode ✓ (mV)');
    const fromCsv = readBack([{ name: 'h.csv', bytes: new TextEncoder().encode(csv) }]);
    expect(fromCsv.leads.map((l) => l.name)).toEqual(['I, left arm', 'II "quoted"', '=HYPERLINK("http://x","y")', '+SUM(A1)', '-1+2', '@cmd', 'V1 second line', 'V2 # not a comment', 'Électrode ✓']);
    fromCsv.leads.forEach((l, i) => expect(l.samples).toEqual(record.leads[i]?.samples));

    const { header, data } = writeWfdb16({ ...record, statements: ['Sinus\nrhythm ✓'] }, 'h');
    expect(header.split('\n')).toHaveLength(record.leads.length + 3); // record line, one per lead, one statement, final newline
    const fromWfdb = readBack([{ name: 'h.hea', bytes: wfdbHeaderBytes(header) }, { name: 'h.dat', bytes: data }]);
    expect(fromWfdb.leads.map((l) => l.name)).toEqual(['I, left arm', 'II "quoted"', '=HYPERLINK("http://x","y")', '+SUM(A1)', '-1+2', '@cmd', 'V1 second line', 'V2 not a comment', 'Électrode ?']);
    expect(fromWfdb.nSamples).toBe(record.nSamples);
  });

  it('a lone value that is a negative number stays a number, not a guarded cell', () => {
    const record: EcgRecord = { fs: 500, nSamples: 2, leads: [{ name: 'I', derived: false, samples: asMillivolts(Float32Array.from([-0.5, 0.25])) }], missingLeads: [], patient: {}, statements: [], source: { format: 'test' }, warnings: [] };
    expect(writeCsv(record)).toBe('time (s),I (mV)\n0,-0.5\n0.002,0.25\n');
  });
});
