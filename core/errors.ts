/**
 * Typed errors shared by every engine module. A code is machine-readable and stable
 * (the UI and the CLI branch on it); the message is for people and names what and why.
 */
export const errorCodes = [
  'E_VALIDATION', // a request or argument did not match its schema
  'E_FORMAT', // a file could not be decoded
  'E_UNSUPPORTED', // a valid file uses a feature we do not implement (yet)
  'E_TOO_LARGE', // a declared size exceeds our limits
  'E_NOT_FOUND',
  'E_FORBIDDEN', // sender or token not allowed
  'E_CANCELLED',
  'E_MODEL', // a model package is invalid, tampered or mismatched
  'E_IO',
  'E_CONFLICT', // the stored state changed since the request was prepared (e.g. another reading was signed)
  'E_DEVICE', // the compute device failed or was lost (GPU driver reset, device removed)
  'E_INTERNAL',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

/**
 * A refusal's particular cause, where a caller acts on it and not only shows the message: stable
 * like a code, so the renderer never reads the engine's wording, which is for people and changes.
 * Few: most refusals are only said.
 */
export const errorReasons = [
  'heart-rate-not-ecg', // pe:assess: a heart rate sent as the ECG's is not the record's measured rate now (another, or none)
] as const;

export type ErrorReason = (typeof errorReasons)[number];

export function isErrorReason(value: unknown): value is ErrorReason {
  return (errorReasons as readonly unknown[]).includes(value);
}

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  /** Present only on the refusals a caller tells apart (errorReasons). */
  reason?: ErrorReason;
}

export class EinthovenError extends Error {
  readonly code: ErrorCode;
  readonly reason: ErrorReason | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; reason?: ErrorReason }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EinthovenError';
    this.code = code;
    this.reason = options?.reason;
  }

  toInfo(): ErrorInfo {
    return withReason({ code: this.code, message: this.message }, this.reason);
  }
}

/** `info` with `reason` when there is one; without the key otherwise, as every error without a reason has always been. */
export function withReason(info: ErrorInfo, reason: ErrorReason | undefined): ErrorInfo {
  return reason === undefined ? info : { ...info, reason };
}

/**
 * Turns anything thrown into an ErrorInfo without leaking stack traces across process boundaries.
 * `databaseFile` is the database the caller works on, named in a SQLite error's message.
 */
export function toErrorInfo(error: unknown, databaseFile?: string): ErrorInfo {
  if (error instanceof EinthovenError) return error.toInfo();
  if (error instanceof Error) return fileSystemErrorInfo(error) ?? sqliteErrorInfo(error, databaseFile) ?? { code: 'E_INTERNAL', message: error.message };
  return { code: 'E_INTERNAL', message: String(error) };
}

/**
 * A Node file-system error (ENOENT, EISDIR…) is the user's bad path, not our bug: it becomes a typed error
 * saying which path and what is wrong with it, instead of E_INTERNAL in libuv's words. The path is the one
 * the caller gave Node, so showing it (to the renderer too) tells nothing new. Undefined for any other error.
 */
export function fileSystemErrorInfo(error: Error): ErrorInfo | undefined {
  const { code, path, syscall } = error as Error & { code?: unknown; path?: unknown; syscall?: unknown };
  // Reading a folder as a file is the one such error Node raises without a path (readFile's 'read').
  if (code === 'EISDIR') return { code: 'E_VALIDATION', message: typeof path === 'string' ? `${path} is a folder where a file is expected` : 'a folder was given where a file is expected' };
  if (typeof path !== 'string') return undefined;
  switch (code) {
    case 'ENOENT':
      return { code: 'E_NOT_FOUND', message: `no such file or folder: ${path}` };
    case 'ENOTDIR':
      // Node names the whole path, though the file may be one of its parents (mkdir a/b where a is a file).
      return { code: 'E_VALIDATION', message: `a file stands where a folder is expected in ${path}` };
    case 'EEXIST':
      // A recursive mkdir fails so only where a file stands; elsewhere (open with 'wx', link) the name is taken.
      return { code: 'E_VALIDATION', message: syscall === 'mkdir' ? `${path} is a file where a folder is expected` : `${path} already exists` };
    case 'EACCES':
    case 'EPERM':
      return { code: 'E_IO', message: `no permission to read or write ${path}` };
    case 'ENAMETOOLONG':
      // One name past the file system's limit (255 bytes on most), or the whole path past the system's: IT's to shorten, not our bug.
      return { code: 'E_VALIDATION', message: `${path} is too long a path: a name in it (255 bytes at most on most file systems; non-ASCII letters count 2 to 4) or the whole path is longer than this system allows; choose a shorter one` };
    default:
      return undefined;
  }
}

const restoreAdvice = 'restore a backup (ecg backup --restore)';

/**
 * A SQLite error (better-sqlite3's SqliteError, by its extended code) is the state of the database
 * file or its disk, not our bug: it becomes a typed error naming the file and what IT can do, instead
 * of E_INTERNAL in SQLite's words ('file is not a database'). Undefined for any other error.
 */
export function sqliteErrorInfo(error: Error, file = 'the Einthoven database'): ErrorInfo | undefined {
  const { code } = error as Error & { code?: unknown };
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return undefined;
  const base = code.replace(/^(SQLITE_[A-Z]+).*$/, '$1');
  switch (base) {
    case 'SQLITE_NOTADB':
      return { code: 'E_IO', message: `${file} is not a database (SQLite: ${error.message}): the file was overwritten or damaged; ${restoreAdvice}` };
    case 'SQLITE_CORRUPT':
      return { code: 'E_IO', message: `${file} is damaged (SQLite: ${error.message}): the file was truncated or corrupted; ${restoreAdvice}` };
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return { code: 'E_CONFLICT', message: `${file} is in use: another Einthoven (the app, an ecg command), a backup, or another program with the file open (a sqlite3 shell, a sync client) held its lock longer than this one waited; retry when it has finished` };
    case 'SQLITE_READONLY':
      return { code: 'E_IO', message: `${file} cannot be written: its folder is read-only (read-only media, or no write permission for this account); reading works, changes do not` };
    case 'SQLITE_FULL':
      return { code: 'E_IO', message: `${file} cannot grow: the disk is full; free space, then retry` };
    case 'SQLITE_CANTOPEN':
      return { code: 'E_IO', message: `${file} cannot be opened (${code}): its folder is missing, not accessible, or not writable for the files SQLite keeps beside it` };
    case 'SQLITE_IOERR':
      return { code: 'E_IO', message: `a disk error reading or writing ${file} (${code}): check the disk; if it persists, ${restoreAdvice}` };
    default:
      return undefined;
  }
}

/** A SQLite error as a typed error naming `file`, the original kept as its cause; any other error unchanged. */
export function databaseError(file: string, error: unknown): unknown {
  const info = error instanceof Error && !(error instanceof EinthovenError) ? sqliteErrorInfo(error, file) : undefined;
  return info ? new EinthovenError(info.code, info.message, { cause: error }) : error;
}

/**
 * A single-quoted excerpt: the quote opens where no letter or digit comes before it and closes
 * where none comes after, so an apostrophe inside a word ("model's", "can't") neither opens nor
 * closes one. Taken for quotes, apostrophes cut our own advice between "record's" and "card's",
 * and in "can't read line 'x'" paired the apostrophe with the excerpt's opening quote, leaving
 * the excerpt itself in the message.
 */
const singleQuoted = /(?<![\p{L}\p{N}])'(?:[^'\n]|'(?=[\p{L}\p{N}]))*'(?![\p{L}\p{N}])/gu;

/**
 * An error of a path-taking channel with every quoted excerpt removed: a parser's message
 * may quote the line it failed on, and the renderer (untrusted) could otherwise point the
 * channel at any file and read it back a line at a time. What and where stay; the content goes.
 */
export function withoutFileContent(message: string): string {
  return message.replace(singleQuoted, '(…)').replace(/"[^"\n]*"|`[^`\n]*`/g, '(…)').slice(0, 500);
}
