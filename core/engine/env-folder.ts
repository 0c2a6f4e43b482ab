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

/**
 * Whether `value` names one folder wherever a process starts on `platform`. On Windows a path
 * starting with one backslash (`\Einthoven`) counts as absolute to path.win32, yet it is on the
 * current drive, which a process started from D: takes as D:\Einthoven: only a drive letter with
 * its separator (`C:\`) or a UNC or device path (`\\server\share`, `\\?\C:\`) is one folder.
 */
export function fullyAbsolute(value: string, platform: string): boolean {
  if (platform !== 'win32') return path.posix.isAbsolute(value);
  return /^[A-Za-z]:[\\/]/.test(value) || /^[\\/]{2}[^\\/]/.test(value);
}
