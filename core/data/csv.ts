import { readFile, stat } from 'node:fs/promises';
import Papa from 'papaparse';
import { EinthovenError } from '../errors';

/** Largest label/metadata table we read (PTB-XL's full database is ~8 MB). */
const maxTableBytes = 256 * 1024 * 1024;

/**
 * The text of a table file, its byte-order mark left out, read only once it is known to be a regular
 * file within the size limit: a caller that needs the text before parsing it (hospital.ts, for its
 * delimiter) reads it here, never around these checks.
 */
export async function readTableText(file: string): Promise<string> {
  try {
    // Kind and size before a byte is read: the size was checked on what had been read whole, so a
    // large file took its size in memory first, and a device or a pipe (size 0 to stat) never ended.
    const info = await stat(file);
    if (!info.isFile()) throw new EinthovenError('E_VALIDATION', `${file}: not a regular file (a folder, device, pipe or socket); nothing was read from it`);
    if (info.size > maxTableBytes) throw new EinthovenError('E_TOO_LARGE', `${file}: ${info.size} bytes is too large for a label table`);
    const bytes = await readFile(file);
    return bytes.toString('utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    if (error instanceof EinthovenError) throw error;
    throw new EinthovenError('E_NOT_FOUND', `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Parses the text of a delimited table with a header row (read by readTableText from `file`) into records of strings. */
export function parseTable(text: string, file: string, delimiter?: string): Record<string, string>[] {
  const parsed = Papa.parse<Record<string, string>>(text, {
    header: true,
    skipEmptyLines: true,
    ...(delimiter ? { delimiter } : {}),
    transformHeader: (h) => h.trim(),
  });
  const fatal = parsed.errors.find((e) => e.type !== 'FieldMismatch' && e.code !== 'UndetectableDelimiter');
  if (fatal) throw new EinthovenError('E_FORMAT', `${file}: row ${fatal.row ?? '?'}: ${fatal.message}`);
  return parsed.data;
}

/** Reads a delimited text table with a header row into records of strings. */
export async function readTable(file: string, delimiter?: string): Promise<Record<string, string>[]> {
  return parseTable(await readTableText(file), file, delimiter);
}

/** A required column value, or E_FORMAT naming the file, row and column. */
export function requireField(row: Record<string, string>, column: string, where: string): string {
  const value = row[column];
  if (value === undefined || value.trim() === '') throw new EinthovenError('E_FORMAT', `${where}: missing value in column '${column}'`);
  return value.trim();
}
