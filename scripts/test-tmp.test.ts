import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import unitConfig from '../vitest.config';
import e2eConfig from '../vitest.e2e.config';
import { finishRunTmpRoot, keepVariable, ownerVariable, removeTree, rootPrefix, rootVariable, runTmpTeardown, useRunTmpRoot } from './test-tmp';

const runRoot = process.env[rootVariable] ?? '';

describe("a test run's temporary folder: every temp folder a test makes is inside it (the suite left hundreds in /tmp)", () => {
  it("is this test process's os.tmpdir(), and a folder made there is inside it", () => {
    expect(path.basename(runRoot).startsWith(rootPrefix)).toBe(true);
    expect(os.tmpdir()).toBe(runRoot);
    const made = mkdtempSync(path.join(os.tmpdir(), 'einthoven-test-tmp-probe-'));
    expect(path.dirname(made)).toBe(runRoot);
  });

  it('is the temp folder of the processes a test starts (Node, Python)', () => {
    expect(execFileSync(process.execPath, ['-e', 'process.stdout.write(require("node:os").tmpdir())'], { encoding: 'utf8' })).toBe(runRoot);
    const python = process.env['EINTHOVEN_PYTHON'] ?? '/usr/bin/python3';
    if (existsSync(python)) expect(execFileSync(python, ['-c', 'import tempfile; print(tempfile.gettempdir(), end="")'], { encoding: 'utf8' })).toBe(runRoot);
  });

  it("holds the suite's default data folder (XDG_DATA_HOME)", () => {
    expect(process.env['XDG_DATA_HOME']).toBe(path.join(runRoot, 'data-home'));
  });

  it('is handed to the test processes by both configs, whose globalSetup removes it', () => {
    const projects = (unitConfig.test?.projects ?? []).map((project) => (typeof project === 'object' && 'test' in project ? project.test : undefined));
    expect(projects).toHaveLength(2);
    for (const env of [...projects.map((test) => test?.env), e2eConfig.test?.env]) {
      expect(env).toMatchObject({ TMPDIR: runRoot, TEMP: runRoot, TMP: runRoot });
    }
    for (const config of [unitConfig, e2eConfig]) expect(config.test?.globalSetup).toEqual([runTmpTeardown]);
  });
});

describe('making and removing the run folder (scripts/test-tmp.ts)', () => {
  const base = mkdtempSync(path.join(os.tmpdir(), 'einthoven-test-tmp-'));
  afterAll(() => removeTree(base));
  const quiet = (): void => undefined;

  it("makes a new folder in the base, names it as the temp folder and as this process's to remove", () => {
    const env: Record<string, string | undefined> = {};
    const root = useRunTmpRoot(env, base);
    expect(path.dirname(root)).toBe(base);
    expect(path.basename(root).startsWith(rootPrefix)).toBe(true);
    expect(env).toEqual({ TMPDIR: root, TEMP: root, TMP: root, [rootVariable]: root, [ownerVariable]: String(process.pid) });
    // Other accounts pass through (a test runs a command as one on a folder it opened), never list or add.
    if (process.platform !== 'win32') expect(statSync(root).mode & 0o7777).toBe(0o711);
    // Loading the config again (watch mode) keeps the same folder.
    expect(useRunTmpRoot(env, base)).toBe(root);
    expect(readdirSync(base).filter((name) => name.startsWith(rootPrefix))).toEqual([path.basename(root)]);
    expect(finishRunTmpRoot(env, quiet)).toBe('removed');
  });

  it("reuses the folder a parent process made and leaves it to that process (a test file that imports the config runs in a fork)", () => {
    const parent = mkdtempSync(path.join(base, rootPrefix));
    const env: Record<string, string | undefined> = { [rootVariable]: parent, [ownerVariable]: String(process.pid + 1) };
    expect(useRunTmpRoot(env, base)).toBe(parent);
    expect(env['TMPDIR']).toBe(parent);
    expect(env[ownerVariable]).toBe(String(process.pid + 1));
    expect(finishRunTmpRoot(env, quiet)).toBe('not-owner');
    expect(existsSync(parent)).toBe(true);
  });

  it('makes a new one where the folder named is gone', () => {
    const env: Record<string, string | undefined> = { [rootVariable]: path.join(base, 'gone'), [ownerVariable]: String(process.pid + 1) };
    const root = useRunTmpRoot(env, base);
    expect(root).not.toBe(path.join(base, 'gone'));
    expect(existsSync(root)).toBe(true);
    expect(env[ownerVariable]).toBe(String(process.pid));
    expect(finishRunTmpRoot(env, quiet)).toBe('removed');
  });

  // root can empty a folder whatever its mode: the locked folders would test nothing there.
  it.skipIf(process.getuid?.() === 0 || process.platform === 'win32')('removes it with everything in it, folders a test locked (0500, 0000) included; the second call finds it gone', () => {
    const env: Record<string, string | undefined> = {};
    const root = useRunTmpRoot(env, base);
    const locked = path.join(root, 'records', 'locked');
    mkdirSync(path.join(locked, 'inner'), { recursive: true });
    writeFileSync(path.join(locked, 'inner', 'a.csv'), 'x');
    writeFileSync(path.join(root, 'records', 'unreadable'), 'x');
    chmodSync(path.join(root, 'records', 'unreadable'), 0o000);
    chmodSync(path.join(locked, 'inner'), 0o000);
    chmodSync(locked, 0o500);
    expect(finishRunTmpRoot(env, quiet)).toBe('removed');
    expect(existsSync(root)).toBe(false);
    expect(finishRunTmpRoot(env, quiet)).toBe('gone');
  });

  it(`keeps it where ${keepVariable}=1, and says once where it is`, () => {
    const env: Record<string, string | undefined> = { [keepVariable]: '1' };
    const root = useRunTmpRoot(env, base);
    const printed: string[] = [];
    expect(finishRunTmpRoot(env, (line) => printed.push(line))).toBe('kept');
    expect(finishRunTmpRoot(env, (line) => printed.push(line))).toBe('kept');
    expect(existsSync(root)).toBe(true);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toContain(root);
  });
});
