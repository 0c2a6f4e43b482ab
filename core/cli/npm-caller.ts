import path from 'node:path';
import type { CliIO } from './command';
import { textColumn } from './text-column';

/** The package.json scripts that take paths on their command line: `ecg` (the CLI) and `bench`. */
export type NpmScript = 'ecg' | 'bench';

/**
 * The folder `npm run <script>` was called from, where relative paths on its command line are
 * meant: npm starts a script in the package's root whatever folder it was called from, and names
 * that folder in INIT_CWD, so `ecg import ../x` from a subfolder looked for ../x beside the repository.
 * Only for that script itself (npm_lifecycle_event): a test run or another script that starts
 * the CLI keeps its own working folder, and the desktop app's `--cli` never comes here.
 */
export function npmCallerFolder(script: NpmScript, env: NodeJS.ProcessEnv): string | undefined {
  if (env.npm_lifecycle_event !== script) return undefined;
  const folder = env.INIT_CWD;
  return folder && path.isAbsolute(folder) ? folder : undefined;
}

/** stderr alone, written here rather than through run.ts's processIO, which would load every CLI command into `bench`. */
const processStderr: Pick<CliIO, 'stderr'> = { stderr: (text) => process.stderr.write(`${text}\n`) };

/**
 * Works in the folder npm was called from (npm-entry.mjs for `ecg`, scripts/bench/main.ts for
 * `bench`); false, said on stderr, where it has gone since: carrying on in the repository's root
 * would take relative paths to mean files there.
 */
export function enterNpmCallerFolder(script: NpmScript, env: NodeJS.ProcessEnv = process.env, io: Pick<CliIO, 'stderr'> = processStderr): boolean {
  const folder = npmCallerFolder(script, env);
  if (folder === undefined) return true;
  try {
    process.chdir(folder);
    return true;
  } catch (error) {
    // The folder (and node's message, which names it again) is any name a folder can have: escaped as every error line is.
    io.stderr(`${script}: cannot work in ${textColumn(folder)}, the folder npm was called from: ${textColumn((error as Error).message)}`);
    return false;
  }
}
