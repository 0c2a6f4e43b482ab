import { execFile } from 'node:child_process';
import { appendFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sample = path.join(repoRoot, 'resources/samples/ptbxl/00008_hr.hea');

/** `Einthoven --cli ARGS`, as far as it can run without the Electron binary: the built bundle through runBundledCli. */
async function appCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  // Run from a folder outside the checkout, as an installed app is: nothing may lean on the working directory.
  const tsx = pathToFileURL(path.join(repoRoot, 'node_modules/tsx/dist/loader.mjs')).href;
  const runner = ['--import', tsx, path.join(repoRoot, 'e2e/fixtures/run-cli-bundle.ts')];
  return promisify(execFile)(process.execPath, [...runner, ...args], { cwd: os.tmpdir(), env: { ...process.env, EINTHOVEN_DATA_DIR: '' } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

// The tests share nothing (each its own folders, its own CLI processes): they run side by side, so
// the second core works while one test's command runs, mostly on one core, before the next starts.
describe.concurrent("the installed app's command line (dist-electron/cli.js, which `Einthoven --cli` runs)", () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-e2e-cli-'));

  it('imports, verifies the audit trail, backs up and checks the backup on a data folder', async ({ expect }) => {
    const imported = await appCli('import', '--data-dir', dataDir, sample);
    expect(imported.stdout).toMatch(/^imported\t1\t/m);
    expect(imported.code).toBe(0);
    const verified = await appCli('audit', '--verify', '--data-dir', dataDir);
    expect(verified.stdout).toMatch(/^OK: \d+ (entry|entries), \d+ hash-chained/m);
    const backup = path.join(mkdtempSync(path.join(os.tmpdir(), 'einthoven-e2e-cli-backups-')), 'b1');
    expect((await appCli('backup', '--to', backup, '--data-dir', dataDir)).code).toBe(0);
    expect((await appCli('backup', '--check', backup)).stdout).toMatch(/^OK: .*1 record/m);
    // The check is real: one byte added to the database copy is named.
    appendFileSync(path.join(backup, 'einthoven.sqlite'), 'x');
    const tampered = await appCli('backup', '--check', backup);
    expect(tampered.code).not.toBe(0);
    expect(tampered.stdout + tampered.stderr).toContain('einthoven.sqlite');
  });

  it('finds the bundled models from the bundle (not from the source tree) and predicts with one by name', async ({ expect }) => {
    const predicted = await appCli('predict', '--model', 'starter', sample);
    expect(predicted.stdout).toMatch(/00008_hr\.hea: NORM [\d.]+ %/);
    expect(predicted.stdout).toContain('research use only');
    expect(predicted.code).toBe(0);
  });

  it('answers an unknown command with usage and exit code 2, as `ecg` does', async ({ expect }) => {
    const unknown = await appCli('nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'nope'");
  });
});
