import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ownerAlive } from '../storage/atomic';

/**
 * The private temporary folders a read-only database's -wal is replayed in (database.ts,
 * withWalReplayed): `einthoven-wal-replay-<pid>-<hex>` in the temporary folder, holding a copy of
 * the whole database (patient data) for as long as the replay takes.
 */
const prefix = 'einthoven-wal-replay-';

/** Makes one such folder, owner-only, named with this process's id so that a later sweep can tell whether its maker still runs. */
export function makeWalReplayFolder(temporary: string = os.tmpdir()): string {
  const folder = path.join(temporary, `${prefix}${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(folder, { mode: 0o700 }); // not recursive: fails on a name already there (another's folder, a planted link) rather than using it
  return folder;
}

/**
 * Removes the replay folders that processes of this account left when they were stopped mid-replay
 * (kill -9, a crash, a power cut): the copy of the database stayed in a temporary folder shared
 * with every program of the account, and nothing ever removed it. A folder is removed only where
 * the process named in it no longer runs: a second app instance or a CLI command replaying at the
 * same moment keeps its folder whatever its age (a 1 GiB copy from slow media can take longer than
 * any age one could choose, so age alone could pull a live copy from under it). A reused process id
 * only keeps a stale folder until that process ends. Another account's folder is never touched,
 * even where this account could (root): it is that account's to clean. Each failure is passed over:
 * the sweep must never stop a database from opening.
 */
export function removeStaleWalReplayFolders(temporary: string = os.tmpdir()): void {
  let names: string[];
  try {
    names = readdirSync(temporary);
  } catch {
    return; // a temporary folder this account cannot list holds nothing it could have left there
  }
  for (const name of names) {
    if (!/^einthoven-wal-replay-\d+-[0-9a-f]+$/.test(name) || ownerAlive(name)) continue;
    const folder = path.join(temporary, name);
    try {
      if (ownFolder(folder)) rmSync(folder, { recursive: true, force: true });
    } catch {
      // Gone meanwhile (another sweep), or not removable: the next open tries again.
    }
  }
}

/** A real folder (not a link to one) of this account; on Windows, where there are no uids, each account has its own temporary folder. */
function ownFolder(folder: string): boolean {
  const stats = lstatSync(folder);
  const uid = process.getuid?.();
  return stats.isDirectory() && (uid === undefined || stats.uid === uid);
}
