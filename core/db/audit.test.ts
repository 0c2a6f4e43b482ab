import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog, currentOsAccount } from './audit';
import { entryHash, verifyChain, type ChainedRow } from './audit-chain';
import { openDatabase, type Db } from './database';

function freshLog(): { db: Db; audit: AuditLog } {
  const { db } = openDatabase(path.join(mkdtempSync(path.join(os.tmpdir(), 'einthoven-audit-')), 'test.sqlite'));
  const audit = new AuditLog(db);
  audit.append('user', 'record.exported', 'record:1', { files: ['a.hea', 'a.dat'] });
  audit.append('user', 'record.viewed', 'record:1');
  audit.append('system', 'model.registered', 'model:m@0123', { name: 'm' });
  audit.append('user', 'record.predicted', 'record:1', { model: 'm@0123' });
  return { db, audit };
}

/** What someone with a SQLite shell can do: drop the triggers, then edit or delete; returns how to put them back as they were. */
function bypassTriggers(db: Db): () => void {
  const triggers = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'").pluck().all() as string[];
  db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
  return () => triggers.forEach((sql) => db.exec(sql));
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
    expect(audit.verify()).toEqual({ ok: true, entries: 4, unchained: 0, head: rows[3]?.hash, lastId: 4, problem: null, first: { id: 1, hash: rows[0]?.hash }, rows: expect.objectContaining({ findings: [] }) });
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
    expect(audit.entries({ actionPrefix: 'record.', limit: 10 }).map((e) => e.action)).toEqual(['record.exported', 'record.viewed', 'record.predicted']);
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
      second.append('cli', 'record.printed', `record:${i}`);
    }
    expect(second.verify()).toMatchObject({ ok: true, entries: 14 });
    other.db.close();
    db.close();
  });
});

/** What someone with a SQLite shell and the documented recipe can do: rewrite an entry and recompute its hash. */
function rewriteAndRehash(db: Db, id: number, details: string): void {
  const row = db.prepare('SELECT id, at, actor, action, subject, details, prev_hash, os_account, reader FROM audit_log WHERE id = ?').get(id) as Omit<ChainedRow, 'hash'>;
  db.prepare('UPDATE audit_log SET details = ?, hash = ? WHERE id = ?').run(details, entryHash({ ...row, details }), id);
}

function appendViews(audit: AuditLog, n: number): void {
  for (let i = 0; i < n; i++) audit.append('user', 'record.viewed', `record:${i}`);
}

describe('the head verified incrementally (real SQLite)', () => {
  it('reads the whole trail at the first call, then only the entries added since, linked onto the one verified last', () => {
    const { db, audit } = freshLog();
    const before = new Date().toISOString();
    const first = audit.verifyHead();
    expect(first).toMatchObject({ ok: true, mode: 'full', checked: 4, entries: 4, lastId: 4, checkedSinceWhole: 0 });
    expect(first.wholeVerifiedAt! >= before && first.wholeVerifiedAt! <= new Date().toISOString()).toBe(true);
    appendViews(audit, 3);
    const second = audit.verifyHead();
    expect(second).toMatchObject({ ok: true, mode: 'incremental', checked: 3, entries: 7, lastId: 7, wholeVerifiedAt: first.wholeVerifiedAt, checkedSinceWhole: 3 });
    // The rows as the whole check compared them stay in the answer (the header's title lost them at each added entry).
    expect(first.rows).toBeDefined();
    expect(second.rows).toEqual(first.rows);
    // The same answer a whole check gives, less the reading of entries 1–3.
    expect(second.head).toBe(new AuditLog(db).verify().head);
    expect(audit.verifyHead()).toMatchObject({ ok: true, mode: 'incremental', checked: 0, entries: 7, head: second.head, checkedSinceWhole: 3 });
    db.close();
  });

  it('checks entries another process (the CLI) appended meanwhile, and a whole check (an anchor export) restarts the count', () => {
    const { db, audit } = freshLog();
    audit.verifyHead();
    const cli = openDatabase(db.name);
    appendViews(new AuditLog(cli.db), 5);
    cli.db.close();
    expect(audit.verifyHead()).toMatchObject({ ok: true, mode: 'incremental', checked: 5, entries: 9, lastId: 9 });
    const before = new Date().toISOString();
    expect(audit.verify()).toMatchObject({ ok: true, entries: 9 });
    appendViews(audit, 1);
    const after = audit.verifyHead();
    expect(after).toMatchObject({ mode: 'incremental', checked: 1, checkedSinceWhole: 1 });
    expect(after.wholeVerifiedAt! >= before).toBe(true);
    db.close();
  });

  it('finds an entry appended after the checkpoint and then altered, at the next call, and keeps finding it', () => {
    const { db, audit } = freshLog();
    audit.verifyHead();
    appendViews(audit, 3);
    bypassTriggers(db);
    db.prepare(`UPDATE audit_log SET subject = 'record:99' WHERE id = 6`).run();
    expect(audit.verifyHead()).toMatchObject({ ok: false, mode: 'full', problem: { id: 6, reason: expect.stringMatching(/does not match its hash/) } });
    expect(audit.verifyHead()).toMatchObject({ ok: false, mode: 'full', problem: { id: 6 } });
    db.close();
  });

  it('finds the remembered entry altered, and rewritten with a recomputed hash, which a whole check alone would pass', () => {
    const { db, audit } = freshLog();
    const remembered = audit.verifyHead().head;
    const restoreTriggers = bypassTriggers(db);
    db.prepare(`UPDATE audit_log SET details = '{"model":"other"}' WHERE id = 4`).run();
    expect(audit.verifyHead()).toMatchObject({ ok: false, mode: 'full', problem: { id: 4, reason: expect.stringMatching(/does not match its hash/) } });
    // The whole tail rewritten consistently: only the hash this engine remembers shows it.
    rewriteAndRehash(db, 4, '{"model":"other"}');
    restoreTriggers(); // put back as they were, or the whole check would report them missing
    expect(new AuditLog(db).verify()).toMatchObject({ ok: true, entries: 4 });
    expect(audit.verifyHead()).toMatchObject({ ok: false, mode: 'full', problem: { id: 4, reason: expect.stringContaining(`differs from the head this engine verified at`) } });
    expect(audit.verifyHead().problem?.reason).toContain(`was ${remembered?.slice(0, 12)}`);
    db.close();
  });

  it('finds the remembered entry removed from the end, and the removal of it and its successors re-appended', () => {
    const { db, audit } = freshLog();
    audit.verifyHead();
    bypassTriggers(db);
    db.prepare('DELETE FROM audit_log WHERE id = 4').run();
    expect(audit.verifyHead()).toMatchObject({ ok: false, mode: 'full', problem: { id: 4, reason: expect.stringMatching(/names entry 4, which is no longer in the trail/) } });
    // New entries in place of the removed one chain validly from entry 3, but entry 4 is not the one remembered.
    appendViews(audit, 2);
    expect(audit.verifyHead()).toMatchObject({ ok: false, problem: { id: 4, reason: expect.stringMatching(/differs from the head this engine verified/) } });
    db.close();
  });

  it('misses an entry altered before the checkpoint until the next whole check, and says when the last one was', () => {
    const { db, audit } = freshLog();
    const whole = audit.verifyHead();
    bypassTriggers(db);
    db.prepare(`UPDATE audit_log SET actor = 'system' WHERE id = 2`).run();
    appendViews(audit, 1);
    // The honest answer: the new entry is fine, and the whole trail was last verified before the edit.
    expect(audit.verifyHead()).toMatchObject({ ok: true, mode: 'incremental', checked: 1, wholeVerifiedAt: whole.wholeVerifiedAt, checkedSinceWhole: 1 });
    expect(audit.verify()).toMatchObject({ ok: false, problem: { id: 2 } });
    // After a failure every head is verified whole again, and the last intact whole check is still named.
    expect(audit.verifyHead()).toMatchObject({ ok: false, mode: 'full', problem: { id: 2 }, wholeVerifiedAt: whole.wholeVerifiedAt });
    // A restarted engine (a new connection) reads it whole at its first call.
    expect(new AuditLog(db).verifyHead()).toMatchObject({ ok: false, mode: 'full', problem: { id: 2 }, wholeVerifiedAt: null });
    db.close();
  });

  it('starts over on another database: nothing remembered carries over', () => {
    const { db, audit } = freshLog();
    audit.verifyHead();
    const other = freshLog();
    appendViews(other.audit, 2);
    expect(other.audit.verifyHead()).toMatchObject({ ok: true, mode: 'full', checked: 6, entries: 6, wholeVerifiedAt: expect.any(String) });
    // The same file through a new connection too (the app restarted, or the engine after a crash).
    expect(new AuditLog(db).verifyHead()).toMatchObject({ ok: true, mode: 'full', checked: 4 });
    other.db.close();
    db.close();
  });

  it('reads an empty trail whole each time (no hash to link onto), then goes incremental', () => {
    const { db } = openDatabase(path.join(mkdtempSync(path.join(os.tmpdir(), 'einthoven-audit-')), 'empty.sqlite'));
    const audit = new AuditLog(db);
    expect(audit.verifyHead()).toMatchObject({ ok: true, mode: 'full', checked: 0, entries: 0, head: null, wholeVerifiedAt: null });
    appendViews(audit, 2);
    expect(audit.verifyHead()).toMatchObject({ ok: true, mode: 'full', checked: 2 });
    appendViews(audit, 1);
    expect(audit.verifyHead()).toMatchObject({ ok: true, mode: 'incremental', checked: 1, entries: 3 });
    db.close();
  });
});

describe('a removed hash is named at the entry that lost it', () => {
  it('names entry 1, not entry 2, when entry 1 hash and link are set to NULL', () => {
    const { db } = freshLog();
    bypassTriggers(db);
    db.exec('UPDATE audit_log SET hash = NULL, prev_hash = NULL WHERE id = 1');
    const rows = db.prepare('SELECT id, at, actor, action, subject, details, prev_hash, hash, os_account, reader FROM audit_log ORDER BY id').all() as ChainedRow[];
    // The chain alone (verifyChain): before, it said "FAILED at entry 2: links to …, but the entry stored before it hashes to nothing".
    expect(verifyChain(rows).problem).toEqual({ id: 1, reason: expect.stringMatching(/^has no hash, but entry 2 after it links to [0-9a-f]{12}: its hash was removed \(the entry was altered\)$/) });
    db.close();
  });

  it('still reads entries older than the chain (no hash, the first chained entry linking to nothing) as unchained, not altered', () => {
    const { db } = freshLog();
    bypassTriggers(db);
    // As migration 0003 left a trail: entry 1 from before the chain, entry 2 its first link.
    const [first, second] = db.prepare('SELECT id, at, actor, action, subject, details, prev_hash, hash, os_account, reader FROM audit_log WHERE id <= 2 ORDER BY id').all() as ChainedRow[];
    const legacy = { ...first!, hash: null, prev_hash: null };
    const start = { ...second!, prev_hash: null };
    expect(verifyChain([legacy, { ...start, hash: entryHash(start) }])).toMatchObject({ ok: true, entries: 2, unchained: 1 });
    db.close();
  });
});
