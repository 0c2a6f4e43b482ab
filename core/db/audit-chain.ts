import { createHash } from 'node:crypto';
import type { RowCheck } from './audit-rows';

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
  /** Operating-system account and chosen reader (migration 0007); null in older entries. */
  readonly os_account?: string | null;
  readonly reader?: string | null;
}

/**
 * SHA-256 over the entry's columns and the previous entry's hash, as hex. Entries with an
 * attribution (every entry since migration 0007) hash it too; older ones keep their recipe.
 */
export function entryHash(row: Omit<ChainedRow, 'hash'>): string {
  const base = [row.id, row.at, row.actor, row.action, row.subject, row.details, row.prev_hash];
  const attributed = (row.os_account ?? null) !== null || (row.reader ?? null) !== null;
  const content = JSON.stringify(attributed ? [...base, row.os_account ?? null, row.reader ?? null] : base);
  return createHash('sha256').update(content).digest('hex');
}

/** A head recorded outside the database (exported anchor): the entry id and its hash at that time. */
export interface AuditAnchor {
  readonly lastId: number;
  readonly head: string;
  /**
   * The trail's first chained entry when the anchor was made (anchors from 2026-12-06 on): tells
   * an anchor of another installation's trail from entries removed at this one's end.
   */
  readonly first?: ChainedEntry | undefined;
  /** Who recorded it, as a failure names it (default: the exported anchor). */
  readonly source?: string | undefined;
}

/** One chained entry named by its id and hash. */
export interface ChainedEntry {
  readonly id: number;
  readonly hash: string;
}

/**
 * Where a walk begins: the entry just before the first row given, already verified, and the
 * counts up to it. The whole trail starts from nothing; an incremental check from the last
 * entry this process verified (core/db/audit.ts).
 */
export interface ChainStart {
  readonly previous: Pick<ChainedRow, 'id' | 'hash'> | null;
  readonly entries: number;
  readonly unchained: number;
}

const fromNothing: ChainStart = { previous: null, entries: 0, unchained: 0 };

export interface AuditVerification {
  readonly ok: boolean;
  readonly entries: number;
  /** Entries written before the chain existed (no hash): readable, not verifiable. */
  readonly unchained: number;
  /** The last entry's hash: record it elsewhere to detect a later truncation of the log's tail. */
  readonly head: string | null;
  readonly lastId: number | null;
  /** The first entry with a hash, from a walk of the whole trail (an anchor keeps it); absent after a partial walk or none. */
  readonly first?: ChainedEntry | undefined;
  /** The first entry that fails, and why. */
  readonly problem: { readonly id: number; readonly reason: string } | null;
  /**
   * The stored records, readings, predictions, notes, corrections and PE entries compared with the entries that recorded
   * them, and the guard triggers (core/db/audit-rows.ts), by the last whole check: an incremental
   * check compares no rows and carries the last whole check's (the header's title said nothing of
   * the rows whenever an entry had been added since). Any finding there makes `ok` false.
   */
  readonly rows?: RowCheck | undefined;
}

/**
 * Walks the trail in id order (one row at a time, so memory stays flat) and checks that every
 * chained entry's hash matches its content and links to the entry stored before it. An edited
 * entry fails its own hash; a removed one breaks the next entry's link. Removing entries at the
 * very end leaves a shorter valid chain, which only a head hash recorded elsewhere can reveal.
 * Given a `start`, `rows` are the entries after it and the counts go on from its own.
 */
export function verifyChain(rows: Iterable<ChainedRow>, anchors: readonly AuditAnchor[] = [], start: ChainStart = fromNothing): AuditVerification {
  let { entries, unchained, previous } = start;
  let first: ChainedEntry | undefined;
  const pending = new Map(anchors.map((a) => [a.lastId, a]));
  const firsts = anchors.filter((a): a is AuditAnchor & { first: ChainedEntry } => a.first !== undefined);
  const fail = (id: number, reason: string): AuditVerification => ({ ok: false, entries, unchained, head: null, lastId: id, problem: { id, reason } });
  for (const row of rows) {
    entries++;
    const problem = checkIds(row, previous) ?? checkRow(row, previous);
    if (problem) return typeof problem === 'string' ? fail(row.id, problem) : fail(problem.id, problem.reason);
    if (first === undefined && row.hash !== null) first = { id: row.id, hash: row.hash };
    const stranger = firsts.find((a) => a.first.id === row.id && a.first.hash !== row.hash);
    if (stranger) return fail(row.id, `${sourceOf(stranger)} begins at another first entry (${short(stranger.first.hash)}, this trail's is ${short(row.hash)}): it was exported from another installation's trail, or this one was rewritten from its start`);
    const anchored = pending.get(row.id);
    if (anchored !== undefined) {
      if (anchored.head !== row.hash) return fail(row.id, `differs from ${sourceOf(anchored)} (entry ${row.id} was ${short(anchored.head)}, is now ${short(row.hash)}): the trail was rewritten up to this entry`);
      pending.delete(row.id);
    }
    if (row.hash === null) unchained++;
    previous = row;
  }
  const missing = [...pending.values()].sort((a, b) => a.lastId - b.lastId)[0];
  if (missing !== undefined) return fail(missing.lastId, `${sourceOf(missing)} names entry ${missing.lastId}, which is no longer in the trail: entries were removed from its end`);
  const whole = start === fromNothing && first !== undefined ? { first } : {};
  return { ok: true, entries, unchained, head: previous?.hash ?? null, lastId: previous?.id ?? null, problem: null, ...whole };
}

function sourceOf(anchor: AuditAnchor): string {
  return anchor.source ?? 'the exported anchor';
}

/** Ids are assigned 1, 2, 3 … by the app: a gap is a removed entry even if the hashes were recomputed around it. */
function checkIds(row: ChainedRow, previous: ChainStart['previous']): string | null {
  const expected = (previous?.id ?? 0) + 1;
  if (row.id === expected) return null;
  if (row.id < expected) return `id ${row.id} follows ${previous?.id ?? 0}: the trail was reordered`;
  const missing = row.id - 1 > expected ? `entries ${expected}–${row.id - 1} are` : `entry ${expected} is`;
  return `${missing} missing (ids jump from ${previous?.id ?? 0} to ${row.id}): removed`;
}

/** Why `row` fails: a reason about it, or about the entry before it when that one is the altered entry. */
function checkRow(row: ChainedRow, previous: ChainStart['previous']): string | { id: number; reason: string } | null {
  if (row.hash === null) return previous?.hash ? 'has no hash, but entries before it are chained' : null;
  const expectedPrev = previous?.hash ?? null;
  // Entries older than the chain have no hash, and the first chained one links to nothing; linking
  // to a hash means the entry before had one, so that entry is the one altered (its hash removed).
  if (previous && expectedPrev === null && row.prev_hash !== null) {
    return { id: previous.id, reason: `has no hash, but entry ${row.id} after it links to ${short(row.prev_hash)}: its hash was removed (the entry was altered)` };
  }
  if (row.prev_hash !== expectedPrev) return `links to ${short(row.prev_hash)}, but the entry stored before it hashes to ${short(expectedPrev)}: an entry was removed or altered`;
  if (entryHash(row) !== row.hash) return 'its content does not match its hash: the entry was altered';
  return null;
}

function short(hash: string | null): string {
  return hash === null ? 'nothing' : hash.slice(0, 12);
}
