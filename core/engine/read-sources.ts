import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { importLimits } from '../contract/schemas';
import { EinthovenError } from '../errors';
import type { SourceFile } from '../formats/record';

const ignoredNames = new Set(['.DS_Store', 'Thumbs.db', 'desktop.ini']);

/**
 * Reads files and folders (recursively) from disk for the CLI and the bundled samples.
 * Names keep the path as given, so multi-file records pair up by folder.
 */
export function readSourceFiles(paths: readonly string[]): SourceFile[] {
  const out: SourceFile[] = [];
  for (const given of paths) collect(given, out);
  return out;
}

function collect(target: string, out: SourceFile[]): void {
  let stats;
  try {
    stats = statSync(target);
  } catch {
    throw new EinthovenError('E_NOT_FOUND', `${target}: no such file or folder`);
  }
  if (stats.isDirectory()) {
    for (const entry of readdirSync(target).sort()) {
      if (ignoredNames.has(entry) || entry.startsWith('.')) continue;
      collect(path.join(target, entry), out);
    }
    return;
  }
  if (!stats.isFile()) return;
  if (stats.size > importLimits.maxFileBytes) {
    throw new EinthovenError('E_TOO_LARGE', `${target}: ${stats.size} bytes exceeds the ${importLimits.maxFileBytes}-byte limit per file`);
  }
  if (out.length >= importLimits.maxFiles) {
    throw new EinthovenError('E_TOO_LARGE', `more than ${importLimits.maxFiles} files in one import; import folders separately`);
  }
  out.push({ name: target, bytes: new Uint8Array(readFileSync(target)) });
}
