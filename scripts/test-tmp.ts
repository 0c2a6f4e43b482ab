import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * One temporary folder per test run (vitest.config.ts, vitest.e2e.config.ts), made the temp folder
 * of every test process and of everything they start, and removed when the run ends. The test files
 * make their folders (ECG records, SQLite databases, model packages, audit anchors) with
 * mkdtemp(os.tmpdir()) and almost none removes them: every `npm test` left hundreds of folders, some
 * hundreds of MB, in the workstation's /tmp. Pointing os.tmpdir() at the run's folder collects them
 * all in one place to remove, with no change to the test files.
 */

/** The run's folder, handed to the test processes (and a nested config load, which reuses it). */
export const rootVariable = 'EINTHOVEN_TEST_TMP_ROOT';
/** The process that made the run's folder: only it removes the folder (a fork that loads the config must not). */
export const ownerVariable = 'EINTHOVEN_TEST_TMP_OWNER';
/** Set to 1 to keep the run's folder for a look afterwards; its path is printed at the end. */
export const keepVariable = 'EINTHOVEN_KEEP_TEST_TMP';
export const rootPrefix = 'einthoven-test-run-';

type Env = Record<string, string | undefined>;

/**
 * The variables that name the temp folder: Node's os.tmpdir() reads TMPDIR on POSIX and TEMP/TMP on
 * Windows; Python's tempfile, Chromium and most tools read the same. All three, on every platform.
 */
export function tmpEnv(root: string): Record<string, string> {
  return { TMPDIR: root, TEMP: root, TMP: root };
}

/**
 * The run's folder: the one `env` already names where it still exists (a test process that imports
 * the config, a config reloaded in watch mode), else a new one in `base`. `env` then names it as
 * the temp folder, so that the pool's forks, which copy the environment, and their children inherit it.
 */
export function useRunTmpRoot(env: Env = process.env, base: string = os.tmpdir()): string {
  const inherited = env[rootVariable];
  const root = inherited && existsSync(inherited) ? inherited : mkdtempSync(path.join(base, rootPrefix));
  if (root !== inherited) {
    // Other accounts may pass through, not list or add (mkdtemp's 0700 let them do neither): a test
    // run as root runs a command as a second account on a folder it opened to it (keys.test.ts),
    // as /tmp let it. Each test's own mkdtemp folder is still 0700.
    chmodSync(root, 0o711);
    env[rootVariable] = root;
    env[ownerVariable] = String(process.pid);
  }
  Object.assign(env, tmpEnv(root));
  return root;
}

/** A folder inside the run's folder, made if missing (the same one however often the config loads). */
export function runTmpFolder(root: string, name: string): string {
  const folder = path.join(root, name);
  mkdirSync(folder, { recursive: true });
  return folder;
}

/** Runs whose kept folder has been announced, shared by every copy of this module in the process (the config's, globalSetup's). */
const announced: Set<string> = ((globalThis as { [key: symbol]: Set<string> | undefined })[Symbol.for('einthoven.test-tmp.announced')] ??= new Set<string>());

export type FinishOutcome = 'removed' | 'kept' | 'not-owner' | 'gone';

/**
 * Removes the run's folder when this process made it, unless `EINTHOVEN_KEEP_TEST_TMP=1` asks to
 * keep it (its path is then printed once). Called from globalSetup's teardown and on exit, so
 * twice in a normal run: the second call finds it gone.
 */
export function finishRunTmpRoot(env: Env = process.env, print: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): FinishOutcome {
  const root = env[rootVariable];
  if (!root || env[ownerVariable] !== String(process.pid)) return 'not-owner';
  if (!existsSync(root)) return 'gone';
  if (env[keepVariable] === '1') {
    if (!announced.has(root)) print(`${keepVariable}=1: this run's temporary files are kept in ${root}`);
    announced.add(root);
    return 'kept';
  }
  removeTree(root);
  return 'removed';
}

/**
 * rm -rf, also through folders a test left without write or search permission (permission tests
 * chmod folders to 0500 or 0000), which a plain recursive rm cannot empty: those are made the
 * owner's again and the removal tried once more.
 */
export function removeTree(root: string): void {
  // Retries: on Windows a child process that has just exited can still hold a file for a moment.
  const remove = (): void => rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  try {
    remove();
  } catch {
    openFolders(root);
    remove();
  }
}

/** Gives the owner full permission on `folder` and every folder in it (links not followed). */
function openFolders(folder: string): void {
  try {
    if (!lstatSync(folder).isDirectory()) return;
    chmodSync(folder, 0o700);
    for (const name of readdirSync(folder)) openFolders(path.join(folder, name));
  } catch {
    // Gone meanwhile, or another account's: the second removal reports what still cannot go.
  }
}

/**
 * For a vitest config, at load (before the pool forks): the run's folder, made the temp folder of
 * this process and of all it starts, removed by globalSetup's teardown (scripts/test-tmp-teardown.ts)
 * or, where the run stops before that, when this process exits.
 */
export function setUpRunTmpRoot(env: Env = process.env): string {
  // A test file that imports a config (scripts/test-order.test.ts) loads it in a test process,
  // which reads the folder its run made and changes nothing: a folder made there would hide a run
  // that failed to hand its own on (scripts/test-tmp.test.ts checks that it does).
  if (env['VITEST_WORKER_ID'] !== undefined) return env[rootVariable] ?? os.tmpdir();
  const root = useRunTmpRoot(env);
  process.once('exit', () => finishRunTmpRoot());
  return root;
}

/** The config's globalSetup file, which removes the folder when the run ends. */
export const runTmpTeardown = path.join(import.meta.dirname, 'test-tmp-teardown.ts');
