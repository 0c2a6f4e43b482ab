import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../test/shared-data';
import { crcCcitt } from '../crc';
import { decodeFiles, type DecodeOutcome } from '../index';
import { fixtureFiles } from '../test/fixtures';
import { restampScpCrcs } from '../test/mutate';

// Expected: `/usr/bin/python3 scripts/fixtures/formats_scp.py` (independent encoder; biosig
// save2gdf agrees on default-huffman.scp and on a custom table without switches).
interface Expected {
  fs: number;
  avm_nV: number;
  leads: string[];
  values: number[][];
  beat?: number[][];
}
const expected = JSON.parse(readFileSync(fixturePath('formats', 'scp', 'expected.json'), 'utf8')) as Record<string, Expected>;

function record(outcome: DecodeOutcome | undefined) {
  if (!outcome?.ok) throw new Error(JSON.stringify(outcome));
  return outcome.record;
}

/** Re-stamps the record CRC so a deliberate change reaches the decoder instead of the CRC check. */
function withRecordCrc(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  const crc = crcCcitt(out.subarray(2));
  out[0] = crc & 0xff;
  out[1] = crc >> 8;
  return out;
}

describe('SCP-ECG reader', () => {
  for (const name of Object.keys(expected)) {
    it(`${name}: every sample as encoded`, () => {
      const want = expected[name]!;
      const rec = record(decodeFiles(fixtureFiles('scp', name))[0]);
      expect(rec.source.format).toBe('scp-ecg');
      expect(rec.fs).toBe(want.fs);
      want.leads.forEach((leadName, k) => {
        const lead = rec.leads.find((l) => l.name === leadName)!;
        expect(lead.derived).toBe(false);
        const counts = Array.from(lead.samples, (v) => Math.round((v * 1e6) / want.avm_nV));
        expect(counts, leadName).toEqual(want.values[k]);
      });
      expect(rec.patient).toEqual({ id: 'SCP-7', name: 'Jane Doe', ageYears: 63, sex: 'F' });
      expect(rec.startTime).toBe('2021-03-04T13:05:09');
    });
  }

  it('default table + second differences: 12 leads in canonical order, statements of section 8', () => {
    const rec = record(decodeFiles(fixtureFiles('scp', 'default-huffman.scp'))[0]);
    expect(rec.leads.map((l) => l.name)).toEqual(['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6']);
    expect(rec.statements).toEqual(['Sinus rhythm', 'Normal ECG']);
    expect(rec.warnings).toEqual([]);
  });

  it('refbeat.scp: section 5 becomes the representative beat; III/aVR/aVL/aVF derived from the stored I and II', () => {
    const want = expected['refbeat.scp']!;
    const rec = record(decodeFiles(fixtureFiles('scp', 'refbeat.scp'))[0]);
    expect(rec.leads.filter((l) => l.derived).map((l) => l.name)).toEqual(['III', 'aVR', 'aVL', 'aVF']);
    expect(rec.warnings).toEqual(['III derived from I and II', 'aVR derived from I and II', 'aVL derived from I and II', 'aVF derived from I and II']);
    const beat = rec.representativeBeat!;
    expect(beat.fs).toBe(500);
    expect(beat.leads.map((l) => l.name)).toEqual(['I', 'II']);
    expect(Array.from(beat.leads[1]!.samples, (v) => Math.round((v * 1e6) / want.avm_nV))).toEqual(want.beat![1]);
  });

  it('a header declaring millions of samples over a few kB is refused before allocating for them', () => {
    const [file] = fixtureFiles('scp', 'default-huffman.scp');
    const bytes = file!.bytes.slice();
    const view = new DataView(bytes.buffer);
    let section3 = -1;
    for (let at = 22; at < 22 + 120; at += 10) if (view.getUint16(at, true) === 3) section3 = view.getUint32(at + 6, true) - 1;
    for (let lead = 0; lead < 12; lead++) view.setUint32(section3 + 16 + 2 + 9 * lead + 4, 1_000_000, true);
    const outcome = decodeFiles([{ name: 'huge.scp', bytes: restampScpCrcs(bytes) }])[0];
    expect(outcome).toMatchObject({ ok: false, error: { code: 'E_FORMAT', message: expect.stringMatching(/declares 1000000 samples in \d+ bytes/) } });
  });

  it('rejects a flipped bit (CRC), a truncated file and a lying lead count with typed errors', () => {
    const [file] = fixtureFiles('scp', 'default-huffman.scp');
    const flipped = file!.bytes.slice();
    flipped[400] ^= 0x10;
    const crc = decodeFiles([{ name: 'flip.scp', bytes: flipped }])[0];
    expect(crc).toMatchObject({ ok: false, error: { code: 'E_FORMAT' } });
    expect(JSON.stringify(crc)).toContain('CRC');
    const truncated = decodeFiles([{ name: 't.scp', bytes: file!.bytes.subarray(0, 5000) }])[0];
    expect(truncated).toMatchObject({ ok: false, error: { code: 'E_FORMAT' } });
    // Huffman data cut short: the last lead's byte count says fewer bytes than its samples need.
    const [small] = fixtureFiles('scp', 'custom-huffman.scp');
    const bytes = small!.bytes.slice();
    const view = new DataView(bytes.buffer);
    let section6 = -1;
    for (let at = 22; at < 22 + 120; at += 10) if (view.getUint16(at, true) === 6) section6 = view.getUint32(at + 6, true) - 1;
    const countsAt = section6 + 16 + 6;
    bytes[countsAt] = 3;
    bytes[countsAt + 1] = 0;
    const sectionCrc = crcCcitt(bytes.subarray(section6 + 2, section6 + view.getUint32(section6 + 4, true)));
    bytes[section6] = sectionCrc & 0xff;
    bytes[section6 + 1] = sectionCrc >> 8;
    const short = decodeFiles([{ name: 'short.scp', bytes: withRecordCrc(bytes) }])[0];
    expect(short).toMatchObject({ ok: false, error: { code: 'E_FORMAT' } });
    expect(JSON.stringify(short)).toMatch(/truncated or corrupt Huffman data|no Huffman code/);
  });
});
