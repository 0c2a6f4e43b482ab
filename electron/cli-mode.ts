/**
 * `Einthoven --cli <command> [options]`: the `ecg` command line inside the installed app.
 *
 * The packaged app's runAsNode fuse is off (electron-builder.yml), so a clinic install has no Node to
 * run `npm run ecg` with, and no checkout: without this mode, `ecg audit --verify` and
 * `ecg backup --check/--restore` could not be run where the data lives. This mode runs only the
 * CLI's own commands (the bundle dist-electron/cli.js, inside the asar), never a script
 * given on the command line, so it opens nothing the fuses close.
 */
import { pathToFileURL } from 'node:url';

export const cliSwitch = '--cli';

/**
 * The CLI's arguments when the app was started in CLI mode, else undefined. Everything after
 * `--cli` belongs to the CLI; what comes before it (Electron's own `.` in a checkout,
 * Chromium switches) does not.
 */
export function cliArgsFrom(argv: readonly string[]): string[] | undefined {
  const index = argv.indexOf(cliSwitch);
  return index < 0 ? undefined : argv.slice(index + 1);
}

interface CliBundle {
  runCliProcess(argv: readonly string[]): Promise<number>;
}

function isCliBundle(value: unknown): value is CliBundle {
  return typeof value === 'object' && value !== null && typeof Reflect.get(value, 'runCliProcess') === 'function';
}

/** Loads the CLI bundle and runs it; resolves with the exit code once stdout and stderr are flushed. */
export async function runBundledCli(bundle: string, args: readonly string[]): Promise<number> {
  const loaded: unknown = await import(pathToFileURL(bundle).href);
  if (!isCliBundle(loaded)) throw new Error(`${bundle} does not export runCliProcess`);
  const code = await loaded.runCliProcess(args);
  await Promise.all([process.stdout, process.stderr].map((stream) => new Promise<void>((resolve) => stream.write('', () => resolve()))));
  return code;
}
