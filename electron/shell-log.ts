import { appendFileSync, chmodSync, existsSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileModeIn, makeDataSubfolder } from '../core/storage/private-files';
import { staleRestoresNote } from '../core/storage/stale-restores';
import { tightenDataFolder, tighteningNote } from '../core/storage/tighten-modes';

/**
 * The shell's log, for the hospital's IT: one line per start, stop and restart of the engine
 * process and per failure to start, in `<data folder>/logs/einthoven.log` (a windowed app's
 * stderr is seen by no one). It holds no patient data: events, exit codes and error messages of
 * the engine's start. Kept under `maxBytes` by moving it to `einthoven.log.1` (the one before).
 */
export function shellLog(dataDir: string, version: string, maxBytes = 1_000_000): (line: string) => void {
  const dir = path.join(dataDir, 'logs');
  const file = path.join(dir, 'einthoven.log');
  return (line) => {
    try {
      // The log is written before the engine opens the database: a new data folder is made owner-only here,
      // logs/ and the log as private as it: the log quotes what the engine wrote to stderr before it stopped.
      makeDataSubfolder(dir);
      if (fileSize(file) > maxBytes) renameSync(file, `${file}.1`);
      const created = !existsSync(file);
      const mode = fileModeIn(dir);
      appendFileSync(file, `${new Date().toISOString()} v${version} pid ${process.pid}: ${line.replace(/\s+/g, ' ')}\n`, { mode });
      // The mode passes through the umask (which may take the shared group's write); an existing log keeps what IT set.
      if (created) chmodSync(file, mode);
    } catch (error) {
      // The log must never stop the app; say so where a developer or a terminal can see it.
      process.stderr.write(`einthoven: could not write ${file}: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  };
}

/**
 * The shell's log of a data folder the app is opening, once what an earlier version left open to
 * other accounts there has been tightened (core/storage/tighten-modes.ts): the log says what was
 * changed, at the one start that changes it, and what could not be, at each start until IT does.
 * Before the engine starts, so the database's modes are right before anything opens it.
 */
export function openShellLog(dataDir: string, version: string): (line: string) => void {
  const log = shellLog(dataDir, version);
  const note = tighteningNote(dataDir, tightenDataFolder(dataDir));
  if (note) log(note);
  const stale = staleRestoresNote(dataDir);
  if (stale) log(stale);
  return log;
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
