import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../../test/shared-data';
import { decodeFiles } from '../index';
import { fixtureFiles } from '../test/fixtures';
import { decodeFlacSignals, initFlac } from './flac';

const reference = JSON.parse(readFileSync(fixturePath('formats', 'wfdb', 'flacformats-reference.json'), 'utf8')) as Record<'d0' | 'd1' | 'd2', number[]>;
const hasFlacTool = spawnSync('flac', ['--version']).status === 0;

beforeAll(initFlac);

describe('WFDB FLAC formats 508, 516, 524 (wfdb-python flacformats)', () => {
  it('decode to exactly the samples of the reference decoder (Debian flac), and to the header checksums', () => {
    const outcome = decodeFiles(fixtureFiles('wfdb', 'flacformats.hea', 'flacformats.d0', 'flacformats.d1', 'flacformats.d2'))[0];
    expect(outcome).toMatchObject({ ok: true, record: { fs: 200, nSamples: 499 } });
    if (!outcome?.ok) return;
    expect(outcome.record.warnings.filter((w) => /checksum/i.test(w))).toEqual([]);
    (['d0', 'd1', 'd2'] as const).forEach((d, i) => {
      const format = ([508, 516, 524] as const)[i]!;
      const adc = decodeFlacSignals(d, fixtureFiles('wfdb', `flacformats.${d}`)[0]!.bytes, format, 1)[0]!;
      expect(Array.from(adc)).toEqual(reference[d]);
      // physical = ADC / 200 per mV, baseline 0
      expect(outcome.record.leads[i]?.samples[10]).toBe(Math.fround((reference[d][10] as number) / 200));
    });
  });

  it.runIf(hasFlacTool)('agrees with Debian flac decoding the files now', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-flac-'));
    for (const [d, bytesPer] of [['d1', 2]] as const) {
      const raw = path.join(dir, `${d}.raw`);
      const run = spawnSync('flac', ['-d', '-s', '-f', '--force-raw-format', '--endian=little', '--sign=signed', '-o', raw, fixturePath('formats', 'wfdb', `flacformats.${d}`)]);
      expect(run.status).toBe(0);
      const bytes = readFileSync(raw);
      const values = Array.from({ length: bytes.length / bytesPer }, (_, i) => bytes.readInt16LE(i * 2));
      expect(values).toEqual(reference[d]);
    }
  });

  it('refuses a stream whose bit depth or channel count contradicts the header, or that declares too many samples', () => {
    const [d1] = fixtureFiles('wfdb', 'flacformats.d1');
    expect(() => decodeFlacSignals('x', d1!.bytes, 524, 1)).toThrow(/16-bit samples, the header's format 524 means 24-bit/);
    expect(() => decodeFlacSignals('x', d1!.bytes, 516, 2)).toThrow(/1 channels for 2 signals/);
    const huge = d1!.bytes.slice();
    huge[8 + 13] = (huge[8 + 13]! & 0xf0) | 0x0f; // total samples ≥ 2^32
    expect(() => decodeFlacSignals('x', huge, 516, 1)).toThrow(/declares 1 × \d+ samples, over the limit/);
    const corrupt = d1!.bytes.slice();
    for (let i = 60; i < corrupt.length; i += 7) corrupt[i] ^= 0x55;
    expect(() => decodeFlacSignals('x', corrupt, 516, 1)).toThrow(/corrupt FLAC stream|FLAC/);
  });
});
