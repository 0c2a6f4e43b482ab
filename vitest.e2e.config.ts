import { defineConfig } from 'vitest/config';
import { runTmpTeardown, setUpRunTmpRoot, tmpEnv } from './scripts/test-tmp';

/**
 * The run's temporary folder, the temp folder of the tests, the browser-mode server, the CLI and
 * Chromium they start, removed when the run ends (scripts/test-tmp.ts; EINTHOVEN_KEEP_TEST_TMP=1 keeps it).
 */
const tmpRoot = setUpRunTmpRoot();

export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    env: tmpEnv(tmpRoot),
    globalSetup: [runTmpTeardown],
  },
});
