import os from 'node:os';
import { entryHash, verifyChain, type AuditAnchor, type AuditVerification, type ChainedRow } from './audit-chain';
import { crossCheckRows, type RowCheck } from './audit-rows';
import type { Db } from './database';

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  subject: string | null;
  details: Record<string, unknown>;
  /** SHA-256 chaining this entry to the one before it; null for entries older than the chain. */
  hash: string | null;
  /** The operating-system account the app or CLI ran under (null in entries older than migration 0007). */
  osAccount: string | null;
  /** The reader (cardiologist) chosen in the app when the entry was written, if one was. */
  reader: string | null;
}

/** Who is acting, beyond the role name each call passes as `actor`. */
export interface Attribution {
  readonly osAccount: string;
  readonly reader?: string | undefined;
}

/** The account this process runs under (never throws: a container without a passwd entry gets its uid). */
export function currentOsAccount(): string {
  try {
    return os.userInfo().username;
  } catch {
    return `uid:${process.getuid?.() ?? 'unknown'}`;
  }
}

/** Which entries to read, oldest first: after an id, from a time, of an action (prefix, e.g. `record.`). */
export interface AuditQuery {
  readonly afterId?: number | undefined;
  readonly since?: string | undefined;
  readonly actionPrefix?: string | undefined;
  readonly limit: number;
}

const columns = 'id, at, actor, action, subject, details, prev_hash, hash, os_account, reader';

/** The head as the app's header shows it: the verification, and how much of the trail was read for it. */
export interface HeadVerification extends AuditVerification {
  /** 'full': every entry was read; 'incremental': only those after the last entry this process verified. */
  readonly mode: 'full' | 'incremental';
  /** Entries verified by this call (in an incremental one, the remembered entry re-read with them is not counted). */
  readonly checked: number;
  /** When this process last verified the whole trail and found it intact (ISO time); null until it has. */
  readonly wholeVerifiedAt: string | null;
  /** Entries verified incrementally since then: an entry altered before them is found only by the next whole check. */
  readonly checkedSinceWhole: number;
}

export interface WholeCheckOptions {
  /** Verify the whole trail now, whatever was verified before (the header's "verify all"). */
  readonly force?: boolean;
  /** A whole check older than this is done again at the next call. */
  readonly maxWholeAgeMs?: number;
}

/**
 * The last entry this process verified and the counts up to it. Kept in memory only: the database
 * is what an attacker can edit, so nothing about what was verified is ever read back from it.
 */
interface Checkpoint {
  readonly id: number;
  readonly hash: string;
  readonly entries: number;
  readonly unchained: number;
  /** When this entry was verified (by either kind of check). */
  readonly at: string;
  readonly wholeAt: string;
  readonly sinceWhole: number;
  /** The stored rows as the last whole check compared them: the header keeps saying so between whole checks. */
  readonly rows?: RowCheck | undefined;
}

function toEntry(row: ChainedRow): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    subject: row.subject,
    details: JSON.parse(row.details) as Record<string, unknown>,
    hash: row.hash,
    osAccount: row.os_account ?? null,
    reader: row.reader ?? null,
  };
}

/**
 * The append-only audit trail: the table's triggers refuse UPDATE and DELETE, and each entry is
 * hash-chained to the one before it so changes made around the triggers can be detected.
 */
export class AuditLog {
  readonly #db: Db;
  readonly #last;
  readonly #insert;
  readonly #recent;
  readonly #query;
  readonly #all;
  readonly #byId;
  readonly #after;
  readonly #attribution: () => Attribution;
  /**
   * Bound to this connection, so another database (a restore opens a new folder, a restarted
   * engine a new connection) starts without one and is verified whole.
   */
  #checkpoint: Checkpoint | null = null;
  /** The last verification failed: the next head is verified whole again, whatever is remembered. */
  #failed = false;
  /** A whole check under way on another thread (verifyHeadAsync): later calls wait for it instead of starting another. */
  #wholeInFlight: Promise<AuditVerification> | null = null;

  /** `attribution` is asked at every append (the reader chosen in the app may change). */
  constructor(db: Db, attribution: () => Attribution = () => ({ osAccount: currentOsAccount() })) {
    this.#db = db;
    this.#attribution = attribution;
    this.#last = db.prepare('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1');
    this.#insert = db.prepare(`INSERT INTO audit_log (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.#recent = db.prepare(`SELECT ${columns} FROM audit_log ORDER BY id DESC LIMIT ?`);
    this.#query = db.prepare(
      `SELECT ${columns} FROM audit_log WHERE id > ? AND at >= ? AND substr(action, 1, length(?)) = ? ORDER BY id LIMIT ?`,
    );
    this.#all = db.prepare(`SELECT ${columns} FROM audit_log ORDER BY id`);
    this.#byId = db.prepare(`SELECT ${columns} FROM audit_log WHERE id = ?`);
    this.#after = db.prepare(`SELECT ${columns} FROM audit_log WHERE id > ? ORDER BY id`);
  }

  append(actor: string, action: string, subject: string | null, details: Record<string, unknown> = {}): void {
    // IMMEDIATE: the app and a CLI may share the file, and two writers must not chain to the same entry.
    this.#db
      .transaction(() => {
        const last = this.#last.get() as { id: number; hash: string | null } | undefined;
        const who = this.#attribution();
        const row = {
          id: (last?.id ?? 0) + 1,
          at: new Date().toISOString(),
          actor,
          action,
          subject,
          details: JSON.stringify(details),
          prev_hash: last?.hash ?? null,
          os_account: who.osAccount,
          reader: who.reader ?? null,
        };
        this.#insert.run(row.id, row.at, row.actor, row.action, row.subject, row.details, row.prev_hash, entryHash(row), row.os_account, row.reader);
      })
      .immediate();
  }

  recent(limit = 100): AuditEntry[] {
    return (this.#recent.all(limit) as ChainedRow[]).map(toEntry);
  }

  /** Entries matching the query, oldest first (page with `afterId` = the last id returned). */
  entries(query: AuditQuery): AuditEntry[] {
    const prefix = query.actionPrefix ?? '';
    return (this.#query.all(query.afterId ?? 0, query.since ?? '', prefix, prefix, query.limit) as ChainedRow[]).map(toEntry);
  }

  /** Every entry, oldest first, one row at a time (an export of any size in flat memory). */
  *all(query: Omit<AuditQuery, 'limit'> = {}): Generator<AuditEntry> {
    let afterId = query.afterId ?? 0;
    for (;;) {
      const page = this.entries({ ...query, afterId, limit: 1000 });
      yield* page;
      if (page.length < 1000) return;
      afterId = (page.at(-1) as AuditEntry).id;
    }
  }

  /**
   * Checks the whole chain (ids without gaps, every hash and link, and the given exported anchors), streaming row by row.
   * The last entry this process verified counts as one more anchor: a tail rewritten with recomputed hashes still fails.
   */
  verify(anchors: readonly AuditAnchor[] = []): AuditVerification {
    // One read transaction: the chain and the rows compared with it are the same snapshot, whatever is written meanwhile.
    const verification = this.#db.transaction(() => {
      const chain = verifyChain(this.#all.iterate() as Iterable<ChainedRow>, [...anchors, ...this.#remembered()]);
      const rows = crossCheckRows(this.#db);
      return { ...chain, ok: chain.ok && rows.findings.length === 0, rows };
    })();
    this.#rememberWhole(verification);
    return verification;
  }

  /** `verify` done by `whole` (a worker thread reading the same file, audit-verify-thread.ts), remembered as a whole check here is. */
  async verifyAsync(whole: (anchors: readonly AuditAnchor[]) => Promise<AuditVerification>, anchors: readonly AuditAnchor[] = []): Promise<AuditVerification> {
    const verification = await whole([...anchors, ...this.#remembered()]);
    this.#rememberWhole(verification);
    return verification;
  }

  /**
   * The head for the app's header, in time proportional to the entries added since the last call:
   * only those are read, and they must link onto the entry verified last, which must itself still
   * hold the hash it had then (a rewritten tail fails here). The whole trail is read at the first
   * call, after any failure, when the remembered entry no longer matches (then against it, as an
   * anchor), and when `options` ask. An entry altered further back is found only by a whole check:
   * the result says when the last one was.
   */
  verifyHead(options: WholeCheckOptions = {}): HeadVerification {
    return this.#incrementalHead(options) ?? this.#headAfterWhole(this.verify(), () => this.verifyHead(options));
  }

  /**
   * `verifyHead`, with the whole check done by `whole`: a worker thread reading the same file
   * (audit-verify-thread.ts), so the engine answers other requests meanwhile. Calls while one is
   * under way share it.
   */
  async verifyHeadAsync(whole: (anchors: readonly AuditAnchor[]) => Promise<AuditVerification>, options: WholeCheckOptions = {}): Promise<HeadVerification> {
    const incremental = this.#incrementalHead(options);
    if (incremental) return incremental;
    this.#wholeInFlight ??= this.verifyAsync(whole).finally(() => (this.#wholeInFlight = null));
    return this.#headAfterWhole(await this.#wholeInFlight, () => this.verifyHeadAsync(whole, options));
  }

  /** The head from the entries added since the checkpoint; null when a whole check is due instead. */
  #incrementalHead({ force = false, maxWholeAgeMs = Number.POSITIVE_INFINITY }: WholeCheckOptions): HeadVerification | null {
    // An entry altered behind the checkpoint is found only by a whole check: one is asked for, or the last is old.
    const stale = this.#checkpoint !== null && Date.now() - Date.parse(this.#checkpoint.wholeAt) > maxWholeAgeMs;
    const checkpoint = this.#failed || force || stale ? null : this.#checkpoint;
    const increment = checkpoint && this.#verifyAfter(checkpoint);
    return checkpoint && increment?.ok ? this.#rememberIncrement(checkpoint, increment) : null;
  }

  /**
   * The head once a whole check `v` is remembered: entries appended while it read (on another
   * thread) are verified here, linked onto its last. Appended and broken: `again`, a whole check
   * that names the entry, as `ecg audit --verify` would.
   */
  #headAfterWhole<T>(v: AuditVerification, again: () => T): HeadVerification | T {
    const verified = this.#failed ? null : this.#checkpoint;
    const since = verified && this.#verifyAfter(verified);
    if (verified && since?.ok) {
      const head = this.#rememberIncrement(verified, since);
      return { ...head, mode: 'full', checked: v.entries + head.checked, rows: v.rows };
    }
    if (verified && since) {
      this.#failed = true;
      return again();
    }
    // A failure is reported as a whole check finds it: the first broken entry.
    return { ...v, mode: 'full', checked: v.entries, wholeVerifiedAt: this.#checkpoint?.wholeAt ?? null, checkedSinceWhole: this.#checkpoint?.sinceWhole ?? 0 };
  }

  /** The entries after the checkpoint, read in one snapshot with it; null when the checkpoint's own entry no longer matches. */
  #verifyAfter(checkpoint: Checkpoint): AuditVerification | null {
    return this.#db.transaction(() => {
      const row = this.#byId.get(checkpoint.id) as ChainedRow | undefined;
      if (row?.hash !== checkpoint.hash || entryHash(row) !== row.hash) return null;
      const start = { previous: { id: checkpoint.id, hash: checkpoint.hash }, entries: checkpoint.entries, unchained: checkpoint.unchained };
      return verifyChain(this.#after.iterate(checkpoint.id) as Iterable<ChainedRow>, [], start);
    })();
  }

  #rememberIncrement(checkpoint: Checkpoint, v: AuditVerification): HeadVerification {
    const checked = v.entries - checkpoint.entries;
    const sinceWhole = checkpoint.sinceWhole + checked;
    // After a chained checkpoint every later entry is chained (or the walk failed), so the head is a hash.
    if (v.lastId !== null && v.head !== null) this.#checkpoint = { ...checkpoint, id: v.lastId, hash: v.head, entries: v.entries, unchained: v.unchained, at: new Date().toISOString(), sinceWhole };
    return { ...v, mode: 'incremental', checked, wholeVerifiedAt: checkpoint.wholeAt, checkedSinceWhole: sinceWhole, rows: checkpoint.rows };
  }

  #rememberWhole(v: AuditVerification): void {
    this.#failed = !v.ok;
    // An empty trail, or one of unchained entries only, leaves no hash to link onto: the next check reads it whole again.
    if (!v.ok || v.lastId === null || v.head === null) return;
    const at = new Date().toISOString();
    this.#checkpoint = { id: v.lastId, hash: v.head, entries: v.entries, unchained: v.unchained, at, wholeAt: at, sinceWhole: 0, rows: v.rows };
  }

  #remembered(): AuditAnchor[] {
    const c = this.#checkpoint;
    return c ? [{ lastId: c.id, head: c.hash, source: `the head this engine verified at ${c.at}` }] : [];
  }
}
