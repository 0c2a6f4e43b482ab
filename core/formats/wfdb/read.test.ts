import { beforeAll, describe, expect, it } from 'vitest';
import { decodeFiles, type DecodeOutcome } from '../index';
import { fixtureFiles } from '../test/fixtures';
import { initFlac } from './flac';
import { parseWfdbHeader } from './header';

beforeAll(initFlac);

const encode = (text: string) => new TextEncoder().encode(text);

function record(outcome: DecodeOutcome | undefined) {
  if (!outcome?.ok) throw new Error(`expected ok, got ${JSON.stringify(outcome)}`);
  return outcome.record;
}

function errorOf(outcome: DecodeOutcome | undefined) {
  if (!outcome || outcome.ok) throw new Error('expected an error');
  return outcome.error;
}

/** Int16 LE interleaved frames → bytes. */
function int16Bytes(frames: number[][]): Uint8Array {
  const out = new Int16Array(frames.flat());
  return new Uint8Array(out.buffer);
}

describe('WFDB signal formats (checked against the PhysioNet header checksums and initial values)', () => {
  const files = fixtureFiles('wfdb', 'binformats.hea', ...Array.from({ length: 10 }, (_, i) => `binformats.d${i}`));
  const header = parseWfdbHeader('binformats.hea', new TextDecoder().decode(files[0]!.bytes));

  it('decodes formats 8, 16, 61, 80, 160, 212, 310, 311, 24 and 32', () => {
    const rec = record(decodeFiles(files)[0]);
    expect(rec.fs).toBe(200);
    expect(rec.nSamples).toBe(499);
    expect(rec.warnings).toEqual([]); // a checksum mismatch would be a warning
    header.signals.forEach((spec) => {
      const lead = rec.leads.find((l) => l.name === spec.description)!;
      const expected = spec.initialValue / 200;
      expect(Math.abs(lead.samples[0]! - expected) / Math.max(1, Math.abs(expected)), `format ${spec.format}`).toBeLessThan(1e-6);
    });
    expect(new Set(header.signals.map((s) => s.format))).toEqual(new Set([8, 16, 24, 32, 61, 80, 160, 212, 310, 311]));
  });

  it('310derive (format 310) and MIMIC 3000003_0003 (format 80, base time with ms) pass their checksums', () => {
    for (const stem of ['310derive', '3000003_0003']) {
      const rec = record(decodeFiles(fixtureFiles('wfdb', `${stem}.hea`, `${stem}.dat`))[0]);
      expect(rec.warnings.filter((w) => w.includes('checksum'))).toEqual([]);
    }
  });

  it('flags a corrupted sample through the checksum', () => {
    const [hea, dat] = fixtureFiles('wfdb', '310derive.hea', '310derive.dat');
    const bytes = dat!.bytes.slice();
    bytes[100] = (bytes[100]! ^ 0x40) & 0xff;
    const rec = record(decodeFiles([hea!, { name: dat!.name, bytes }])[0]);
    expect(rec.warnings.some((w) => w.includes('checksum mismatch'))).toBe(true);
  });
});

describe('WFDB .mat v4 (CinC 2021) with # Age/Sex/Dx comments', () => {
  it('reads HR06000 (16x1+24, units /mv)', () => {
    const rec = record(decodeFiles(fixtureFiles('wfdb', 'HR06000.hea', 'HR06000.mat'))[0]);
    expect(rec.nSamples).toBe(5000);
    expect(rec.leads).toHaveLength(12);
    expect(rec.patient).toEqual({ ageYears: 59, sex: 'F' });
    expect(rec.statements).toEqual(['Dx: 164934002,426783006']);
    expect(rec.leads[0]!.samples[0]).toBeCloseTo(0.01, 6); // initial value 10 / gain 1000
    expect(rec.warnings).toEqual([]);
  });
});

describe('WFDB header quirks', () => {
  const dat = int16Bytes([
    [100, 200],
    [-32768, 400],
    [300, -600],
  ]);

  it('TAB separators, leading comment + blank line, missing sample count, per-lead gain(baseline), lower-case names', () => {
    const hea = '# made by hand\n\nrec\t2\t250\nrec.dat\t16\t100(10)/mV\t16\t0\t100\t0\t0\tii\nrec.dat 16 2000(0)/uV 0 0 200 0 0 v1\n';
    const rec = record(decodeFiles([{ name: 'x/rec.hea', bytes: encode(hea) }, { name: 'x/rec.dat', bytes: dat }])[0]);
    expect(rec.nSamples).toBe(3);
    expect(rec.leads.map((l) => l.name)).toEqual(['II', 'V1']);
    expect(Array.from(rec.leads[0]!.samples)).toEqual([0.9, Number.NaN, 2.9].map(Math.fround));
    // 2000 ADC per µV → 2 ADC per mV·1e-3 … (d/2000) µV = d/2000/1000 mV
    expect(rec.leads[1]!.samples[0]).toBeCloseTo(200 / 2000 / 1000, 9);
  });

  it('byte offsets and an unsigned checksum', () => {
    const body = int16Bytes([[5], [7]]);
    const withOffset = new Uint8Array(24 + body.length);
    withOffset.set(body, 24);
    const hea = 'r 1 500 2\nr.mat 16x1+24 1000/mV 16 0 5 12 0 I\n';
    const rec = record(decodeFiles([{ name: 'r.hea', bytes: encode(hea) }, { name: 'r.mat', bytes: withOffset }])[0]);
    expect(Array.from(rec.leads[0]!.samples)).toEqual([0.005, 0.007].map(Math.fround));
    expect(rec.warnings).toEqual([]);
  });

  it('derives III, aVR, aVL and aVF from I and II when only 8 leads are stored', () => {
    const leads = ['I', 'II', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
    const hea = `r8 8 500 2\n${leads.map((n) => `r8.dat 16 1000/mV 16 0 0 0 0 ${n}`).join('\n')}\n`;
    const frames = [
      [100, 300, 0, 0, 0, 0, 0, 0],
      [-200, 400, 0, 0, 0, 0, 0, 0],
    ];
    const rec = record(decodeFiles([{ name: 'r8.hea', bytes: encode(hea) }, { name: 'r8.dat', bytes: int16Bytes(frames) }])[0]);
    expect(rec.leads.map((l) => l.name)).toEqual(['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6']);
    const byName = (n: string) => rec.leads.find((l) => l.name === n)!;
    expect(byName('III').derived).toBe(true);
    expect(byName('I').derived).toBe(false);
    expect(byName('III').samples[0]).toBeCloseTo(0.2, 6);
    expect(byName('aVR').samples[1]).toBeCloseTo(-0.1, 6);
    expect(byName('aVL').samples[0]).toBeCloseTo(0.1 - 0.15, 6);
    expect(byName('aVF').samples[1]).toBeCloseTo(0.4 + 0.1, 6);
    expect(rec.warnings).toEqual(expect.arrayContaining(['aVR derived from I and II']));
    expect(rec.missingLeads).toEqual([]);
  });

  it('the format-16 fast path (lookup tables for long records) equals (d − baseline) / gain exactly', () => {
    const frames = Array.from({ length: 20000 }, (_, i) => [((i * 7919) % 65536) - 32768, ((i * 104729) % 4000) - 2000]);
    frames[3]![0] = -32768;
    const hea = 'lut 2 500 20000\nlut.dat 16 1716.5(6)/uV 16 0 0 0 0 I\nlut.dat 16 1716.5(6)/mV 16 0 0 0 0 II\n';
    const rec = record(decodeFiles([{ name: 'lut.hea', bytes: encode(hea) }, { name: 'lut.dat', bytes: int16Bytes(frames) }])[0]);
    const [one, two] = [rec.leads.find((l) => l.name === 'I')!.samples, rec.leads.find((l) => l.name === 'II')!.samples];
    frames.forEach(([a, b], i) => {
      const want = a === -32768 ? Number.NaN : Math.fround(((a! - 6) / 1716.5) * 1e-3);
      expect(Object.is(one[i], want) || (Number.isNaN(one[i]) && Number.isNaN(want)), `I[${i}]`).toBe(true);
      expect(two[i]).toBe(Math.fround((b! - 6) / 1716.5));
    });
  });

  it('multi-segment records: layout header, gap segment, a segment lacking a signal, one record only', () => {
    const files = [
      { name: 'mimic/m.hea', bytes: encode('m/4 2 125 7 10:00:00 01/02/2020\nm_layout 0\nm_0001 3\n~ 2\nm_0002 2\n') },
      { name: 'mimic/m_layout.hea', bytes: encode('m_layout 2 125 0\n~ 16 200/mV 16 0 0 0 0 II\n~ 16 200/mV 16 0 0 0 0 V\n') },
      { name: 'mimic/m_0001.hea', bytes: encode('m_0001 2 125 3\nm_0001.dat 16 200/mV 16 0 2 0 0 II\nm_0001.dat 16 100/mV 16 0 4 0 0 V\n') },
      { name: 'mimic/m_0001.dat', bytes: int16Bytes([[2, 4], [6, 8], [10, 12]]) },
      { name: 'mimic/m_0002.hea', bytes: encode('m_0002 1 125 2\nm_0002.dat 16 200/mV 16 0 0 0 0 V\n') },
      { name: 'mimic/m_0002.dat', bytes: int16Bytes([[20], [40]]) },
    ];
    const outcomes = decodeFiles(files);
    expect(outcomes).toHaveLength(1); // segment headers belong to the master, not records of their own
    const rec = record(outcomes[0]);
    expect(outcomes[0]!.files).toHaveLength(6);
    expect(rec.nSamples).toBe(7);
    expect(rec.fs).toBe(125);
    expect(rec.startTime).toBe('2020-02-01T10:00:00');
    expect(rec.source.version).toBe('multi-segment (3 segments)');
    const [ii, v] = [rec.leads.find((l) => l.name === 'II')!.samples, rec.leads.find((l) => l.name === 'V')!.samples];
    expect(Array.from(ii)).toEqual([0.01, 0.03, 0.05, Number.NaN, Number.NaN, Number.NaN, Number.NaN].map(Math.fround));
    expect(Array.from(v)).toEqual([0.04, 0.08, 0.12, Number.NaN, Number.NaN, 0.1, 0.2].map(Math.fround));
  });

  it('falls back to the header file stem when the record name differs (LUDB)', () => {
    const hea = '1 1 500 3\n1.dat 16 1000/mV 16 0 100 0 0 I\n';
    const rec = record(decodeFiles([{ name: 'ludb-ecg.hea', bytes: encode(hea) }, { name: 'ludb-ecg.dat', bytes: int16Bytes([[100], [1], [2]]) }])[0]);
    expect(rec.warnings.some((w) => w.includes('ludb-ecg.dat'))).toBe(true);
    expect(rec.missingLeads).toContain('V1');
  });

  it('refuses a signal file outside the header\'s folder as such, not as missing', () => {
    const outside = errorOf(decodeFiles([{ name: 'x.hea', bytes: encode('x 1 500 3\n/etc/passwd 16 1000/mV 16 0 0 0 0 I\n') }])[0]);
    expect(outside).toEqual({ code: 'E_FORBIDDEN', message: "x.hea: signal file /etc/passwd named in the header lies outside the header's folder; only files beside the header are read" });
    expect(errorOf(decodeFiles([{ name: 'y.hea', bytes: encode('y 1 500 3\ny.dat 16 1000/mV 16 0 0 0 0 I\n') }])[0])).toMatchObject({ code: 'E_NOT_FOUND', message: 'y.hea: signal file y.dat named in the header is missing' });
  });

  it('reports FLAC formats, missing segments and bad fields as typed errors', () => {
    const cases: [string, string][] = [
      ['f 1 500 10\nf.dat 516 200/mV 16 0 0 0 0 I\n', 'E_FORMAT'], // FLAC format, but f.dat is no FLAC stream
      ['m/2 1 500 10\nseg_1 10\nseg_2 10\n', 'E_NOT_FOUND'],
      ['m/0 1 500 10\n', 'E_FORMAT'],
      ['m/2 1 500 10\n../up 10\nseg_2 10\n', 'E_FORMAT'],
      ['b 1 abc 10\nb.dat 16 200 16 0 0 0 0 I\n', 'E_FORMAT'],
      ['c 3 500 10\nc.dat 16 200 16 0 0 0 0 I\n', 'E_FORMAT'],
      ['h 9999 500 10\n', 'E_TOO_LARGE'],
    ];
    for (const [text, code] of cases) {
      const outcome = decodeFiles([{ name: 'case.hea', bytes: encode(text) }, { name: 'f.dat', bytes: dat }])[0];
      expect(errorOf(outcome).code, text).toBe(code);
    }
    for (const flac of [508, 516, 524]) {
      const error = errorOf(decodeFiles([{ name: 'flac.hea', bytes: encode(`f 1 500 10\nf.dat ${flac} 200/mV 16 0 0 0 0 I\n`) }, { name: 'f.dat', bytes: dat }])[0]);
      expect(error).toEqual({ code: 'E_FORMAT', message: 'flac.hea: f.dat: not a FLAC stream (no STREAMINFO block)' });
    }
  });

  it('refuses a header that declares more samples than the caps allow, before allocating', () => {
    const hea = 'big 12 500 900000000\nbig.dat 16 200 16 0 0 0 0 I\n'.replace('12', '1');
    expect(errorOf(decodeFiles([{ name: 'big.hea', bytes: encode(hea) }, { name: 'big.dat', bytes: dat }])[0]).code).toBe('E_TOO_LARGE');
  });
});
