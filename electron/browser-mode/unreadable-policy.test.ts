import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The reviewer's case, with real processes: a site policy naming a shared data folder, with one key the
 * schema does not know. Browser mode and the CLI must stop, naming the policy file and the problem, and
 * make no per-user data folder (where browser mode used to create a private database and import the
 * samples into it, and `ecg list` looked for one).
 */
describe('a site policy file that cannot be read', () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'einthoven-unreadable-policy-'));
  const xdg = path.join(home, 'xdg');
  const policy = path.join(home, 'policy.json');
  writeFileSync(policy, JSON.stringify({ trainers: ['bob'], admins: ['CLINIC\\alice'], dataDir: path.join(home, 'shared'), comment: 'x' }));
  const env = { ...process.env, HOME: home, XDG_DATA_HOME: xdg, EINTHOVEN_POLICY_FILE: policy, EINTHOVEN_DATA_DIR: '' };
  const refusal = new RegExp(`the site policy ${policy.replace(/[.\\]/g, '\\$&')} could not be read \\(.*Unrecognized key.*comment.*\\): no data folder is opened`);

  function run(entry: string, args: string[]): { status: number | null; stderr: string } {
    const r = spawnSync(process.execPath, ['--import', 'tsx', entry, ...args], { cwd: repoRoot, env, encoding: 'utf8', timeout: 120_000 });
    return { status: r.status, stderr: r.stderr };
  }

  it('stops browser mode before it opens (or creates) any database', () => {
    const r = run('electron/browser-mode/main.ts', ['--port', '0']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(refusal);
    expect(existsSync(xdg)).toBe(false);
    expect(readdirSync(home).sort()).toEqual(['policy.json']);
  });

  it('stops ecg list and ecg import with the same words', () => {
    for (const args of [['list'], ['import', path.join(repoRoot, 'resources', 'samples')]]) {
      const r = run('core/cli/main.ts', args);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(refusal);
    }
    expect(existsSync(xdg)).toBe(false);
  });
});
