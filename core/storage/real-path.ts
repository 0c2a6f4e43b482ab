import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';

/** `target`'s real path through its nearest existing parent (symbolic links resolved there), the rest as given. */
export function realOfNearestExisting(target: string): string {
  const resolved = path.resolve(target);
  if (existsSync(resolved)) return realpathSync.native(resolved);
  const parent = path.dirname(resolved);
  return parent === resolved ? resolved : path.join(realOfNearestExisting(parent), path.basename(resolved));
}

/**
 * Whether `target` is `folder` or inside it, by the text of the two (absolute) paths. Judged on
 * the first segment of the relative path, not its first characters: a folder named `..backups`
 * inside `folder` starts with '..' and was taken for one outside it (a backup let into the data
 * folder it copies). An absolute relative path is another drive (Windows).
 */
export function isInside(folder: string, target: string): boolean {
  const relative = path.relative(folder, target);
  return !path.isAbsolute(relative) && relative.split(path.sep)[0] !== '..';
}
