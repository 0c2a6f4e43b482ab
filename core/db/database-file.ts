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
  if (existsSync(file) && statSync(file).isFile() && statSync(file).size === 0) {
    throw new EinthovenError('E_IO', `${file} is empty (0 bytes): the database was lost or truncated; restore a backup (ecg backup --restore)`);
  }
}
