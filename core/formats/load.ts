import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { EinthovenError, toErrorInfo, type ErrorInfo } from '../errors';
import { detectFormat } from './detect';
import { limits } from './limits';
import type { SourceFile } from './record';
import { decodeLatin1 } from './text';
import { parseWfdbHeader } from './wfdb/header';
import { segmentHeaderNames } from './wfdb/segments';

function readSource(filePath: string, name: string): SourceFile {
  let stats: Stats;
  try {
    stats = statSync(filePath);
  } catch {
    throw new EinthovenError('E_NOT_FOUND', `${name}: no such file`);
  }
  // Node's own error for reading a folder names no path ('EISDIR: illegal operation on a directory, read').
  if (stats.isDirectory()) throw new EinthovenError('E_VALIDATION', `${name} is a folder where a file is expected`);
  // A device or a pipe has no size to check against the limit: reading /dev/zero, or a pipe a
  // process keeps writing, took gigabytes until the process died; a pipe with no writer hung.
  if (!stats.isFile()) throw new EinthovenError('E_VALIDATION', `${name}: not a regular file (a device, pipe or socket); nothing was read from it`);
  const size = stats.size;
  if (size > limits.maxFileBytes) throw new EinthovenError('E_TOO_LARGE', `${name}: ${size} bytes exceed the limit of ${limits.maxFileBytes}`);
  return { name, bytes: new Uint8Array(readFileSync(filePath)) };
}

/** The names in a folder: read from the disk, or from a listing a caller asking for many records in one folder keeps. */
export type FolderNames = (dir: string) => ReadonlySet<string>;

const namesOnDisk: FolderNames = (dir) => new Set(readdirSync(dir));

/** Signal files a WFDB header names, found beside it (with the LUDB stem fallback); for a multi-segment master, its segment headers and theirs. */
function wfdbSiblings(filePath: string, header: SourceFile, namesIn: FolderNames = namesOnDisk, depth = 0): string[] {
  try {
    const parsed = parseWfdbHeader(header.name, decodeLatin1(header.bytes));
    const dir = path.dirname(filePath);
    const stem = path.basename(filePath).replace(/\.[^.]*$/, '');
    const names = parsed.segments
      ? segmentHeaderNames(parsed)
      : parsed.signals.flatMap((s) => [s.fileName, stem + s.fileName.slice(parsed.recordName.length)]);
    const present = namesIn(dir);
    const found = [...new Set(names)].filter((n) => present.has(n) && !n.includes('/')).map((n) => path.join(dir, n));
    if (!parsed.segments || depth > 0) return found;
    // Read as every file is, its size checked first: a segment header is a file like any other.
    return found.flatMap((segment) => [segment, ...wfdbSiblings(segment, readSource(segment, segment), namesIn, 1)]);
  } catch {
    return [];
  }
}

/**
 * The files a WFDB header on disk names beside it (wfdbSiblings), as paths: none where the header
 * is no regular file within the WFDB header limit, or does not parse (its decode says why).
 * `namesIn`: the folder's names, where the caller keeps a listing (a labels CSV's rows).
 */
export function wfdbNamedFiles(headerPath: string, namesIn?: FolderNames): string[] {
  const info = statSync(headerPath, { throwIfNoEntry: false });
  if (!info?.isFile() || info.size > limits.maxWfdbHeaderBytes) return [];
  return wfdbSiblings(headerPath, readSource(headerPath, headerPath), namesIn);
}

/**
 * Loads files given on a command line for decodeFiles: each path (names relative to the
 * working directory) plus, for a WFDB header, the signal files it names in its folder.
 */
export function loadFilesForDecoding(paths: readonly string[]): SourceFile[] {
  const byName = new Map<string, SourceFile>();
  const add = (filePath: string) => {
    const name = path.relative(process.cwd(), path.resolve(filePath)).split(path.sep).join('/');
    if (byName.has(name)) return byName.get(name)!;
    const file = readSource(filePath, name);
    byName.set(name, file);
    return file;
  };
  for (const filePath of paths) {
    const file = add(filePath);
    if (detectFormat(file.bytes) === 'wfdb-header') for (const sibling of wfdbSiblings(filePath, file)) add(sibling);
  }
  return [...byName.values()];
}

/** A path given on a command line that could not be read, reported like a file that could not be decoded. */
export interface UnreadablePath {
  file: string;
  error: ErrorInfo;
}

/** The reporter prints the path before the error: a message that begins with it too ("nope.hea: no such file") would say it twice. */
function withoutName(error: ErrorInfo, given: string): ErrorInfo {
  const prefixes = [given, path.relative(process.cwd(), path.resolve(given)).split(path.sep).join('/'), path.resolve(given)].map((name) => `${name}: `);
  const prefix = prefixes.find((p) => error.message.startsWith(p));
  return prefix ? { ...error, message: error.message.slice(prefix.length) } : error;
}

/**
 * loadFilesForDecoding path by path: a missing file or a folder among many is reported on its own and the
 * others are still read (one bad path must not end a run over a whole list). A file reached twice (a .hea
 * and its .dat both given) is kept once, so a header and its signal file given apart still pair up.
 */
export function loadEachForDecoding(paths: readonly string[]): { sources: SourceFile[]; unreadable: UnreadablePath[] } {
  const sources = new Map<string, SourceFile>();
  const unreadable: UnreadablePath[] = [];
  for (const given of paths) {
    try {
      for (const file of loadFilesForDecoding([given])) if (!sources.has(file.name)) sources.set(file.name, file);
    } catch (error) {
      unreadable.push({ file: given, error: withoutName(toErrorInfo(error), given) });
    }
  }
  return { sources: [...sources.values()], unreadable };
}
