import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Permissions of what holds patient data (the data folder, the database and the files SQLite
 * keeps beside it, backups, and the data folder's exports/, logs/ and keys/) on POSIX: the
 * account's own, never other accounts'. The default umask made them world-readable
 * (-rw-r--r--, drwxr-xr-x) to every account on the workstation.
 * A folder whose group may write was shared on purpose (the site policy's one data folder, which
 * IT gives the readers' group: docs/security.md), so its group keeps read-write there. Windows
 * ignores these modes; a folder's ACL, inherited from its parent, governs it.
 */
export const privateFolderMode = 0o700;
export const privateFileMode = 0o600;

/** The mode for files created in `folder`: owner only, plus the group's read-write where the folder is group-writable. */
export function fileModeIn(folder: string): number {
  return (statSync(folder).mode & 0o020) !== 0 ? privateFileMode | 0o060 : privateFileMode;
}

/** The mode for folders created in `parent`: owner only, plus the group's where `parent` is group-writable (shared on purpose). */
export function folderModeIn(parent: string): number {
  return (statSync(parent).mode & 0o020) !== 0 ? privateFolderMode | 0o070 : privateFolderMode;
}

/**
 * Creates `dir` (and its parents) where missing; `dir` itself, when created here, gets `mode`
 * (owner-only unless said). An existing folder keeps its mode: it is IT's (a shared folder, a
 * backup disk's mount point).
 */
export function makePrivateFolder(dir: string, mode = privateFolderMode): void {
  mkdirSync(path.dirname(dir), { recursive: true });
  try {
    mkdirSync(dir, { mode });
  } catch (error) {
    // A file of that name is no folder: mkdir's EEXIST says so (errors.ts: "… is a file where a folder is expected").
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(dir).isDirectory()) throw error;
    return;
  }
  // mkdir's mode passes through the umask, which only removes bits; set it exactly all the same.
  chmodSync(dir, mode);
}

/**
 * Creates a folder of the data folder (exports/, logs/, keys/) where missing, as private as the
 * data folder: owner-only, or the group's too where IT shares the data folder with the readers'
 * group. The data folder itself is made owner-only where missing. Made by the default umask they
 * were 0755, their files 0644: an identified export (patient name, birth date) was readable by
 * every account that could reach the folder.
 */
export function makeDataSubfolder(dir: string): void {
  makePrivateFolder(path.dirname(dir));
  makePrivateFolder(dir, folderModeIn(path.dirname(dir)));
}

/** Writes `file` created with `mode` from its first byte (by default the mode for files in its folder), an existing one set to it too. */
export function writePrivateFileSync(file: string, data: string | Uint8Array, mode = fileModeIn(path.dirname(file))): void {
  writeFileSync(file, data, { mode });
  chmodSync(file, mode);
}

/** Sets a file the app created to `mode` (by default the mode for files in its folder). */
export function makeFilePrivate(file: string, mode = fileModeIn(path.dirname(file))): void {
  chmodSync(file, mode);
}
