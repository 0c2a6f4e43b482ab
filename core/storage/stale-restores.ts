import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ownerAlive } from './atomic';

/**
 * The staging folders (`.<data>.restoring-<pid>-<hex>`, beside `dataDir`) that earlier restores into
 * it left when they were stopped (kill -9, a crash, a power cut): each holds a partial copy of a
 * backup, the database first (patient data), under a hidden name. One whose process still runs is
 * another restore at work, and is not listed.
 */
export function staleRestores(dataDir: string): string[] {
  const parent = path.dirname(path.resolve(dataDir));
  const prefix = `.${path.basename(path.resolve(dataDir))}.restoring-`;
  if (!existsSync(parent)) return [];
  try {
    return readdirSync(parent)
      .filter((name) => name.startsWith(prefix) && !ownerAlive(name))
      .map((name) => path.join(parent, name));
  } catch {
    // A parent this account cannot list holds nothing it could have left there.
    return [];
  }
}

/**
 * What the app's log and the CLI say at each start while such a folder stays: only a restore into
 * the same folder removed it, and one who started the app afresh, or restored elsewhere, was told
 * nothing of a copy of every record left beside the data folder. Named, not removed: nothing has
 * opened the audit trail yet to record a removal (a restore records it in data.restored).
 */
export function staleRestoresNote(dataDir: string): string | undefined {
  const stale = staleRestores(dataDir);
  if (stale.length === 0) return undefined;
  return `${stale.join(', ')}: the partial copy (patient data, the database first) that a restore into ${dataDir} left when it was stopped (its process is gone); remove it, or restore into ${dataDir} again, which removes it and records that`;
}
