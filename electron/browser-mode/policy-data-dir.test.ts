import { fork, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { initFlac } from '../../core/formats/wfdb/flac';
import { runCli } from '../../core/cli/run';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * A valid site policy naming the workstation's shared data folder, with real processes: browser mode
 * (what `npm start` runs without Electron), the engine the app forks and the CLI must each refuse a
 * --data-dir or EINTHOVEN_DATA_DIR naming another folder, where any account could open a private one
 * and keep its readings out of the shared audit trail; and open it where the policy allows overrides.
 * One real process per entry point; the CLI's other cases run its `runCli` (what core/cli/main.ts
 * runs) in this process with the same environment: each spawn of `node --import tsx` compiled and
 * loaded the whole engine again (this file took 23 s of CPU with six spawns, 18 s with three).
 */
describe("a site policy's shared data folder", { timeout: 180_000 }, () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'einthoven-policy-folder-'));
  const policy = path.join(home, 'policy.json');
  const shared = path.join(home, 'shared');
  const mine = path.join(home, 'mine');
  const env = { ...process.env, HOME: home, XDG_DATA_HOME: path.join(home, 'xdg'), EINTHOVEN_POLICY_FILE: policy, EINTHOVEN_DATA_DIR: '' };
  const quoted = (text: string) => text.replace(/[.\\]/g, '\\$&');
  const refusal = (by: string) =>
    new RegExp(`${quoted(by)} is refused: the site policy ${quoted(policy)} sets this workstation's data folder to ${quoted(shared)}, .*allowDataDirOverride`);
  writeFileSync(policy, JSON.stringify({ trainers: ['bob'], dataDir: shared }));

  function run(entry: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, ['--import', 'tsx', entry, ...args], { cwd: repoRoot, env: { ...env, ...extraEnv }, encoding: 'utf8', timeout: 120_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /** `ecg …args` through the CLI's own runCli, in this process, under `env` and `extraEnv` (restored after). */
  async function runHere(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ status: number; stdout: string; stderr: string }> {
    const saved = { ...process.env };
    Object.assign(process.env, env, extraEnv);
    const out = { stdout: '', stderr: '' };
    try {
      const status = await runCli(args, { stdout: (text) => (out.stdout += `${text}\n`), stderr: (text) => (out.stderr += `${text}\n`) });
      return { status, ...out };
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  }

  beforeAll(async () => {
    await initFlac(); // as runCliProcess does before any command
  });

  /** The first message of the engine forked as the app forks it (core/engine/main.ts). */
  async function engineFirstMessage(dataDir: string): Promise<unknown> {
    const child = fork(path.join(repoRoot, 'core/engine/main.ts'), ['--data-dir', dataDir, '--shell', 'browser'], {
      execArgv: ['--import', 'tsx'],
      env,
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    const first = await new Promise((resolve) => child.once('message', resolve));
    child.kill();
    return first;
  }

  it('stops browser mode and the engine given another folder, before either makes it', async () => {
    const r = run('electron/browser-mode/main.ts', ['--port', '0', '--data-dir', mine]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(refusal(`--data-dir ${mine}`));
    expect(await engineFirstMessage(mine)).toMatchObject({ type: 'fatal', message: expect.stringMatching(refusal(`--data-dir ${mine}`)) });
    expect(readdirSync(home).sort()).toEqual(['policy.json']);
  });

  it('stops an ecg command given another folder by flag or environment, and runs it in the shared folder named outright', async () => {
    const samples = path.join(repoRoot, 'resources', 'samples');
    const byFlag = run('core/cli/main.ts', ['import', samples, '--data-dir', mine]);
    expect(byFlag.status).toBe(1);
    expect(byFlag.stderr).toMatch(/E_FORBIDDEN/);
    expect(byFlag.stderr).toMatch(refusal(`--data-dir ${mine}`));
    const byEnv = await runHere(['import', samples], { EINTHOVEN_DATA_DIR: mine });
    expect(byEnv.status).toBe(1);
    expect(byEnv.stderr).toMatch(refusal(`EINTHOVEN_DATA_DIR=${mine}`));
    expect(existsSync(mine)).toBe(false);
    // Named outright, the shared folder is still IT's to make: the app would make it the first account's alone.
    expect((await runHere(['list', '--data-dir', shared])).stderr).toMatch(new RegExp(`E_NOT_FOUND: the site policy ${quoted(policy)} sets this workstation's data folder to ${quoted(shared)}, which does not exist: the site's IT creates it`));
    expect(existsSync(shared)).toBe(false);
    mkdirSync(shared);
    expect((await runHere(['list', '--data-dir', shared])).stderr).toMatch(/no Einthoven database at .*shared/);
  });

  it('opens another folder where the policy allows overrides', async () => {
    writeFileSync(policy, JSON.stringify({ trainers: ['bob'], dataDir: shared, allowDataDirOverride: true }));
    const r = await runHere(['import', path.join(repoRoot, 'resources', 'samples'), '--data-dir', mine]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(existsSync(path.join(mine, 'einthoven.sqlite'))).toBe(true);
  });
});
