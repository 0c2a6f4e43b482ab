import { EinthovenError, toErrorInfo, type ErrorInfo } from '../errors';
import type { CsvQuestion } from './csv/options';
import { CsvOptionsNeeded } from './csv/read';
import { groupFiles, type FileGroup } from './group';
import { limits } from './limits';
import type { EcgRecord, SourceFile } from './record';
import { readSingleFile, type DecodeOptions } from './readers';
import { readWfdb } from './wfdb/segments';

export type { DecodeOptions } from './readers';
export type { CsvNeed, CsvOptions, CsvQuestion } from './csv/options';

export type DecodeOutcome =
  | { ok: true; files: string[]; record: EcgRecord }
  /**
   * `csvQuestion`: a CSV that needs fs/units/lead names (the import asks and retries).
   * `unexpected` names a JavaScript error (RangeError, TypeError…) a reader let escape instead
   * of a typed error: a bug the fuzzer counts.
   */
  | { ok: false; files: string[]; error: ErrorInfo; csvQuestion?: CsvQuestion; unexpected?: string };

function orphanError(group: Extract<FileGroup, { kind: 'orphan' }>): EinthovenError {
  const name = group.file.name;
  if (group.file.bytes.length === 0) return new EinthovenError('E_FORMAT', `${name}: empty file`);
  if (group.reason === 'wfdb-signal') {
    return new EinthovenError('E_NOT_FOUND', `${name}: looks like a WFDB signal file but no .hea header naming it was given`);
  }
  if (group.reason === 'wfdb-companion') {
    return new EinthovenError('E_UNSUPPORTED', `${name}: a companion file of a WFDB record (annotations or similar) that holds no signal the header names; skipped`);
  }
  return new EinthovenError('E_FORMAT', `${name}: not a recognised ECG file format`);
}

function decodeGroup(group: FileGroup, options: DecodeOptions): EcgRecord {
  for (const file of group.kind === 'wfdb' ? group.files : [group.file]) {
    if (file.bytes.length > limits.maxFileBytes) {
      throw new EinthovenError('E_TOO_LARGE', `${file.name}: ${file.bytes.length} bytes exceed the limit of ${limits.maxFileBytes}`);
    }
  }
  if (group.kind === 'wfdb') return readWfdb(group.header, (name) => group.lookup.get(name), group.parsed);
  if (group.kind === 'single') return readSingleFile(group.file, group.format, options);
  throw orphanError(group);
}

/** Decodes one group of groupFiles; never throws for bad input (see decodeFiles). */
export function decodeFileGroup(group: FileGroup, options: DecodeOptions = {}): DecodeOutcome {
  const names = (group.kind === 'wfdb' ? group.files : [group.file]).map((f) => f.name);
  try {
    return { ok: true, files: names, record: decodeGroup(group, options) };
  } catch (error) {
    const info = toErrorInfo(error);
    // A RangeError or similar from a corrupt file is still the file's fault, not ours.
    const code = info.code === 'E_INTERNAL' ? 'E_FORMAT' : info.code;
    const message = info.message.startsWith(names[0] ?? '') ? info.message : `${names[0]}: ${info.message}`;
    const unexpected = error instanceof EinthovenError ? undefined : error instanceof Error ? error.name : typeof error;
    const csvQuestion = error instanceof CsvOptionsNeeded ? error.question : undefined;
    return { ok: false, files: names, error: { code, message }, ...(csvQuestion ? { csvQuestion } : {}), ...(unexpected ? { unexpected } : {}) };
  }
}

export { groupFiles, type FileGroup } from './group';

/**
 * Groups the given files into records (a WFDB .hea with its .dat/.mat/other signal files;
 * every other format one file = one record), detects each format by content (not extension),
 * decodes. Never throws for bad input: a bad file becomes an ok:false outcome naming the file
 * and why. Files that belong to no record (e.g. a .dat whose .hea is absent) are reported as
 * ok:false too.
 */
export function decodeFiles(files: readonly SourceFile[], options: DecodeOptions = {}): DecodeOutcome[] {
  return groupFiles(files).map((group) => decodeFileGroup(group, options));
}
