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
    // "--limit -1": Node's message runs over three lines and the CLI prints the first ("argument is ambiguous").
    const ambiguous = /^Option '(--[\w-]+)' argument is ambiguous/.exec(message);
    if (ambiguous) throw new EinthovenError('E_VALIDATION', `${ambiguous[1]}: a value starting with '-' is written with '=', as in ${ambiguous[1]}=-1`);
    throw new EinthovenError('E_VALIDATION', message);
  }
}

export interface NumberBounds {
  /** Whole numbers only ('1.5' refused). */
  integer?: boolean;
  min?: number;
  max?: number;
}

/** "from 1 to 1000", "of at least 0", "of at most 1" or nothing: the words a refusal uses for the bounds. */
function boundsText({ min, max }: NumberBounds): string {
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  if (min !== undefined) return ` of at least ${min}`;
  if (max !== undefined) return ` of at most ${max}`;
  return '';
}

/**
 * The one check of a number given on the command line: 'abc', '' (which Number reads as 0), 1.5 where a
 * whole number is asked and values out of bounds are refused naming the flag, never passed on as NaN or 0.
 */
export function checkedNumber(flag: string, text: string, bounds: NumberBounds = {}): number {
  const n = Number(text);
  const bad = text.trim() === '' || !Number.isFinite(n) || (bounds.integer === true && !Number.isInteger(n)) || (bounds.min !== undefined && n < bounds.min) || (bounds.max !== undefined && n > bounds.max);
  if (bad) throw new EinthovenError('E_VALIDATION', `--${flag} must be ${bounds.integer === true ? 'a whole number' : 'a number'}${boundsText(bounds)}, got '${text}'`);
  return n;
}

/** A flag's whole number within [min, max]; 'abc', 1.5 and 1e20 are refused naming the flag. */
export function wholeNumberFlag(flag: string, text: string, min: number, max: number): number {
  return checkedNumber(flag, text, { integer: true, min, max });
}

/** A flag's number within [min, max] (fractions allowed), refused naming the flag otherwise. */
export function numberFlag(flag: string, text: string, min: number, max: number): number {
  return checkedNumber(flag, text, { min, max });
}

/** YYYY-MM-DD naming a day of the calendar: Date.parse alone takes 2024-02-30 for 1 March. */
function isCalendarDay(text: string): boolean {
  const t = Date.parse(`${text}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === text;
}

/** A flag's date as YYYY-MM-DD, a real day (not 2024-13-45 or 2024-02-30). */
export function dateFlag(flag: string, text: string): string {
  if (!isCalendarDay(text)) throw new EinthovenError('E_VALIDATION', `--${flag} must be a date as YYYY-MM-DD (e.g. 2026-11-01), got '${text}'`);
  return text;
}

/** An ISO 8601 date or date-time, normalised to the stored form (UTC, milliseconds) so text comparison is time order. */
export function isoTimeFlag(flag: string, text: string): string {
  const t = Date.parse(text);
  if (!isCalendarDay(text.slice(0, 10)) || Number.isNaN(t)) throw new EinthovenError('E_VALIDATION', `--${flag} must be an ISO 8601 date or time (e.g. 2026-11-01 or 2026-11-01T08:00:00Z), got '${text}'`);
  return new Date(t).toISOString();
}

/** A flag's value among its choices (as the contract's enum lists them), refused naming the flag and the choices. */
export function choiceFlag<const C extends string>(flag: string, text: string | undefined, choices: readonly C[]): C | undefined {
  if (text === undefined) return undefined;
  const choice = choices.find((c) => c === text);
  if (choice === undefined) throw new EinthovenError('E_VALIDATION', `--${flag} must be one of ${choices.join(', ')}, got '${text}'`);
  return choice;
}
