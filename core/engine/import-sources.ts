import { closeSync, openSync, readdirSync, readSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { importLimits } from '../contract/schemas';
import { EinthovenError } from '../errors';
import { detectFormat } from '../formats/detect';
import { groupFiles, type FileGroup } from '../formats/group';
import { limits } from '../formats/limits';
import type { SourceFile } from '../formats/record';
import { decodeLatin1 } from '../formats/text';
import { parseWfdbHeader } from '../formats/wfdb/header';
import { segmentHeaderNames } from '../formats/wfdb/segments';

/**
 * What an import is given, before anything is decoded: files on disk (the CLI, the bundled
 * samples) are only listed and sniffed here — their bytes are read by the decoding worker, one
 * record at a time — and files uploaded by the app arrive with their bytes.
 */
export interface ImportSource {
  /** As reported to the user (path as given, or the name relative to the picked folder). */
  readonly name: string;
  readonly size: number;
  readonly path?: string;
  readonly bytes?: Uint8Array;
  /** A device, pipe or socket where a file was given or found: listed only to be reported skipped, never opened (a FIFO blocks its reader). */
  readonly notRegular?: true;
}

/** One unit of work: a record's files to decode, a file to skip (not an ECG) or one refused outright. */
export type PlannedItem =
  | { readonly kind: 'decode'; readonly files: readonly ImportSource[] }
  | { readonly kind: 'skip'; readonly files: readonly ImportSource[]; readonly reason: string }
  | { readonly kind: 'reject'; readonly files: readonly ImportSource[]; readonly code: 'E_NOT_FOUND' | 'E_FORMAT' | 'E_TOO_LARGE' | 'E_VALIDATION'; readonly reason: string; readonly details: string };

const ignoredNames = new Set(['.DS_Store', 'Thumbs.db', 'desktop.ini']);
/** Bytes enough to recognise any format by content (detectFormat reads at most 4 KiB). */
const sniffBytes = 4096;
const maxHeaderBytes = limits.maxWfdbHeaderBytes;
/**
 * Extensions only ECG files use: an unrecognised file with one of them is an unreadable ECG,
 * not a stray note. (.xml and .csv are also spreadsheets and metadata — PTB-XL's
 * ptbxl_database.csv — so an unrecognised one is skipped as not an ECG record.)
 */
const ecgExtensions = /\.(hea|dat|mat|scp|edf|bdf|dcm|ecg|d\d+)$/i;

function readHead(file: string, length: number): Uint8Array {
  const fd = openSync(file, 'r');
  try {
    const buffer = new Uint8Array(length);
    const read = readSync(fd, buffer, 0, length, 0);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** Walks files and folders (recursively, sorted); a folder reached twice through links is read once. */
export function listSources(paths: readonly string[]): ImportSource[] {
  const out: ImportSource[] = [];
  const seenDirs = new Set<string>();
  const seenFiles = new Set<string>();
  const visit = (target: string, given: boolean): void => {
    let stats;
    try {
      stats = statSync(target);
    } catch (error) {
      // A dangling link inside a folder is skipped; a path the user typed must exist.
      if (given) throw new EinthovenError('E_NOT_FOUND', `${target}: no such file or folder`, { cause: error });
      return;
    }
    const real = realpathSync(target);
    if (stats.isDirectory()) {
      if (seenDirs.has(real)) return; // a symlink loop (or a second link to the same folder): followed once
      seenDirs.add(real);
      for (const entry of readdirSync(target).sort()) {
        if (ignoredNames.has(entry) || entry.startsWith('.')) continue;
        visit(path.join(target, entry), false);
      }
      return;
    }
    if (seenFiles.has(real)) return;
    seenFiles.add(real);
    if (out.length >= importLimits.maxFiles) throw new EinthovenError('E_TOO_LARGE', `more than ${importLimits.maxFiles} files in one import; import folders separately`);
    // Kept without its path, so nothing sniffs or decodes it: the report says it was skipped, and why.
    out.push(stats.isFile() ? { name: target, size: stats.size, path: target } : { name: target, size: 0, notRegular: true });
  };
  for (const given of paths) visit(given, true);
  return out;
}

/**
 * Adds, for each WFDB header given by name, the files it names in its own folder (signal
 * files; a multi-segment master's segment headers and theirs), so `import X.hea` imports X.
 */
export function withWfdbSiblings(sources: readonly ImportSource[]): ImportSource[] {
  const out = [...sources];
  const known = new Set(sources.map((s) => (s.path ? realpathSync(s.path) : s.name)));
  const add = (file: string) => {
    let stats;
    try {
      stats = statSync(file);
    } catch {
      return; // the decode reports the missing file in words
    }
    const real = realpathSync(file);
    if (known.has(real)) return;
    known.add(real);
    // A pipe or device the header names is listed unread, so the record is refused saying what it is rather than called missing.
    if (!stats.isFile()) {
      out.push({ name: file, size: 0, notRegular: true });
      return;
    }
    out.push({ name: file, size: stats.size, path: file });
    return file;
  };
  const addNamedBy = (header: string, depth: number): void => {
    let parsed;
    try {
      parsed = parseWfdbHeader(header, decodeLatin1(readHead(header, maxHeaderBytes)));
    } catch {
      return;
    }
    const dir = path.dirname(header);
    const stem = path.basename(header).replace(/\.[^.]*$/, '');
    const names = parsed.segments ? segmentHeaderNames(parsed) : parsed.signals.flatMap((s) => [s.fileName, stem + s.fileName.slice(parsed.recordName.length)]);
    for (const name of new Set(names)) {
      if (name.includes('/') || name.includes('\\')) continue;
      const added = add(path.join(dir, name));
      if (added && parsed.segments && depth === 0) addNamedBy(added, 1);
    }
  };
  for (const source of sources) {
    if (source.path && source.size <= maxHeaderBytes && detectFormat(readHead(source.path, sniffBytes)) === 'wfdb-header') addNamedBy(source.path, 0);
  }
  return out;
}

/** What grouping sees of a source: its first bytes, or all of a WFDB header (which names the other files); of a pipe or device, its name only. */
function sniffed(source: ImportSource): SourceFile {
  if (source.notRegular) return { name: source.name, bytes: new Uint8Array(0) };
  const head = source.bytes ? source.bytes.subarray(0, sniffBytes) : readHead(source.path as string, sniffBytes);
  if (detectFormat(head) !== 'wfdb-header' || source.size > maxHeaderBytes) return { name: source.name, bytes: head };
  return { name: source.name, bytes: source.bytes ?? readHead(source.path as string, maxHeaderBytes) };
}

function planOrphan(group: Extract<FileGroup, { kind: 'orphan' }>, source: ImportSource): PlannedItem {
  const files = [source];
  if (source.size === 0) return { kind: 'skip', files, reason: 'Empty file: nothing to import.' };
  if (group.reason === 'wfdb-companion') return { kind: 'skip', files, reason: 'Not an ECG signal: an annotation or companion file of a WFDB record beside it.' };
  if (group.reason === 'wfdb-signal') {
    return { kind: 'reject', files, code: 'E_NOT_FOUND', reason: 'Looks like a WFDB signal file, but the header (.hea) that describes it was not given. Import the .hea with it.', details: `${source.name}: no .hea header naming it` };
  }
  if (ecgExtensions.test(source.name)) {
    return { kind: 'reject', files, code: 'E_FORMAT', reason: 'Not a recognised ECG file: its content matches none of the supported formats.', details: `${source.name}: format not recognised by content` };
  }
  return { kind: 'skip', files, reason: 'Not an ECG record (a note, licence, image or other document).' };
}

/**
 * Groups the sources into records by content (a WFDB header claims the files it names) and
 * decides, before any decoding, what is skipped as not being an ECG record at all; a device,
 * pipe or socket is skipped unread, reported after the files, and a record whose header names
 * one is refused saying so (it was called missing, as the decode never saw it).
 */
export function planImport(sources: readonly ImportSource[]): PlannedItem[] {
  const planned = planFiles(sources);
  const notRegularSkip = (item: PlannedItem) => item.kind === 'skip' && item.files.some((file) => file.notRegular);
  return [...planned.filter((item) => !notRegularSkip(item)), ...planned.filter(notRegularSkip)];
}

const notRegularReason = 'Not a regular file (a device, pipe or socket): nothing was read from it.';

/** A WFDB record refused unread where a file its header names is a pipe or device, or undefined. */
function notRegularMember(group: Extract<FileGroup, { kind: 'wfdb' }>, sourceOf: (file: SourceFile) => ImportSource): PlannedItem | undefined {
  const named = [...group.lookup].find(([, file]) => sourceOf(file).notRegular);
  if (!named) return undefined;
  return {
    kind: 'reject',
    files: group.files.map(sourceOf),
    code: 'E_VALIDATION',
    reason: `A file this record needs is not a regular file: ${named[0]}, named in the header, is a device, pipe or socket, and nothing was read from it.`,
    details: `${group.header.name}: ${named[0]} named in the header is not a regular file (a device, pipe or socket); nothing was read from it`,
  };
}

function planFiles(sources: readonly ImportSource[]): PlannedItem[] {
  const bySniffed = new Map<SourceFile, ImportSource>();
  const files = sources.map((source) => {
    let file: SourceFile;
    try {
      file = sniffed(source);
    } catch {
      file = { name: source.name, bytes: new Uint8Array(0) };
    }
    bySniffed.set(file, source);
    return file;
  });
  const sourceOf = (file: SourceFile) => bySniffed.get(file) as ImportSource;
  return groupFiles(files).map((group): PlannedItem => {
    if (group.kind === 'wfdb') return notRegularMember(group, sourceOf) ?? { kind: 'decode', files: group.files.map(sourceOf) };
    if (group.kind === 'single') return { kind: 'decode', files: [sourceOf(group.file)] };
    const source = sourceOf(group.file);
    return source.notRegular ? { kind: 'skip', files: [source], reason: notRegularReason } : planOrphan(group, source);
  });
}

/** Sources from the app's upload (bytes in memory). */
export function uploadedSources(files: readonly { name: string; bytes: Uint8Array }[]): ImportSource[] {
  return files.map((f) => ({ name: f.name, size: f.bytes.byteLength, bytes: f.bytes }));
}
