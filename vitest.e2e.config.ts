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
    // expect.poll gives up after 1 s by default. The states the tests poll for (a display filter's
    // tracing, a signed reading, the worklist read again, an export's summary) come after a round trip
    // to the engine, which on a loaded machine (CI, other test runs) takes longer than that: a poll
    // waits as long as Playwright waits for an element (30 s) before the state counts as never coming.
    expect: { poll: { timeout: 30_000 } },
    env: tmpEnv(tmpRoot),
    globalSetup: [runTmpTeardown],
  },
});
