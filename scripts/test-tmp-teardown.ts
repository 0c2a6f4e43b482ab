import { finishRunTmpRoot } from './test-tmp';

/**
 * vitest's globalSetup for both configs: removes the run's temporary folder (scripts/test-tmp.ts)
 * once every test file has finished, failed ones included. The configs also remove it on exit,
 * for a run that stops before globalSetup (no test files found, a config error).
 */
export function teardown(): void {
  finishRunTmpRoot();
}
