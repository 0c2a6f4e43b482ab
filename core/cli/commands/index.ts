import type { CliCommand } from '../command';
import { importCommand } from './import';
import { listCommand } from './list';

/**
 * Every command the `ecg` CLI knows, in the order `ecg --help` lists them.
 * Add a command by writing core/cli/commands/<name>.ts and listing it here.
 */
export const commands: readonly CliCommand[] = [
  importCommand,
  listCommand,
];
