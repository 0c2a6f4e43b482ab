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

  it('ecg model export-pytorch into a folder already holding something is refused before any work, and what is there stays as it was', async () => {
    // A folder with a file in it stands for an earlier export: a real one took 43 s of torch parity checking to make.
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'einthoven-out-')), 'starter-torch');
    mkdirSync(out);
    writeFileSync(path.join(out, 'model.py'), '# an earlier export\n');
    await expect(modelCommand.run(['export-pytorch', 'starter', out], capture())).rejects.toThrow(/is not empty: a PyTorch export is written into a new or empty folder/);
    expect(readdirSync(out)).toEqual(['model.py']);
    expect(readFileSync(path.join(out, 'model.py'), 'utf8')).toBe('# an earlier export\n');
  });
});
