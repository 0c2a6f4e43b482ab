import { toErrorInfo } from '../errors';
import type { CliIO } from './command';
import { commands } from './commands/index';
import { initFlac } from '../formats/wfdb/flac';

const io: CliIO = {
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

export async function runCli(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(globalHelp());
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr(`ecg: unknown command '${name}' (try 'ecg --help')`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    const info = toErrorInfo(error);
    io.stderr(`ecg ${name}: ${info.code}: ${info.message.split('\n')[0]}`);
    return info.code === 'E_VALIDATION' ? 2 : 1;
  }
}

// The FLAC decoder (WFDB 508/516/524) starts asynchronously, once, before any command decodes.
initFlac()
  .then(() => runCli(process.argv.slice(2)))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`ecg: ${toErrorInfo(error).message}\n`);
      process.exitCode = 1;
    },
  );
