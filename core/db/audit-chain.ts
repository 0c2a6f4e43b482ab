import { createHash } from 'node:crypto';

/** The stored columns of one audit entry, as they are hashed. */
export interface ChainedRow {
  readonly id: number;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly subject: string | null;
  /** The JSON text exactly as stored, so verifying never depends on re-serialising it. */
  readonly details: string;
  readonly prev_hash: string | null;
  readonly hash: string | null;
}

/** SHA-256 over the entry's columns and the previous entry's hash, as hex. */
export function entryHash(row: Omit<ChainedRow, 'hash'>): string {
  const content = JSON.stringify([row.id, row.at, row.actor, row.action, row.subject, row.details, row.prev_hash]);
  return createHash('sha256').update(content).digest('hex');
}

export interface AuditVerification {
  readonly ok: boolean;
  readonly entries: number;
  /** Entries written before the chain existed (no hash): readable, not verifiable. */
  readonly unchained: number;
  /** The last entry's hash: record it elsewhere to detect a later truncation of the log's tail. */
  readonly head: string | null;
  readonly lastId: number | null;
  /** The first entry that fails, and why. */
  readonly problem: { readonly id: number; readonly reason: string } | null;
}

/**
 * Walks the trail in id order (one row at a time, so memory stays flat) and checks that every
 * chained entry's hash matches its content and links to the entry stored before it. An edited
 * entry fails its own hash; a removed one breaks the next entry's link. Removing entries at the
 * very end leaves a shorter valid chain, which only a head hash recorded elsewhere can reveal.
 */
export function verifyChain(rows: Iterable<ChainedRow>): AuditVerification {
  let entries = 0;
  let unchained = 0;
  let previous: ChainedRow | null = null;
  for (const row of rows) {
    entries++;
    const problem = checkRow(row, previous);
    if (problem) return { ok: false, entries, unchained, head: null, lastId: row.id, problem: { id: row.id, reason: problem } };
    if (row.hash === null) unchained++;
    previous = row;
  }
  return { ok: true, entries, unchained, head: previous?.hash ?? null, lastId: previous?.id ?? null, problem: null };
}

function checkRow(row: ChainedRow, previous: ChainedRow | null): string | null {
  if (row.hash === null) return previous?.hash ? 'has no hash, but entries before it are chained' : null;
  const expectedPrev = previous?.hash ?? null;
  if (row.prev_hash !== expectedPrev) return `links to ${short(row.prev_hash)}, but the entry stored before it hashes to ${short(expectedPrev)}: an entry was removed or altered`;
  if (entryHash(row) !== row.hash) return 'its content does not match its hash: the entry was altered';
  return null;
}

function short(hash: string | null): string {
  return hash === null ? 'nothing' : hash.slice(0, 12);
}
