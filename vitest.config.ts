import os from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Test files run in as many forks as the machine has cores, at most 8. vitest's own default is
 * one fewer than the cores, which on CI's 2-core machine is a single fork: the whole suite ran
 * serially on one core while the other idled (the webgpu parity suite is split in two files for
 * exactly this). Beyond 8, forks holding TensorFlow.js models cost memory more than they save time.
 */
const forks = Math.max(2, Math.min(8, os.availableParallelism()));

export default defineConfig({
  test: {
    include: ['core/**/*.test.ts', 'electron/**/*.test.ts', 'renderer/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: forks,
  },
});
