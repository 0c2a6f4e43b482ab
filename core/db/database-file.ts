import { existsSync, statSync } from 'node:fs';
import { EinthovenError } from '../errors';

/**
 * A database file of 0 bytes was lost (a truncating copy, a full disk, a failed restore): SQLite
 * would take it for a new database and migrate it, and the app would show an empty list where the
 * records were. A new file never appears empty under its name (database.ts creates it whole and
 * links it into place), so a 0-byte one is always a loss. Apart from database.ts so that the
 * Electron shell, which resolves the data folder, does not load SQLite.
 */
export function refuseEmptyDatabase(file: string): void {
  refuseNonFileDatabase(file);
  if (existsSync(file) && statSync(file).isFile() && statSync(file).size === 0) {
    throw new EinthovenError('E_IO', `${file} is empty (0 bytes): the database was lost or truncated; restore a backup (ecg backup --restore)`);
  }
}

/**
 * A folder (or a device, pipe or socket) where the database or its write-ahead files belong: SQLite
 * said only 'unable to open database file', naming nothing, or waited on a pipe. Links are
 * followed, as SQLite follows them.
 */
function refuseNonFileDatabase(file: string): void {
  for (const part of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(part) && !statSync(part).isFile()) {
      throw new EinthovenError('E_IO', `${part} is not a regular file (a folder, device, pipe or socket) where the database belongs: move it away, or restore a backup (ecg backup --restore)`);
    }
  }
}
