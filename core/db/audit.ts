import type { Db } from './database';

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  subject: string | null;
  details: Record<string, unknown>;
}

interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  subject: string | null;
  details: string;
}

/** The append-only audit trail; the table's triggers refuse UPDATE and DELETE. */
export class AuditLog {
  readonly #insert;
  readonly #recent;

  constructor(db: Db) {
    this.#insert = db.prepare(
      'INSERT INTO audit_log (at, actor, action, subject, details) VALUES (?, ?, ?, ?, ?)',
    );
    this.#recent = db.prepare('SELECT id, at, actor, action, subject, details FROM audit_log ORDER BY id DESC LIMIT ?');
  }

  append(actor: string, action: string, subject: string | null, details: Record<string, unknown> = {}): void {
    this.#insert.run(new Date().toISOString(), actor, action, subject, JSON.stringify(details));
  }

  recent(limit = 100): AuditEntry[] {
    return (this.#recent.all(limit) as AuditRow[]).map((row) => ({
      ...row,
      details: JSON.parse(row.details) as Record<string, unknown>,
    }));
  }
}
