import os from 'node:os';
import { entryHash, verifyChain, type AuditAnchor, type AuditVerification, type ChainedRow } from './audit-chain';
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
  readonly #attribution: () => Attribution;

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

  /** Checks the whole chain (ids without gaps, every hash and link, and the given exported anchors), streaming row by row. */
  verify(anchors: readonly AuditAnchor[] = []): AuditVerification {
    return verifyChain(this.#all.iterate() as Iterable<ChainedRow>, anchors);
  }
}
