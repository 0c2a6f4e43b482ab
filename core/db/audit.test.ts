import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog, currentOsAccount } from './audit';
import { openDatabase, type Db } from './database';

function freshLog(): { db: Db; audit: AuditLog } {
  const { db } = openDatabase(path.join(mkdtempSync(path.join(os.tmpdir(), 'einthoven-audit-')), 'test.sqlite'));
  const audit = new AuditLog(db);
  audit.append('user', 'record.imported', 'record:1', { files: ['a.hea', 'a.dat'] });
  audit.append('user', 'record.viewed', 'record:1');
  audit.append('system', 'model.registered', 'model:m@0123', { name: 'm' });
  audit.append('user', 'record.predicted', 'record:1', { model: 'm@0123' });
  return { db, audit };
}

/** What someone with a SQLite shell can do: drop the triggers, then edit or delete. */
function bypassTriggers(db: Db): void {
  db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
}

describe('audit trail hash chain (real SQLite)', () => {
  it('chains every entry to the one before it and verifies the whole trail', () => {
    const { db, audit } = freshLog();
    const entries = audit.entries({ limit: 10 });
    expect(entries.map((e) => e.id)).toEqual([1, 2, 3, 4]);
    const rows = db.prepare('SELECT id, at, actor, action, subject, details, prev_hash, hash, os_account, reader FROM audit_log ORDER BY id').all() as { id: number; at: string; actor: string; action: string; subject: string | null; details: string; prev_hash: string | null; hash: string; os_account: string; reader: string | null }[];
    expect(rows[0]?.prev_hash).toBeNull();
    rows.forEach((row, i) => {
      // The documented recipe, recomputed independently of the module under test.
      expect(row.os_account).toBe(currentOsAccount()); // every entry names the operating-system account
      const expected = createHash('sha256').update(JSON.stringify([row.id, row.at, row.actor, row.action, row.subject, row.details, row.prev_hash, row.os_account, row.reader])).digest('hex');
      expect(row.hash).toBe(expected);
      if (i > 0) expect(row.prev_hash).toBe(rows[i - 1]?.hash);
    });
    expect(audit.verify()).toEqual({ ok: true, entries: 4, unchained: 0, head: rows[3]?.hash, lastId: 4, problem: null });
    db.close();
  });

  it('finds an entry edited behind the triggers', () => {
    const { db, audit } = freshLog();
    bypassTriggers(db);
    db.prepare(`UPDATE audit_log SET details = '{"model":"other"}' WHERE id = 4`).run();
    expect(audit.verify()).toMatchObject({ ok: false, problem: { id: 4, reason: expect.stringMatching(/does not match its hash/) } });
    db.close();
  });

  it('finds an entry removed from the middle, even when the next one is re-hashed to look intact', () => {
    const { db, audit } = freshLog();
    bypassTriggers(db);
    db.prepare('DELETE FROM audit_log WHERE id = 2').run();
    expect(audit.verify()).toMatchObject({ ok: false, problem: { id: 3, reason: expect.stringMatching(/entry 2 is missing/) } });
    // Re-linking entry 3 to entry 1 changes entry 3's hash, which entry 4 still names as its predecessor.
    const first = db.prepare('SELECT hash FROM audit_log WHERE id = 1').get() as { hash: string };
    const third = db.prepare('SELECT id, at, actor, action, subject, details, os_account, reader FROM audit_log WHERE id = 3').get() as { id: number; at: string; actor: string; action: string; subject: string; details: string; os_account: string; reader: null };
    // Renumbered to close the id gap, too.
    const rehashed = createHash('sha256').update(JSON.stringify([2, third.at, third.actor, third.action, third.subject, third.details, first.hash, third.os_account, third.reader])).digest('hex');
    db.prepare('UPDATE audit_log SET id = 2, prev_hash = ?, hash = ? WHERE id = 3').run(first.hash, rehashed);
    expect(audit.verify()).toMatchObject({ ok: false, problem: { id: 4, reason: expect.stringMatching(/entry 3 is missing/) } });
    db.close();
  });

  it('reads pages oldest first, filtered by time and action prefix', () => {
    const { db, audit } = freshLog();
    expect(audit.entries({ actionPrefix: 'record.', limit: 10 }).map((e) => e.action)).toEqual(['record.imported', 'record.viewed', 'record.predicted']);
    expect(audit.entries({ afterId: 2, limit: 1 }).map((e) => e.id)).toEqual([3]);
    expect(audit.entries({ since: '2999-01-01', limit: 10 })).toEqual([]);
    expect(audit.entries({ actionPrefix: "'; DROP TABLE audit_log; --", limit: 10 })).toEqual([]);
    expect(audit.entries({ limit: 10 })[0]?.details).toEqual({ files: ['a.hea', 'a.dat'] });
    db.close();
  });

  it('chains writes from two connections to one file (the app and a CLI) without forking', () => {
    const { db, audit } = freshLog();
    const other = openDatabase(db.name);
    const second = new AuditLog(other.db);
    for (let i = 0; i < 5; i++) {
      audit.append('user', 'record.viewed', `record:${i}`);
      second.append('cli', 'record.imported', `record:${i}`);
    }
    expect(second.verify()).toMatchObject({ ok: true, entries: 14 });
    other.db.close();
    db.close();
  });
});
