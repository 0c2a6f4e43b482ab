import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { capture } from '../test/cli-io';
import { enterNpmCallerFolder, npmCallerFolder } from './npm-caller';

const repoRoot = path.resolve(__dirname, '../..');
const sample = path.join(repoRoot, 'resources', 'samples', 'ptbxl', '00001_hr');

/** `npm run -s ecg -- …` as a person types it in `cwd` (npm itself sets INIT_CWD and npm_lifecycle_event). */
async function npmEcg(cwd: string, ...args: string[]): Promise<string> {
  return (await promisify(execFile)('npm', ['--prefix', repoRoot, 'run', '-s', 'ecg', '--', ...args], { cwd })).stdout;
}

describe('npm run ecg reads relative paths from the folder npm was called from', () => {
  it('takes INIT_CWD only for the ecg script and only where it is absolute', () => {
    expect(npmCallerFolder({ npm_lifecycle_event: 'ecg', INIT_CWD: '/home/u/ecgs' })).toBe('/home/u/ecgs');
    expect(npmCallerFolder({ npm_lifecycle_event: 'test:unit', INIT_CWD: '/home/u/ecgs' })).toBeUndefined();
    expect(npmCallerFolder({ INIT_CWD: '/home/u/ecgs' })).toBeUndefined();
    expect(npmCallerFolder({ npm_lifecycle_event: 'ecg', INIT_CWD: 'ecgs' })).toBeUndefined();
    expect(npmCallerFolder({ npm_lifecycle_event: 'ecg' })).toBeUndefined();
  });

  it('stops, naming the folder, where that folder has gone, rather than reading paths beside the repository', () => {
    const io = capture();
    const before = process.cwd();
    const gone = path.join(mkdtempSync(path.join(os.tmpdir(), 'npm-caller-')), 'gone');
    expect(enterNpmCallerFolder({ npm_lifecycle_event: 'ecg', INIT_CWD: gone }, io)).toBe(false);
    expect(io.err.join('\n')).toContain(`ecg: cannot work in ${gone}, the folder npm was called from`);
    expect(process.cwd()).toBe(before);
  });

  it("finds '../resources/…' from a subfolder of the repository, where it said 'no such file or folder'", async () => {
    expect(await npmEcg(path.join(repoRoot, 'docs'), 'inspect', '../resources/samples/ptbxl/00001_hr.hea')).toMatch(/^\.\.\/resources\/samples\/ptbxl\/00001_hr\.hea: wfdb, 500 Hz/);
  }, 120_000);

  it('imports a relative file from a folder outside the repository (npm --prefix), its decoding worker threads included', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'npm-caller-'));
    for (const ext of ['.hea', '.dat']) copyFileSync(sample + ext, path.join(folder, `00001_hr${ext}`));
    const out = await npmEcg(folder, 'import', '00001_hr.hea', '--data-dir', path.join(folder, 'data'));
    expect(out).toMatch(/^imported\t1\t00001_hr\.hea 00001_hr\.dat$/m);
  }, 120_000);
});
