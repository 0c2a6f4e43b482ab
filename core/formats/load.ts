import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { EinthovenError } from '../errors';
import { detectFormat } from './detect';
import { limits } from './limits';
import type { SourceFile } from './record';
import { decodeLatin1 } from './text';
import { parseWfdbHeader } from './wfdb/header';
import { segmentHeaderNames } from './wfdb/segments';

function readSource(filePath: string, name: string): SourceFile {
  let size: number;
  try {
    size = statSync(filePath).size;
  } catch {
    throw new EinthovenError('E_NOT_FOUND', `${name}: no such file`);
  }
  if (size > limits.maxFileBytes) throw new EinthovenError('E_TOO_LARGE', `${name}: ${size} bytes exceed the limit of ${limits.maxFileBytes}`);
  return { name, bytes: new Uint8Array(readFileSync(filePath)) };
}

/** Signal files a WFDB header names, found beside it (with the LUDB stem fallback); for a multi-segment master, its segment headers and theirs. */
function wfdbSiblings(filePath: string, header: SourceFile, depth = 0): string[] {
  try {
    const parsed = parseWfdbHeader(header.name, decodeLatin1(header.bytes));
    const dir = path.dirname(filePath);
    const stem = path.basename(filePath).replace(/\.[^.]*$/, '');
    const names = parsed.segments
      ? segmentHeaderNames(parsed)
      : parsed.signals.flatMap((s) => [s.fileName, stem + s.fileName.slice(parsed.recordName.length)]);
    const present = new Set(readdirSync(dir));
    const found = [...new Set(names)].filter((n) => present.has(n) && !n.includes('/')).map((n) => path.join(dir, n));
    if (!parsed.segments || depth > 0) return found;
    return found.flatMap((segment) => [segment, ...wfdbSiblings(segment, { name: segment, bytes: new Uint8Array(readFileSync(segment)) }, 1)]);
  } catch {
    return [];
  }
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
