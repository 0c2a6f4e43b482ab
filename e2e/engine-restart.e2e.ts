import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, launchApp, type RunningApp } from './app';

/** The processes whose parent is `pid`, from /proc (Linux; no procps needed). */
function childPids(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        // "pid (comm) state ppid …": the command may hold spaces, so read after its closing parenthesis.
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe.runIf(existsSync('/proc/self/stat'))('browser mode: the engine process stops under the window', () => {
  let app: RunningApp;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-e2e-restart-'));

  beforeAll(async () => {
    app = await launchApp({ dataDir });
    await app.page.getByTestId('record-row').first().waitFor();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('is started again: the window says so, keeps working on the same data, and the log says why', async () => {
    const page = app.page;
    const [engine, ...others] = childPids(app.serverPid);
    expect(others).toEqual([]);
    process.kill(engine ?? 0, 'SIGKILL');
    const notice = page.getByTestId('engine-notice');
    await notice.waitFor({ timeout: 60_000 });
    expect(await notice.getAttribute('data-kind')).toBe('restarted');
    expect((await notice.textContent())?.replace(/\s+/g, ' ')).toMatch(/The engine stopped unexpectedly \(killed by a signal\) and was started again at .*No job was running\. .*logs\/einthoven\.log/);
    // A new engine process on the same data folder answers the window.
    expect(childPids(app.serverPid)).not.toContain(engine);
    await page.getByTestId('record-row').nth(1).click();
    await page.getByTestId('ecg-plot').getByTestId('lead-trace').first().waitFor();
    expect(await page.getByTestId('record-row').count()).toBe(5);
    // What the window had read from the engine is read again (a model list lost to the stop is back).
    await expect.poll(() => page.getByTestId('batch-run').isEnabled(), { timeout: 20_000 }).toBe(true);
    await page.screenshot({ path: artifactPath('engine-restarted.png') });
    await page.getByTestId('engine-notice-dismiss').click();
    expect(await notice.count()).toBe(0);
    const log = readFileSync(path.join(dataDir, 'logs', 'einthoven.log'), 'utf8').trim().split('\n');
    expect(log.map((l) => l.replace(/^\S+ v[\d.]+ pid \d+: /, ''))).toEqual([
      'engine started',
      // Killed seconds after it started: what it wrote lately (a GPU adapter's warnings, say) comes with the exit.
      expect.stringMatching(/^the engine process stopped \(exit code none: killed by a signal\)(; its last messages: .+)?; 0 running job\(s\) reported failed; restarting$/),
      'engine restarted (1 of 3 allowed in 10 min)',
    ]);
  });
});
