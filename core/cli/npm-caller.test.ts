import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { capture } from '../test/cli-io';
import { enterNpmCallerFolder, npmCallerFolder } from './npm-caller';

const repoRoot = path.resolve(__dirname, '../..');
const sample = path.join(repoRoot, 'resources', 'samples', 'ptbxl', '00001_hr');

/** `npm run -s <script> -- …` as a person types it in `cwd` (npm itself sets INIT_CWD and npm_lifecycle_event). */
async function npmRun(script: string, cwd: string, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)('npm', ['--prefix', repoRoot, 'run', '-s', script, '--', ...args], { cwd });
}

const npmEcg = async (cwd: string, ...args: string[]) => (await npmRun('ecg', cwd, ...args)).stdout;

describe('npm run ecg reads relative paths from the folder npm was called from', () => {
  it('takes INIT_CWD only for the ecg script and only where it is absolute', () => {
    expect(npmCallerFolder('ecg', { npm_lifecycle_event: 'ecg', INIT_CWD: '/home/u/ecgs' })).toBe('/home/u/ecgs');
    expect(npmCallerFolder('ecg', { npm_lifecycle_event: 'test:unit', INIT_CWD: '/home/u/ecgs' })).toBeUndefined();
    expect(npmCallerFolder('ecg', { INIT_CWD: '/home/u/ecgs' })).toBeUndefined();
    expect(npmCallerFolder('ecg', { npm_lifecycle_event: 'ecg', INIT_CWD: 'ecgs' })).toBeUndefined();
    expect(npmCallerFolder('ecg', { npm_lifecycle_event: 'ecg' })).toBeUndefined();
    expect(npmCallerFolder('bench', { npm_lifecycle_event: 'bench', INIT_CWD: '/home/u/ecgs' })).toBe('/home/u/ecgs');
    expect(npmCallerFolder('bench', { npm_lifecycle_event: 'ecg', INIT_CWD: '/home/u/ecgs' })).toBeUndefined();
  });

  it('stops, naming the folder, where that folder has gone, rather than reading paths beside the repository', () => {
    const io = capture();
    const before = process.cwd();
    const gone = path.join(mkdtempSync(path.join(os.tmpdir(), 'npm-caller-')), 'gone');
    expect(enterNpmCallerFolder('ecg', { npm_lifecycle_event: 'ecg', INIT_CWD: gone }, io)).toBe(false);
    expect(io.err.join('\n')).toContain(`ecg: cannot work in ${gone}, the folder npm was called from`);
    expect(process.cwd()).toBe(before);
  });

  it("escapes that folder's name (and node's message naming it) where it holds an escape sequence or a line break", () => {
    const io = capture();
    const gone = path.join(mkdtempSync(path.join(os.tmpdir(), 'npm-caller-')), 'gone\u001b[2J\nforged');
    expect(enterNpmCallerFolder('ecg', { npm_lifecycle_event: 'ecg', INIT_CWD: gone }, io)).toBe(false);
    const said = io.err.join('\n');
    expect(said).toContain('gone\\u001b[2J\\nforged, the folder npm was called from');
    expect(said).not.toContain('\u001b');
    expect(said).not.toContain('\nforged');
  });

  // Also the case of '../resources/…' from a subfolder of the repository, where npm's start in the
  // repository's root made it 'no such file or folder': one npm run of the CLI (seconds of CPU each)
  // for both, a path above the folder npm was called from.
  it("imports a relative file ('../…') from a folder outside the repository (npm --prefix), its decoding worker threads included", async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'npm-caller-'));
    mkdirSync(path.join(folder, 'ecgs'));
    mkdirSync(path.join(folder, 'here'));
    for (const ext of ['.hea', '.dat']) copyFileSync(sample + ext, path.join(folder, 'ecgs', `00001_hr${ext}`));
    const out = await npmEcg(path.join(folder, 'here'), 'import', '../ecgs/00001_hr.hea', '--data-dir', path.join(folder, 'data'));
    expect(out).toMatch(/^imported\t1\t\.\.\/ecgs\/00001_hr\.hea \.\.\/ecgs\/00001_hr\.dat$/m);
  }, 120_000);

  it("npm run bench reads measure's --data and --mitdb (and --ludb) from there too, where it looked beside the repository and left those records out without a word", async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'npm-caller-bench-'));
    mkdirSync(path.join(folder, 'data', 'ecg', 'philips-xml'), { recursive: true });
    copyFileSync(path.join(repoRoot, 'core/test/fixtures/formats/philips/129DYPRG.XML'), path.join(folder, 'data', 'ecg', 'philips-xml', '129DYPRG.XML'));
    mkdirSync(path.join(folder, 'mitdb'));
    for (const ext of ['.hea', '.dat']) copyFileSync(path.join(repoRoot, 'core/test/fixtures/signal/mitdb-100', `100${ext}`), path.join(folder, 'mitdb', `100${ext}`));
    const { stdout } = await npmRun('bench', folder, 'measure', '--json', '--data', 'data', '--mitdb', 'mitdb');
    const figures = JSON.parse(stdout) as { references: { perRecord: Record<string, unknown> }; mitdb100: Record<string, unknown> };
    expect(Object.keys(figures.references.perRecord)).toContain('philips-xml/129DYPRG.XML');
    expect(Object.keys(figures.mitdb100)).toContain('whole record (30 min)');
  }, 120_000);
});
