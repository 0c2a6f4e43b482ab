import { EinthovenError, toErrorInfo, type ErrorInfo } from '../errors';
import { groupFiles, type FileGroup } from './group';
import { limits } from './limits';
import type { EcgRecord, SourceFile } from './record';
import { readSingleFile, type DecodeOptions } from './readers';
import { readWfdbRecord } from './wfdb/read';

export type { DecodeOptions } from './readers';
export type { CsvOptions } from './csv/options';

export type DecodeOutcome =
  | { ok: true; files: string[]; record: EcgRecord }
  | { ok: false; files: string[]; error: ErrorInfo };

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
  if (group.kind === 'wfdb') return readWfdbRecord(group.header, (name) => group.lookup.get(name));
  if (group.kind === 'single') return readSingleFile(group.file, group.format, options);
  throw orphanError(group);
}

/**
 * Groups the given files into records (a WFDB .hea with its .dat/.mat/other signal files;
 * every other format one file = one record), detects each format by content (not extension),
 * decodes. Never throws for bad input: a bad file becomes an ok:false outcome naming the file
 * and why. Files that belong to no record (e.g. a .dat whose .hea is absent) are reported as
 * ok:false too.
 */
export function decodeFiles(files: readonly SourceFile[], options: DecodeOptions = {}): DecodeOutcome[] {
  return groupFiles(files).map((group) => {
    const names = (group.kind === 'wfdb' ? group.files : [group.file]).map((f) => f.name);
    try {
      return { ok: true, files: names, record: decodeGroup(group, options) };
    } catch (error) {
      const info = toErrorInfo(error);
      // A RangeError or similar from a corrupt file is still the file's fault, not ours.
      const code = info.code === 'E_INTERNAL' ? 'E_FORMAT' : info.code;
      const message = info.message.startsWith(names[0] ?? '') ? info.message : `${names[0]}: ${info.message}`;
      return { ok: false, files: names, error: { code, message } };
    }
  });
}
