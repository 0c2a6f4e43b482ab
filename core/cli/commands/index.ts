import type { CliCommand } from '../command';
import { convertCommand } from './convert';
import { importCommand } from './import';
import { inspectCommand } from './inspect';
import { listCommand } from './list';

/**
 * Every command the `ecg` CLI knows, in the order `ecg --help` lists them.
 * Add a command by writing core/cli/commands/<name>.ts and listing it here.
 */
export const commands: readonly CliCommand[] = [
  importCommand,
  listCommand,
  inspectCommand,
  convertCommand,
];
