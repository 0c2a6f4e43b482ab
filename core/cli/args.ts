import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EinthovenError } from '../errors';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Strict argument parsing for commands: unknown flags are an error (a typo must not be
 * silently ignored in a medical tool). Always accepts --help.
 */
export function parseCommandArgs<O extends Options>(args: readonly string[], options: O) {
  try {
    return parseArgs({
      args: [...args],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new EinthovenError('E_VALIDATION', message);
  }
}
