import { toErrorInfo, type ErrorInfo } from '../errors';
import { initFlac } from '../formats/wfdb/flac';
import type { CliCommand, CliIO } from './command';
import { commands } from './commands/index';
import { textColumn } from './text-column';

/** The process's own streams, each message ended by one newline. */
export const processIO: CliIO = {
  stdout: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  stderr: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

function globalHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: ecg <command> [options]',
    '',
    'Einthoven engine, headless. Research use only.',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `ecg <command> --help` for a command\'s options.',
  ].join('\n');
}

/**
 * 2 for a usage error; 130 (the shell's code for SIGINT) for a job the user cancelled that kept
 * nothing, so a script can tell Ctrl-C from a failure; 1 for any other error.
 */
function exitCodeOf(code: ErrorInfo['code']): number {
  if (code === 'E_VALIDATION') return 2;
  return code === 'E_CANCELLED' ? 130 : 1;
}

/** `ecg models promote --help` is promote's usage, not `ecg models`' (whose listing options promote does not take). */
export function usageOf(command: CliCommand, first: string | undefined): string {
  const subcommands = command.subcommandUsage ?? {};
  return first !== undefined && Object.hasOwn(subcommands, first) ? (subcommands[first] as string) : command.usage;
}

/** Runs one command line (without the program's name); returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(globalHelp());
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr(`ecg: unknown command '${textColumn(name)}' (try 'ecg --help')`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(usageOf(command, rest[0]));
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    const info = toErrorInfo(error);
    // A message quotes what it was given (an argument, a file's or a header's name), whoever wrote it.
    io.stderr(`ecg ${name}: ${info.code}: ${textColumn(info.message.split('\n')[0] ?? '')}`);
    return exitCodeOf(info.code);
  }
}

/**
 * `ecg list | head`: once the reader has gone, the next write fails with EPIPE. Unhandled, that error
 * went to the wasm backend's uncaught-exception handler, which printed its whole module source. The
 * reader asked for no more, so the command ends there, as a shell tool does.
 */
function endQuietlyWhenOutputCloses(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
}

/**
 * The whole CLI on the process's streams: `npm run ecg` (core/cli/main.ts) and the desktop app's
 * `--cli` mode (electron/cli-mode.ts, through the bundle dist-electron/cli.js) both run this.
 * The FLAC decoder (WFDB 508/516/524) starts asynchronously, once, before any command decodes.
 */
export async function runCliProcess(argv: readonly string[]): Promise<number> {
  endQuietlyWhenOutputCloses();
  try {
    await initFlac();
    return await runCli(argv);
  } catch (error) {
    processIO.stderr(`ecg: ${textColumn(toErrorInfo(error).message)}`);
    return 1;
  }
}
