import { resolveDataDir } from '../engine/data-dir';
import { staleRestoresNote } from '../storage/stale-restores';
import { tightenDataFolder, tighteningNote } from '../storage/tighten-modes';
import { textColumn } from './text-column';

/** The process's stderr, one line: where a command without its CliIO at hand reports. */
const processStderr = (line: string) => {
  process.stderr.write(`${line}\n`);
};

/**
 * The data folder a command opens (resolveDataDir), with what is open to other accounts there
 * tightened first, as the app tightens it when it opens the folder (core/storage/tighten-modes.ts):
 * a folder only the CLI opened kept a database and exports every account could read. What was
 * changed, or could not be, is said in one line on `stderr`; nothing is said when nothing was.
 */
export function openCliDataDir(flag: string | undefined, stderr: (line: string) => void = processStderr): string {
  const dataDir = resolveDataDir(flag);
  const note = tighteningNote(dataDir, tightenDataFolder(dataDir));
  // The note names the folder and the files it tightened, whoever named them.
  if (note) stderr(`ecg: ${textColumn(note)}`);
  const stale = staleRestoresNote(dataDir);
  if (stale) stderr(`ecg: ${textColumn(stale)}`);
  return dataDir;
}
