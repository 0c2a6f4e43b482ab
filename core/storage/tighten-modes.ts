import { chmodSync, existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { privateFileMode, privateFolderMode } from './private-files';
import { counted } from '../contract/counted';

/**
 * Tightens, on opening a data folder, what an earlier version left open: it made the data
 * folder 0755, the database 0644, and exports/, logs/ and keys/ 0755 with their files 0644
 * (the default umask), so every account on the workstation could read the database, identified
 * exports and the log. New ones are made owner-only (private-files.ts); existing ones were left
 * as they were, with a chmod for IT to run in docs/security.md. Here they get the modes new ones
 * get, bits only taken away: a folder IT made stricter stays so.
 *
 * A data folder the group may write is IT's shared folder (the site policy's dataDir), whose
 * modes IT set: left alone. Windows ignores these modes (the folder's ACL governs it).
 */

/** One mode taken down, as octal for the log. */
export interface ModeChange {
  readonly path: string;
  readonly from: number;
  readonly to: number;
}

/** A chmod that was refused (a folder or file owned by another account, a read-only mount). */
export interface ModeFailure {
  readonly path: string;
  readonly error: string;
}

export interface Tightening {
  readonly changed: readonly ModeChange[];
  readonly failed: readonly ModeFailure[];
}

/** What the data folder holds that an earlier version made with the umask's modes. */
const databaseFiles = ['einthoven.sqlite', 'einthoven.sqlite-wal', 'einthoven.sqlite-shm'];
const subfolders = ['exports', 'logs', 'keys'];

export function tightenDataFolder(dataDir: string, platform: string = process.platform): Tightening {
  const changed: ModeChange[] = [];
  const failed: ModeFailure[] = [];
  if (platform === 'win32' || !existsSync(dataDir) || !statSync(dataDir).isDirectory() || groupShared(dataDir) || !holdsDatabase(dataDir)) return { changed, failed };
  const tighten = (target: string, allowed: number) => tightenOne(target, allowed, changed, failed);
  tighten(dataDir, privateFolderMode);
  for (const name of databaseFiles) tightenDatabaseFile(path.join(dataDir, name), changed, failed);
  for (const name of subfolders) {
    const folder = path.join(dataDir, name);
    if (tighten(folder, privateFolderMode) !== 'folder') continue;
    // Only the files directly inside: a dataset's own folders under exports/ keep their modes,
    // closed to other accounts by exports/ itself (docs/security.md).
    for (const file of filesIn(folder, failed)) tighten(file, privateFileMode);
  }
  return { changed, failed };
}

/**
 * The database and its write-ahead files are regular files: anything else in their place (a
 * folder named einthoven.sqlite) is no database, and chmod 0600 took from a folder the owner's
 * right to enter it. It is left as it is and named as a failure, for IT to move; opening the
 * database refuses it (database-file.ts).
 */
function tightenDatabaseFile(file: string, changed: ModeChange[], failed: ModeFailure[]): void {
  let stat;
  try {
    stat = lstatSync(file);
  } catch {
    return; // nothing an earlier version left
  }
  if (stat.isFile()) tightenOne(file, privateFileMode, changed, failed);
  else if (!stat.isSymbolicLink()) failed.push({ path: file, error: 'not a regular file (a folder, device, pipe or socket) where the database belongs; left as it is' });
}

/**
 * Whether an earlier version used `dataDir` as a data folder: it made the database there on first
 * opening it. A folder without one is not a data folder (yet), whatever --data-dir named: `ecg audit
 * --data-dir ~` took the home folder to 0700 before saying there was no database there, and `ecg
 * backup --restore` did so to the non-empty folder it then refused. What this version makes there
 * later it makes owner-only itself (private-files.ts).
 */
function holdsDatabase(dataDir: string): boolean {
  return databaseFiles.some((name) => {
    try {
      lstatSync(path.join(dataDir, name));
      return true;
    } catch {
      return false;
    }
  });
}

function groupShared(dataDir: string): boolean {
  return (statSync(dataDir).mode & 0o020) !== 0;
}

function filesIn(folder: string, failed: ModeFailure[]): string[] {
  try {
    return readdirSync(folder, { withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.join(folder, entry.name));
  } catch (error) {
    failed.push({ path: folder, error: messageOf(error) });
    return [];
  }
}

/**
 * Takes away from `target` the permission bits `allowed` lacks, and says what it is: absent, a
 * link (not followed: chmod would change whatever it points at, outside the folder), a folder or
 * another file.
 */
function tightenOne(target: string, allowed: number, changed: ModeChange[], failed: ModeFailure[]): 'absent' | 'link' | 'folder' | 'file' {
  let stat;
  try {
    stat = lstatSync(target);
  } catch {
    return 'absent'; // nothing an earlier version left
  }
  if (stat.isSymbolicLink()) return 'link';
  const kind = stat.isDirectory() ? 'folder' : 'file';
  const from = stat.mode & 0o7777;
  const to = from & (allowed | ~0o777);
  if (to === from) return kind;
  try {
    chmodSync(target, to);
    changed.push({ path: target, from, to });
  } catch (error) {
    failed.push({ path: target, error: messageOf(error) });
  }
  return kind;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

const octal = (mode: number) => (mode & 0o7777).toString(8).padStart(4, '0');

/** How many names a log line lists before it counts the rest. */
const namesShown = 8;

/** The log's line for a tightening, naming each change relative to the data folder; undefined where nothing changed or failed. */
export function tighteningNote(dataDir: string, { changed, failed }: Tightening): string | undefined {
  const name = (target: string) => path.relative(dataDir, target) || '.';
  const list = <T>(items: readonly T[], word: (item: T) => string) =>
    items.slice(0, namesShown).map(word).join(', ') + (items.length > namesShown ? ` and ${items.length - namesShown} more` : '');
  const parts: string[] = [];
  if (changed.length > 0) {
    parts.push(
      `tightened ${counted(changed.length, 'permission')} in the data folder ${dataDir} that an earlier version left open to other accounts: ` +
        list(changed, (c) => `${name(c.path)} ${octal(c.from)} → ${octal(c.to)}`),
    );
  }
  if (failed.length > 0) {
    parts.push(
      `could not tighten ${counted(failed.length, 'permission')} in the data folder ${dataDir} (ask IT: chmod go-rwx on each): ` +
        list(failed, (f) => `${name(f.path)} (${f.error})`),
    );
  }
  return parts.length > 0 ? parts.join('; ') : undefined;
}
