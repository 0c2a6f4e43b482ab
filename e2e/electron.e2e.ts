import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { artifactPath, repoRoot } from './app';

/** The Electron binary exists only where its download was possible (not on registry-only machines). */
function electronBinary(): string | undefined {
  try {
    return createRequire(import.meta.url)('electron') as string;
  } catch {
    return undefined;
  }
}

const binary = electronBinary();

describe.runIf(binary !== undefined)('Electron app', () => {
  it('opens a hardened window that lists the bundled samples', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-electron-'));
    const app = await electron.launch({
      executablePath: binary,
      args: [repoRoot, `--data-dir=${dataDir}`],
      cwd: repoRoot,
    });
    try {
      const page = await app.firstWindow();
      await page.getByTestId('record-row').first().waitFor();
      expect(await page.getByTestId('record-row').count()).toBe(5);
      expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
      expect(await page.evaluate(() => typeof (globalThis as { einthoven?: { api: Record<string, unknown> } }).einthoven?.api['records:list'])).toBe('function');
      await page.screenshot({ path: artifactPath('electron-window.png') });
    } finally {
      await app.close();
    }
  });

  it('runs the command line with --cli and no window: import, then verify the audit trail', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-electron-cli-'));
    const run = (...args: string[]) => promisify(execFile)(binary ?? '', [repoRoot, '--cli', ...args], { cwd: os.tmpdir() });
    expect((await run('import', '--data-dir', dataDir, path.join(repoRoot, 'resources/samples/ptbxl/00008_hr.hea'))).stdout).toMatch(/^imported\t1\t/m);
    expect((await run('audit', '--verify', '--data-dir', dataDir)).stdout).toMatch(/^OK: \d+ entries/m);
  });
});
