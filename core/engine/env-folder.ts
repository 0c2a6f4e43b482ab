import path from 'node:path';

/**
 * An environment variable's folder where it is an absolute path on `platform`, else undefined.
 * An empty or relative value (`XDG_DATA_HOME=`, `APPDATA=data`) would put the database under
 * whatever folder the command was started in; the XDG Base Directory specification says to
 * ignore such values, and the same holds for APPDATA and HOME.
 */
export function absoluteOrUndefined(value: string | undefined, platform: string): string | undefined {
  if (!value) return undefined;
  return (platform === 'win32' ? path.win32 : path.posix).isAbsolute(value) ? value : undefined;
}
