import { chmodSync, existsSync, lstatSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { privateFileMode, privateFolderMode } from './private-files';
import { counted, wordFor } from '../contract/counted';

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
 *
 * What another account owns (an archive root made and an auditor reads) is not this account's to
 * tighten, and chmod would be refused: it is not tried. Where it is open to other accounts, it is
 * named with its owner (`foreign`), who may close it; where it is not, nothing is said.
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

/** Open to other accounts, owned by another account: not tried, for its owner or IT to close. */
export interface ForeignMode {
  readonly path: string;
  readonly mode: number;
  /** The owner, as `name (uid N)` where the passwd file names it, else `uid N`. */
  readonly owner: string;
}

export interface Tightening {
  readonly changed: readonly ModeChange[];
  readonly failed: readonly ModeFailure[];
  readonly foreign: readonly ForeignMode[];
}

/** What a tightening found, gathered as it goes. */
interface Found {
  readonly changed: ModeChange[];
  readonly failed: ModeFailure[];
  readonly foreign: ForeignMode[];
}

/** What the data folder holds that an earlier version made with the umask's modes. */
const databaseFiles = ['einthoven.sqlite', 'einthoven.sqlite-wal', 'einthoven.sqlite-shm'];
const subfolders = ['exports', 'logs', 'keys'];

export function tightenDataFolder(dataDir: string, platform: string = process.platform, uid: number | undefined = process.getuid?.()): Tightening {
  const found: Found = { changed: [], failed: [], foreign: [] };
  if (platform === 'win32' || !existsSync(dataDir) || !statSync(dataDir).isDirectory() || groupShared(dataDir) || !holdsDatabase(dataDir)) return found;
  const tighten = (target: string, allowed: number) => tightenOne(target, allowed, uid, found);
  tighten(dataDir, privateFolderMode);
  for (const name of databaseFiles) tightenDatabaseFile(path.join(dataDir, name), uid, found);
  for (const name of subfolders) {
    const folder = path.join(dataDir, name);
    const kind = tighten(folder, privateFolderMode);
    if (kind !== 'folder' && kind !== 'foreign folder') continue;
    // Only the files directly inside: a dataset's own folders under exports/ keep their modes,
    // closed to other accounts by exports/ itself (docs/security.md). Another account's folder
    // this account may not list is closed to it: nothing there is this account's to name.
    for (const file of filesIn(folder, kind === 'folder' ? found.failed : [])) tighten(file, privateFileMode);
  }
  return found;
}

/**
 * The database and its write-ahead files are regular files: anything else in their place (a
 * folder named einthoven.sqlite) is no database, and chmod 0600 took from a folder the owner's
 * right to enter it. It is left as it is and named as a failure, for IT to move; opening the
 * database refuses it (database-file.ts).
 */
function tightenDatabaseFile(file: string, uid: number | undefined, found: Found): void {
  let stat;
  try {
    stat = lstatSync(file);
  } catch {
    return; // nothing an earlier version left
  }
  if (stat.isFile()) tightenOne(file, privateFileMode, uid, found);
  else if (!stat.isSymbolicLink()) found.failed.push({ path: file, error: 'not a regular file (a folder, device, pipe or socket) where the database belongs; left as it is' });
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
 * another file, this account's or another's (`uid`: this process's; undefined where there are no
 * owners, and all is taken as this account's).
 */
function tightenOne(target: string, allowed: number, uid: number | undefined, found: Found): 'absent' | 'link' | 'folder' | 'file' | 'foreign folder' | 'foreign file' {
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
  const ours = uid === undefined || stat.uid === uid;
  if (!ours) {
    // Not ours to change, and chmod is refused to all but its owner (and root): named for them.
    if (to !== from) found.foreign.push({ path: target, mode: from, owner: ownerOf(stat.uid) });
    return `foreign ${kind}`;
  }
  if (to === from) return kind;
  try {
    chmodSync(target, to);
    found.changed.push({ path: target, from, to });
  } catch (error) {
    found.failed.push({ path: target, error: messageOf(error) });
  }
  return kind;
}

/**
 * `name (uid N)` from the passwd file, for IT to know whom to ask; `uid N` where it names none (a
 * container, a directory service). Remembered by uid: an archive of thousands of exports has one
 * owner, and its passwd file need not be read once per file.
 */
const owners = new Map<number, string>();
function ownerOf(uid: number): string {
  const known = owners.get(uid) ?? ownerFromPasswd(uid);
  owners.set(uid, known);
  return known;
}

function ownerFromPasswd(uid: number): string {
  try {
    const entry = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .map((line) => line.split(':'))
      .find((fields) => fields[2] === String(uid));
    if (entry?.[0]) return `${entry[0]} (uid ${uid})`;
  } catch {
    // no passwd file to read: the uid alone
  }
  return `uid ${uid}`;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

const octal = (mode: number) => (mode & 0o7777).toString(8).padStart(4, '0');

/** How many names a log line lists before it counts the rest. */
const namesShown = 8;

/** The log's line for a tightening, naming each change relative to the data folder; undefined where nothing changed or failed. */
export function tighteningNote(dataDir: string, { changed, failed, foreign }: Tightening): string | undefined {
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
  if (foreign.length > 0) {
    const owners = [...new Set(foreign.map((f) => f.owner))].join(', ');
    parts.push(
      `${counted(foreign.length, 'permission')} in the data folder ${dataDir} ${wordFor(foreign.length, 'is', 'are')} open to other accounts and owned by ${owners}, not this account, which may not change ${wordFor(foreign.length, 'it', 'them')} ` +
        `(ask ${wordFor(new Set(foreign.map((f) => f.owner)).size, 'the owner', 'the owners')} or IT: chmod go-rwx on each, unless other accounts are meant to read them): ` +
        list(foreign, (f) => `${name(f.path)} ${octal(f.mode)}`),
    );
  }
  return parts.length > 0 ? parts.join('; ') : undefined;
}
