import { existsSync, realpathSync, statSync, type Stats } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { refuseEmptyDatabase } from '../db/database-file';
import { EinthovenError } from '../errors';
import { absoluteOrUndefined, osFolder, refuseNotOneFolder } from './env-folder';
import { policyFileLocation, readPolicyFile } from './site-policy';

/**
 * Where the database and models live, by precedence: an explicit flag, the
 * EINTHOVEN_DATA_DIR environment variable, the workstation's shared folder named by the site
 * policy (site-policy.ts), then the OS convention for per-user app data. The one function the
 * CLI, the engine and both app shells resolve the folder with, so the rules below hold in all.
 *
 * A policy that names a shared folder also refuses a flag or EINTHOVEN_DATA_DIR naming another
 * one (E_FORBIDDEN naming the policy file and its folder), unless the policy allows overrides:
 * any account could otherwise open a private folder and keep its readings out of the trail the
 * site relies on. A policy file that exists but cannot be read stops here (E_FORMAT naming the
 * file and the problem) unless a folder is named outright: the shared folder it meant to name
 * cannot be known, and falling back to the account's own folder would give each reader a
 * private database and audit trail of their own, without a word.
 */
export function resolveDataDir(flag?: string, env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  return refuseTooLongForSqlite(chooseDataDir(flag, env, platform), platform);
}

/** SQLite's longest path on Linux and macOS (SQLITE_MAX_PATHNAME), in bytes, the journal's name included. */
const sqliteMaxPath = 512;
/**
 * The longest name SQLite opens in the data folder: the journal of the new database's temporary file
 * (createDatabaseFile, core/db/database.ts: temporaryName's `.NAME.new-PID-HEX`), with Linux's longest pid.
 */
const longestSqliteName = '.einthoven.sqlite.new-4194304-00000000-journal';

/**
 * A data folder whose database path (with its `-journal` name) is longer than SQLite opens on Linux
 * and macOS: the import made every folder of the path and SQLite then refused it as
 * SQLITE_CANTOPEN, said as a folder missing or not writable, which it was not. Refused before
 * anything is made, naming the length and the limit. Windows' SQLite takes longer paths.
 */
function refuseTooLongForSqlite(folder: string, platform: string): string {
  if (platform === 'win32') return folder;
  const bytes = Buffer.byteLength(path.join(folder, longestSqliteName));
  if (bytes <= sqliteMaxPath) return folder;
  const room = sqliteMaxPath - (bytes - Buffer.byteLength(folder));
  throw new EinthovenError(
    'E_VALIDATION',
    `the data folder ${folder} is too long a path for its database: SQLite opens a file whose path is at most ${sqliteMaxPath} bytes, and the longest it opens there (${longestSqliteName}) is ${bytes}; ` +
      `choose a folder whose path is at most ${room} bytes (non-ASCII letters count 2 to 4 bytes each); nothing was made`,
  );
}

function chooseDataDir(flag: string | undefined, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  // Given but empty (`--data-dir ""`, an unset shell variable): an error, not the default folder,
  // which would take an import meant for a test folder into the clinic's records.
  if (flag !== undefined && flag.trim() === '') throw new EinthovenError('E_VALIDATION', '--data-dir is empty: name the data folder, or leave the flag out for the default');
  const named = namedFolder(flag, env, platform);
  const policyFile = policyFileLocation(env, platform);
  const policy = readPolicyFile(policyFile, platform);
  if (policy.state === 'invalid' && !named) throw unreadablePolicy(policyFile, policy.error);
  if (policy.state === 'loaded' && policy.policy.dataDir) {
    const shared = path.resolve(policy.policy.dataDir);
    if (!named || sameFolder(named.folder, shared, platform)) return existingSharedFolder(shared, policyFile);
    if (!policy.policy.allowDataDirOverride) throw overrideRefused(named, policyFile, shared);
  }
  if (named) return named.folder;
  // Read only where the folder is made under it: a refused USERPROFILE stops no account whose LOCALAPPDATA names the folder.
  const home = () => homeFolder(env, platform);
  if (platform === 'win32') return windowsDataDir(env, home, platform);
  if (platform === 'darwin') return path.join(home(), 'Library', 'Application Support', 'Einthoven');
  return path.join(osFolder('XDG_DATA_HOME', env, platform) ?? path.join(home(), '.local', 'share'), 'einthoven');
}

/**
 * %LOCALAPPDATA%\Einthoven, not the roaming profile (%APPDATA%), which Windows copies to the
 * profile server at every logoff and which hospitals commonly redirect to a network share: the
 * patient database then left the workstation, and SQLite ran its write-ahead log on a network
 * file system, which it does not support (its shared-memory index works on one machine only). A
 * database an earlier version made in the roaming folder stays in use there, where the local one
 * holds none, so an update does not seem to lose every record; moving it is IT's to do.
 */
function windowsDataDir(env: NodeJS.ProcessEnv, home: () => string, platform: string): string {
  const local = path.join(osFolder('LOCALAPPDATA', env, platform) ?? path.join(home(), 'AppData', 'Local'), 'Einthoven');
  const roaming = path.join(osFolder('APPDATA', env, platform) ?? path.join(home(), 'AppData', 'Roaming'), 'Einthoven');
  return existsSync(databasePath(roaming)) && !existsSync(databasePath(local)) ? roaming : local;
}

/** A folder named outright, and by what (for the refusal's words). */
interface NamedFolder {
  readonly folder: string;
  readonly by: string;
}

/**
 * The flag's folder, relative to the current folder as typed; else EINTHOVEN_DATA_DIR's, which
 * must be one folder wherever a process starts: set once for the account, it was resolved against
 * each process's own current folder and drive.
 */
function namedFolder(flag: string | undefined, env: NodeJS.ProcessEnv, platform: string): NamedFolder | undefined {
  if (flag) return { folder: path.resolve(flag), by: `--data-dir ${flag}` };
  const value = env.EINTHOVEN_DATA_DIR;
  if (!value) return undefined;
  refuseNotOneFolder('EINTHOVEN_DATA_DIR', value, platform);
  return { folder: path.resolve(value), by: `EINTHOVEN_DATA_DIR=${value}` };
}

/**
 * Whether two resolved folders are one: spelled alike (without case on Windows, whose paths
 * ignore it), or, where both exist, the same folder reached through a link.
 */
function sameFolder(a: string, b: string, platform: string): boolean {
  if (platform === 'win32' ? a.toLowerCase() === b.toLowerCase() : a === b) return true;
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/**
 * The policy's shared folder, which IT makes: one the app made would be owner-only (0700, like
 * every data folder it creates), so the first account to start the app took the shared folder
 * for itself and every other account was shut out of the records, the models and the trail.
 */
function existingSharedFolder(shared: string, policyFile: string): string {
  if (existsSync(shared)) return shared;
  throw new EinthovenError(
    'E_NOT_FOUND',
    `the site policy ${policyFile} sets this workstation's data folder to ${shared}, which does not exist: the site's IT creates it, writable by every account the policy is for ` +
      `(on Linux or macOS, by their shared group: chgrp GROUP, chmod 2770), since a folder the app made would be the first account's alone`,
  );
}

function overrideRefused(named: NamedFolder, policyFile: string, shared: string): EinthovenError {
  return new EinthovenError(
    'E_FORBIDDEN',
    `${named.by} is refused: the site policy ${policyFile} sets this workstation's data folder to ${shared}, shared by every account so that its records and audit trail stay one; ` +
      `leave the folder out (or name ${shared}), or ask the site's IT (the policy's allowDataDirOverride lets another folder be named)`,
  );
}

/**
 * The account's home folder: HOME (USERPROFILE on Windows) where it is absolute, else the
 * account's entry in the system's user database. os.homedir() returns an empty or relative HOME
 * as it is.
 */
function homeFolder(env: NodeJS.ProcessEnv, platform: string): string {
  const variable = platform === 'win32' ? 'USERPROFILE' : 'HOME';
  const fromEnv = osFolder(variable, env, platform);
  if (fromEnv) return fromEnv;
  const account = accountHome();
  if (account && absoluteOrUndefined(account, platform)) return account;
  throw new EinthovenError(
    'E_VALIDATION',
    `${variable} is ${env[variable] ? `relative (${env[variable]})` : 'empty or unset'} and the account has no home folder in the system's user database: ` +
      `set ${variable} to an absolute path, or name the data folder with --data-dir or EINTHOVEN_DATA_DIR`,
  );
}

/** The home folder the system's user database gives this account; undefined where it has no entry (os.userInfo throws then). */
function accountHome(): string | undefined {
  try {
    return os.userInfo().homedir;
  } catch {
    return undefined;
  }
}

function unreadablePolicy(file: string, error: string): EinthovenError {
  return new EinthovenError(
    'E_FORMAT',
    `the site policy ${file} could not be read (${error}): no data folder is opened, since the shared folder it may name is unknown and each account's own folder would split the records and the audit trail; ask the site's IT to correct the file`,
  );
}

export function databasePath(dataDir: string): string {
  return path.join(dataDir, 'einthoven.sqlite');
}

/**
 * The database file of a data folder that must already hold one: a command that only reads (list, record,
 * audit) must not create an empty database where a mistyped --data-dir points, and report 0 records from
 * it, nor take a 0-byte file (a lost database) for a new one.
 */
export function existingDatabase(dataDir: string): string {
  refuseFileForFolder(dataDir);
  const file = databasePath(dataDir);
  if (!existsSync(file)) throw new EinthovenError('E_NOT_FOUND', `no Einthoven database at ${file}`);
  refuseEmptyDatabase(file);
  return file;
}

/**
 * A regular file where the data folder (or a folder above it) is named: a reading command said
 * 'no Einthoven database at FILE/einthoven.sqlite', a folder inside a file, where `ecg import`
 * says what is true. The file is named, in the import's words (errors.ts, mkdir's EEXIST).
 */
export function refuseFileForFolder(dataDir: string): void {
  for (let folder = dataDir; ; folder = path.dirname(folder)) {
    const stat = existingStat(folder);
    if (stat) {
      if (!stat.isDirectory()) throw new EinthovenError('E_VALIDATION', `${folder} is a file where a folder is expected`);
      return;
    }
    if (path.dirname(folder) === folder) return;
  }
}

/** What stands at `file`; undefined where nothing does, or a file above it stands for a folder (ENOTDIR: looked for higher up). */
function existingStat(file: string): Stats | undefined {
  try {
    return statSync(file, { throwIfNoEntry: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw error;
  }
}
