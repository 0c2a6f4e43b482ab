import path from 'node:path';
import { EinthovenError } from '../errors';

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

/**
 * Why `value` (not fullyAbsolute) is no one folder on `platform`, in words for its refusal: on
 * Windows a path on no drive is on whichever drive a process starts from, and one on a drive
 * without its backslash (C:Einthoven) under that drive's current folder, which each process has.
 */
function notOneFolderWhy(value: string, platform: string): string {
  if (platform === 'win32' && /^[\\/]/.test(value)) return 'a path without a drive, on whichever drive each process starts from';
  if (platform === 'win32' && /^[A-Za-z]:/.test(value)) return `relative to the current folder of drive ${value.slice(0, 2)}, which each process has its own of`;
  return 'relative to the folder each process starts in';
}

/**
 * Refuses an environment variable that chooses the data folder or the site policy file where its
 * value names no one place wherever a process starts (fullyAbsolute): the app started from one
 * folder or drive and an ecg command run from another opened two databases and two audit trails
 * (or were governed by two policies), as a site policy's dataDir once did. Names the variable, its
 * value, why, and `what` would differ.
 */
export function refuseNotOneFolder(variable: string, value: string, platform: string, what = 'the data folder'): void {
  if (fullyAbsolute(value, platform)) return;
  const wanted = platform === 'win32' ? 'a drive letter with its backslash (D:\\Einthoven) or \\\\server\\share' : 'a path starting with /';
  throw new EinthovenError('E_VALIDATION', `${variable} is ${JSON.stringify(value)}, ${notOneFolderWhy(value, platform)}: ${what} would differ from process to process; set it to ${wanted}`);
}

/**
 * An OS folder variable (APPDATA, LOCALAPPDATA, USERPROFILE, ProgramData, XDG_DATA_HOME, HOME)
 * a folder of the app's is found under; undefined where unset or empty (the platform's default
 * then). On Linux and macOS a relative value is ignored as the XDG Base Directory rule says
 * (absoluteOrUndefined). Windows has no such rule, and every value that is no one folder is
 * refused, naming it (refuseNotOneFolder): one on no drive (\Users\u) put the database on whichever
 * drive the process started from, and a relative one (Local, C:Local) set by IT was silently
 * replaced by a different folder than the one it named.
 */
export function osFolder(variable: string, env: NodeJS.ProcessEnv, platform: string, what?: string): string | undefined {
  const value = env[variable];
  if (!value) return undefined;
  if (platform !== 'win32') return absoluteOrUndefined(value, platform);
  refuseNotOneFolder(variable, value, platform, what);
  return value;
}
