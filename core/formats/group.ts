import { detectFormat, type DetectedFormat } from './detect';
import type { SourceFile } from './record';
import { decodeLatin1 } from './text';
import { parseWfdbHeader, type WfdbHeader } from './wfdb/header';
import { segmentHeaderNames } from './wfdb/segments';

/** A unit of decoding: one record's primary file plus, for WFDB, the signal files it names. */
export type FileGroup =
  | { kind: 'wfdb'; header: SourceFile; files: SourceFile[]; lookup: Map<string, SourceFile>; parsed?: WfdbHeader }
  | { kind: 'single'; file: SourceFile; format: DetectedFormat }
  | { kind: 'orphan'; file: SourceFile; reason: 'wfdb-signal' | 'wfdb-companion' | 'unknown' };

const folderOf = (name: string) => (name.includes('/') ? name.slice(0, name.lastIndexOf('/') + 1) : '');
const stemOf = (name: string) => name.replace(/^.*\//, '').replace(/\.[^.]*$/, '');
const normalise = (name: string) => name.replace(/\\/g, '/');

function parseHeader(header: SourceFile): WfdbHeader | undefined {
  try {
    return parseWfdbHeader(header.name, decodeLatin1(header.bytes));
  } catch {
    return undefined; // the header's own decode reports why it is invalid
  }
}

/** Signal file names a header refers to (including the LUDB stem fallback). */
function signalNamesOf(header: SourceFile, parsed: WfdbHeader): string[] {
  const stem = stemOf(header.name);
  return parsed.signals.flatMap((s) =>
    s.fileName.startsWith(parsed.recordName) && parsed.recordName !== stem ? [s.fileName, stem + s.fileName.slice(parsed.recordName.length)] : [s.fileName],
  );
}

/**
 * The files one header needs, by the names it uses for them: its signal files, or for a
 * multi-segment master, its segment headers and their signal files (one level deep).
 */
function wfdbLookup(header: SourceFile, parsed: WfdbHeader | undefined, byPath: ReadonlyMap<string, SourceFile>): Map<string, SourceFile> {
  const lookup = new Map<string, SourceFile>();
  if (!parsed) return lookup;
  const folder = folderOf(normalise(header.name));
  const add = (name: string) => {
    const file = byPath.get(folder + name);
    if (file && file !== header) lookup.set(name, file);
    return file;
  };
  if (!parsed.segments) {
    for (const name of signalNamesOf(header, parsed)) add(name);
    return lookup;
  }
  for (const name of segmentHeaderNames(parsed)) {
    const segment = add(name);
    const segmentParsed = segment ? parseHeader(segment) : undefined;
    if (segment && segmentParsed && !segmentParsed.segments) for (const signal of signalNamesOf(segment, segmentParsed)) add(signal);
  }
  return lookup;
}

/**
 * Groups files into records: each WFDB header claims the files it names in its own folder (a
 * multi-segment master claims its segment headers too, which then are no records of their
 * own); every other recognised file is a record on its own; the rest are orphans.
 */
export function groupFiles(files: readonly SourceFile[]): FileGroup[] {
  const byPath = new Map(files.map((f) => [normalise(f.name), f]));
  const formats = new Map(files.map((f) => [f, detectFormat(f.bytes)]));
  const headers = files.filter((f) => formats.get(f) === 'wfdb-header').map((file) => ({ file, parsed: parseHeader(file) }));
  const claimed = new Set<SourceFile>();
  const wfdbStems = new Set<string>();
  const groups = new Map<SourceFile, Extract<FileGroup, { kind: 'wfdb' }>>();
  // Masters first, so that the segment headers they claim do not become records themselves.
  const ordered = [...headers.filter((h) => h.parsed?.segments), ...headers.filter((h) => !h.parsed?.segments)];
  for (const { file, parsed } of ordered) {
    if (claimed.has(file)) continue;
    const lookup = wfdbLookup(file, parsed, byPath);
    for (const member of lookup.values()) claimed.add(member);
    wfdbStems.add(folderOf(normalise(file.name)) + stemOf(file.name));
    groups.set(file, { kind: 'wfdb', header: file, files: [file, ...new Set(lookup.values())], lookup, ...(parsed ? { parsed } : {}) });
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
