import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';

/** `target`'s real path through its nearest existing parent (symbolic links resolved there), the rest as given. */
export function realOfNearestExisting(target: string): string {
  const resolved = path.resolve(target);
  if (existsSync(resolved)) return realpathSync.native(resolved);
  const parent = path.dirname(resolved);
  return parent === resolved ? resolved : path.join(realOfNearestExisting(parent), path.basename(resolved));
}
