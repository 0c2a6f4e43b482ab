import os from 'node:os';
import { defineConfig } from 'vitest/config';
import { SlowestFirstSequencer } from './scripts/test-order';
import { runTmpFolder, runTmpTeardown, setUpRunTmpRoot, tmpEnv } from './scripts/test-tmp';

/**
 * Test files run in as many forks as the machine has cores, at most 8. vitest's own default is
 * one fewer than the cores, which on CI's 2-core machine is a single fork: the whole suite ran
 * serially on one core while the other idled (the webgpu parity suite is split in two files for
 * exactly this). Beyond 8, forks holding TensorFlow.js models cost memory more than they save time.
 */
const forks = Math.max(2, Math.min(8, os.availableParallelism()));

/**
 * The run's temporary folder, the temp folder (os.tmpdir()) of every test process and of what it
 * starts, removed when the run ends: the test files' mkdtemp folders used to stay in /tmp after
 * every run (scripts/test-tmp.ts). EINTHOVEN_KEEP_TEST_TMP=1 keeps it and prints where it is.
 */
const tmpRoot = setUpRunTmpRoot();

/**
 * The user's own data folder ($XDG_DATA_HOME/einthoven, else ~/.local/share/einthoven) is never the
 * suite's: a test that opens the default folder (a CLI command run without --data-dir, `evaluate
 * --record`) wrote into it, so `npm test` on a workstation in use added to its database and audit
 * trail. Every test, and every process it starts with the inherited environment, gets an empty one
 * (and a developer's own EINTHOVEN_DATA_DIR is not inherited).
 */
const testDataHome = runTmpFolder(tmpRoot, 'data-home');

/** Every unit-test file; the e2e files have their own config (vitest.e2e.config.ts). */
export const unitTestFiles = ['core/**/*.test.ts', 'electron/**/*.test.ts', 'renderer/**/*.test.ts', 'scripts/**/*.test.ts'];

/**
 * Files that need a process of their own, as vitest gives every file by default. The others share
 * their fork's loaded modules (isolate: false): loading each file's modules afresh (zod, the
 * contract, TensorFlow.js, the engine) was about half a second of CPU per file, 226 s of the
 * suite's import time on CI's 2 cores. A module's state then outlives its file: a backend started
 * by one file and switched by the next made a third's wasm training run on cpu (ensureBackend now
 * checks). These two measure memory, which a long-lived fork changes: a child process's peak RSS
 * starts at its parent's (Linux's ru_maxrss), and the training-step peak counts the backend's
 * tensors. A test that changes global state it cannot restore belongs here too.
 */
export const ownProcessFiles = ['core/formats/reproducers.test.ts', 'core/train/memory-estimate.test.ts'];

const common = {
  environment: 'node',
  testTimeout: 60_000,
  hookTimeout: 60_000,
  pool: 'forks',
  maxWorkers: forks,
  env: { ...tmpEnv(tmpRoot), XDG_DATA_HOME: testDataHome, EINTHOVEN_DATA_DIR: '' },
} as const;

export default defineConfig({
  test: {
    // The slow files first, so that no long one starts last while the other cores idle (scripts/test-order.ts).
    sequence: { sequencer: SlowestFirstSequencer },
    // The root project's globalSetup runs once for the whole run, whichever projects run.
    globalSetup: [runTmpTeardown],
    projects: [
      { test: { ...common, name: 'unit', include: unitTestFiles, exclude: ownProcessFiles, isolate: false } },
      { test: { ...common, name: 'unit-own-process', include: ownProcessFiles, isolate: true } },
    ],
  },
});
