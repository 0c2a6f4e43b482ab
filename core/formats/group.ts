import { detectFormat, type DetectedFormat } from './detect';
import type { SourceFile } from './record';
import { decodeLatin1 } from './text';
import { parseWfdbHeader } from './wfdb/header';

/** A unit of decoding: one record's primary file plus, for WFDB, the signal files it names. */
export type FileGroup =
  | { kind: 'wfdb'; header: SourceFile; files: SourceFile[]; lookup: Map<string, SourceFile> }
  | { kind: 'single'; file: SourceFile; format: DetectedFormat }
  | { kind: 'orphan'; file: SourceFile; reason: 'wfdb-signal' | 'wfdb-companion' | 'unknown' };

const folderOf = (name: string) => (name.includes('/') ? name.slice(0, name.lastIndexOf('/') + 1) : '');
const stemOf = (name: string) => name.replace(/^.*\//, '').replace(/\.[^.]*$/, '');
const normalise = (name: string) => name.replace(/\\/g, '/');

/** Signal file names a header refers to (including the LUDB stem fallback), best effort. */
function signalNamesOf(header: SourceFile): string[] {
  try {
    const parsed = parseWfdbHeader(header.name, decodeLatin1(header.bytes));
    const stem = stemOf(header.name);
    return parsed.signals.flatMap((s) =>
      s.fileName.startsWith(parsed.recordName) && parsed.recordName !== stem
        ? [s.fileName, stem + s.fileName.slice(parsed.recordName.length)]
        : [s.fileName],
    );
  } catch {
    return []; // the header's own decode reports why it is invalid
  }
}

/**
 * Groups files into records: each WFDB header claims the signal files it names in its own
 * folder; every other recognised file is a record on its own; the rest are orphans.
 */
export function groupFiles(files: readonly SourceFile[]): FileGroup[] {
  const byPath = new Map(files.map((f) => [normalise(f.name), f]));
  const formats = new Map(files.map((f) => [f, detectFormat(f.bytes)]));
  const claimed = new Set<SourceFile>();
  const wfdbStems = new Set<string>();
  const groups = new Map<SourceFile, FileGroup>();
  for (const file of files) {
    if (formats.get(file) !== 'wfdb-header') continue;
    const folder = folderOf(normalise(file.name));
    const lookup = new Map<string, SourceFile>();
    for (const name of signalNamesOf(file)) {
      const signal = byPath.get(folder + name);
      if (signal && signal !== file) {
        lookup.set(name, signal);
        claimed.add(signal);
      }
    }
    wfdbStems.add(folder + stemOf(file.name));
    groups.set(file, { kind: 'wfdb', header: file, files: [file, ...new Set(lookup.values())], lookup });
  }
  const result: FileGroup[] = [];
  for (const file of files) {
    const group = groups.get(file);
    if (group) result.push(group);
    else if (claimed.has(file)) continue;
    else {
      const format = formats.get(file);
      if (format && format !== 'wfdb-header') result.push({ kind: 'single', file, format });
      else if (wfdbStems.has(folderOf(normalise(file.name)) + stemOf(file.name))) result.push({ kind: 'orphan', file, reason: 'wfdb-companion' });
      else result.push({ kind: 'orphan', file, reason: /\.(dat|mat|xyz|d\d+)$/i.test(file.name) ? 'wfdb-signal' : 'unknown' });
    }
  }
  return result;
}
