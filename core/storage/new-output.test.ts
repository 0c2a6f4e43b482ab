import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { capture } from '../test/cli-io';
import { modelCommand } from '../cli/commands/model';
import { requireNewOutput } from './new-output';

describe('output folders are new or empty', () => {
  it('accepts a missing or empty folder, refuses a file or a folder that holds something', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'einthoven-out-'));
    expect(() => requireNewOutput(path.join(root, 'new'), 'a package')).not.toThrow();
    mkdirSync(path.join(root, 'empty'));
    expect(() => requireNewOutput(path.join(root, 'empty'), 'a package')).not.toThrow();
    writeFileSync(path.join(root, 'file'), 'x');
    expect(() => requireNewOutput(path.join(root, 'file'), 'a package')).toThrow(/file is a file: a package is written into a new or empty folder/);
    expect(() => requireNewOutput(root, 'a package')).toThrow(expect.objectContaining({ code: 'E_CONFLICT', message: expect.stringMatching(/is not empty: a package is written into a new or empty folder, never over what is there/) }));
  });

  it('ecg model export-pytorch into a folder already holding an export is refused, and the export stays as it was', async () => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'einthoven-out-')), 'starter-torch');
    expect(await modelCommand.run(['export-pytorch', 'starter', out], capture())).toBe(0);
    const files = readdirSync(out).sort();
    const before = files.map((f) => readFileSync(path.join(out, f)));
    await expect(modelCommand.run(['export-pytorch', 'starter', out], capture())).rejects.toThrow(/is not empty: a PyTorch export is written into a new or empty folder/);
    expect(readdirSync(out).sort()).toEqual(files);
    expect(files.map((f) => readFileSync(path.join(out, f)))).toEqual(before);
  });
});
