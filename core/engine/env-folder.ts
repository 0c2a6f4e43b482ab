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
 * Refuses an environment variable that chooses the data folder where its value names no one
 * folder wherever a process starts (fullyAbsolute): the app started from one folder or drive and
 * an ecg command run from another opened two databases and two audit trails, as a site policy's
 * dataDir once did. Names the variable, its value and why.
 */
export function refuseNotOneFolder(variable: string, value: string, platform: string): void {
  if (fullyAbsolute(value, platform)) return;
  const wanted = platform === 'win32' ? 'a drive letter with its backslash (D:\\Einthoven) or \\\\server\\share' : 'a path starting with /';
  throw new EinthovenError('E_VALIDATION', `${variable} is ${JSON.stringify(value)}, ${notOneFolderWhy(value, platform)}: the data folder would differ from process to process; set it to ${wanted}`);
}

/**
 * An OS folder variable (APPDATA, LOCALAPPDATA, USERPROFILE, XDG_DATA_HOME, HOME) the data
 * folder is made under: undefined where empty or relative, ignored as the XDG rule says
 * (absoluteOrUndefined); refused where path.win32 takes it for absolute yet it is on no drive
 * (\Users\u), which put the database on whichever drive the process started from.
 */
export function osFolder(variable: string, env: NodeJS.ProcessEnv, platform: string): string | undefined {
  const folder = absoluteOrUndefined(env[variable], platform);
  if (folder !== undefined) refuseNotOneFolder(variable, folder, platform);
  return folder;
}
