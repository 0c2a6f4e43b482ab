import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { capture } from '../../test/cli-io';
import { convertCommand } from './convert';

// The bundled PTB-XL 00001 (CC BY 4.0), copied into a temporary folder so it may be written over if the command were wrong.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function copied(): { dir: string; header: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-convert-'));
  for (const ext of ['.hea', '.dat']) copyFileSync(path.join(repoRoot, 'resources', 'samples', 'ptbxl', `00001_hr${ext}`), path.join(dir, `00001_hr${ext}`));
  return { dir, header: path.join(dir, '00001_hr.hea') };
}

describe('ecg convert', () => {
  it('never writes over the recording it converts: --out as its own folder is refused and the files stay as they were', async () => {
    const { dir, header } = copied();
    const before = [readFileSync(header), readFileSync(path.join(dir, '00001_hr.dat'))];
    await expect(convertCommand.run([header, '--to', 'wfdb', '--out', dir], capture())).rejects.toThrow(/00001_hr\.hea already exists \(it is the file being converted\): a conversion never replaces a file/);
    expect([readFileSync(header), readFileSync(path.join(dir, '00001_hr.dat'))]).toEqual(before);
  });

  it('writes into a new folder, and refuses to replace what an earlier conversion wrote', async () => {
    const { header } = copied();
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'einthoven-convert-out-')), 'csv');
    const first = capture();
    expect(await convertCommand.run([header, '--to', 'csv', '--out', out], first)).toBe(0);
    expect(first.out).toEqual([path.join(out, '00001_hr.csv')]);
    const written = readFileSync(path.join(out, '00001_hr.csv'));
    expect(written.length).toBeGreaterThan(1000);
    await expect(convertCommand.run([header, '--to', 'csv', '--out', out], capture())).rejects.toThrow(/00001_hr\.csv already exists: a conversion never replaces a file; choose another --out folder/);
    expect(readFileSync(path.join(out, '00001_hr.csv'))).toEqual(written);
  });
});
