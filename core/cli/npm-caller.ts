import path from 'node:path';
import type { CliIO } from './command';
import { processIO } from './run';

/**
 * The folder `npm run ecg` was called from, where relative paths on its command line are meant:
 * npm starts a script in the package's root whatever folder it was called from, and names that
 * folder in INIT_CWD, so `ecg import ../x` from a subfolder looked for ../x beside the repository.
 * Only for the `ecg` script itself (npm_lifecycle_event): a test run or another script that starts
 * the CLI keeps its own working folder, and the desktop app's `--cli` never comes here.
 */
export function npmCallerFolder(env: NodeJS.ProcessEnv): string | undefined {
  if (env.npm_lifecycle_event !== 'ecg') return undefined;
  const folder = env.INIT_CWD;
  return folder && path.isAbsolute(folder) ? folder : undefined;
}

/**
 * Works in the folder npm was called from (npm-entry.mjs); false, said on stderr, where it has
 * gone since: carrying on in the repository's root would take relative paths to mean files there.
 */
export function enterNpmCallerFolder(env: NodeJS.ProcessEnv = process.env, io: CliIO = processIO): boolean {
  const folder = npmCallerFolder(env);
  if (folder === undefined) return true;
  try {
    process.chdir(folder);
    return true;
  } catch (error) {
    io.stderr(`ecg: cannot work in ${folder}, the folder npm was called from: ${(error as Error).message}`);
    return false;
  }
}
