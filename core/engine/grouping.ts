import path from 'node:path';
import type { SourceFile } from '../formats/record';

/**
 * Splits an import into small independent batches so that progress, cancel and failure
 * isolation work per record: files sharing a folder and a stem (`00001_hr.hea` +
 * `00001_hr.dat`, `binformats.hea` + `binformats.d0…d9`) travel together; the readers
 * then pair them for real. Order follows the caller's order of first appearance.
 */
export function groupByRecordStem(files: readonly SourceFile[]): SourceFile[][] {
  const groups = new Map<string, SourceFile[]>();
  for (const file of files) {
    const normalised = file.name.replaceAll('\\', '/');
    const dir = path.posix.dirname(normalised);
    const base = path.posix.basename(normalised);
    const dot = base.indexOf('.');
    const stem = dot > 0 ? base.slice(0, dot) : base;
    const key = `${dir}/${stem}`;
    const group = groups.get(key);
    if (group) group.push(file);
    else groups.set(key, [file]);
  }
  return [...groups.values()];
}
