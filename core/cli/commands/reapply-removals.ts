import { existsSync } from 'node:fs';
import { AuditLog } from '../../db/audit';
import { openDatabase } from '../../db/database';
import { databasePath } from '../../engine/data-dir';
import type { Engine } from '../../engine/engine';
import { databaseError, EinthovenError } from '../../errors';
import { answer } from './remove';

/** A removal the other data folder's trail recorded: which record, whose content, and why. */
export interface RecordedRemoval {
  readonly id: number;
  readonly contentHash: string;
  readonly reason: string;
}

export interface ReappliedRemovals {
  readonly recorded: number;
  /** Removed again in the restored folder: the backup still held them. */
  readonly removed: number[];
  /** Not in the restored folder (removed before the backup, or imported after it). */
  readonly absent: number;
}

/**
 * The record.removed entries of a data folder's (or a backup's) audit trail, read without writing
 * to it. Read before a restore copies anything, so a mistyped folder stops the restore rather than
 * leaving an erased record restored.
 */
export function recordedRemovals(dataDir: string): RecordedRemoval[] {
  const file = databasePath(dataDir);
  if (!existsSync(file)) throw new EinthovenError('E_NOT_FOUND', `no Einthoven database at ${file} to read removals from`);
  const { db } = openDatabase(file, undefined, { readonly: true });
  try {
    return [...new AuditLog(db).all({ actionPrefix: 'record.removed' })].flatMap((entry) => {
      const id = Number(/^record:(\d+)$/.exec(entry.subject ?? '')?.[1]);
      const details = entry.details as { contentHash?: unknown; reason?: unknown };
      return Number.isSafeInteger(id) && typeof details.contentHash === 'string' ? [{ id, contentHash: details.contentHash, reason: String(details.reason ?? '') }] : [];
    });
  } catch (error) {
    throw databaseError(file, error);
  } finally {
    db.close();
  }
}

/**
 * After a restore: every record another data folder's trail says was removed, and that the
 * backup still held (same id, same content), is removed again, each audited with its first
 * reason. A backup made before a removal would otherwise bring an erased patient's tracings back.
 */
export async function reapplyRemovals(engine: Engine, recorded: readonly RecordedRemoval[]): Promise<ReappliedRemovals> {
  const removed: number[] = [];
  for (const removal of recorded) {
    // Read from the store, not records:get: nobody views the record, so no view is audited.
    if (engine.records.get(removal.id)?.contentHash !== removal.contentHash) continue;
    await answer(engine.handle('records:remove', { id: removal.id, contentHash: removal.contentHash, reason: `removed again after a restore (first: ${removal.reason})`.slice(0, 500) }));
    removed.push(removal.id);
  }
  return { recorded: recorded.length, removed, absent: recorded.length - removed.length };
}
