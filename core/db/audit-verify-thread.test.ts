import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../engine/engine';
import { AuditLog } from './audit';
import { verifyTrailOffThread } from './audit-verify-thread';
import { databasePath } from '../engine/data-dir';
import { openDatabase } from './database';

/** A trail of `n` entries written in one transaction (each append's own becomes a savepoint). */
function trail(n: number): { dbPath: string; audit: AuditLog; db: ReturnType<typeof openDatabase>['db'] } {
  const dbPath = path.join(mkdtempSync(path.join(os.tmpdir(), 'einthoven-audit-thread-')), 'test.sqlite');
  const { db } = openDatabase(dbPath);
  const audit = new AuditLog(db);
  db.transaction(() => {
    for (let i = 0; i < n; i++) audit.append('user', 'record.viewed', `record:${i}`);
  })();
  return { dbPath, audit, db };
}

describe('the whole audit check on a thread of its own (real SQLite, a real worker thread)', () => {
  it('gives what the engine thread would, and counts what was appended while it read', async () => {
    const { dbPath, audit, db } = trail(2000);
    const sameThread = new AuditLog(db).verify();
    let calls = 0;
    const whole = (anchors: Parameters<typeof verifyTrailOffThread>[1]) => {
      calls++;
      // Written while the thread reads: linked onto what it verified, afterwards, on this thread.
      const read = verifyTrailOffThread(dbPath, anchors);
      audit.append('user', 'record.viewed', 'record:late');
      return read;
    };
    const [first, second] = await Promise.all([audit.verifyHeadAsync(whole), audit.verifyHeadAsync(whole)]);
    expect(calls).toBe(1);
    expect(first).toMatchObject({ ok: true, mode: 'full', entries: 2001, checked: 2001, lastId: 2001 });
    expect(second).toMatchObject({ ok: true, entries: 2001, lastId: 2001 });
    expect(await verifyTrailOffThread(dbPath, [])).toEqual({ ...sameThread, entries: 2001, lastId: 2001, head: first.head });
    audit.append('user', 'record.viewed', 'record:next');
    expect(await audit.verifyHeadAsync(whole)).toMatchObject({ ok: true, mode: 'incremental', checked: 1, entries: 2002 });
    expect(calls).toBe(1);
  });

  it('verifies whole again when asked, or when the last whole check is older than allowed', async () => {
    const { dbPath, audit } = trail(30);
    let calls = 0;
    const whole = (anchors: Parameters<typeof verifyTrailOffThread>[1]) => (calls++, verifyTrailOffThread(dbPath, anchors));
    await audit.verifyHeadAsync(whole);
    audit.append('user', 'record.viewed', 'record:30');
    expect(await audit.verifyHeadAsync(whole)).toMatchObject({ mode: 'incremental', checked: 1, checkedSinceWhole: 1 });
    expect(await audit.verifyHeadAsync(whole, { force: true })).toMatchObject({ ok: true, mode: 'full', checked: 31, checkedSinceWhole: 0 });
    expect(await audit.verifyHeadAsync(whole, { maxWholeAgeMs: 60_000 })).toMatchObject({ mode: 'incremental', checked: 0 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await audit.verifyHeadAsync(whole, { maxWholeAgeMs: 1 })).toMatchObject({ ok: true, mode: 'full', checked: 31 });
    expect(calls).toBe(3);
  });

  it('finds an altered entry and keeps finding it, a whole check each time', async () => {
    const { dbPath, audit, db } = trail(50);
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare(`UPDATE audit_log SET actor = 'someone else' WHERE id = 17`).run();
    const whole = (anchors: Parameters<typeof verifyTrailOffThread>[1]) => verifyTrailOffThread(dbPath, anchors);
    expect(await audit.verifyHeadAsync(whole)).toMatchObject({ ok: false, mode: 'full', problem: { id: 17, reason: expect.stringMatching(/does not match its hash/) } });
    expect(await audit.verifyHeadAsync(whole)).toMatchObject({ ok: false, mode: 'full', problem: { id: 17 } });
  });

  it("answers the engine's other requests while it reads a long trail", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-audit-thread-engine-'));
    const engine = new Engine({ dataDir, shell: 'test' });
    try {
      // 10,000 entries, not 100,000: the order below is decided by the check running on this thread
      // or not (a check here answers first whatever the trail's length, checked with 10,000), and
      // appending and checking 100,000 took about 4 s of CPU.
      engine.db.transaction(() => {
        for (let i = 0; i < 10_000; i++) engine.audit.append('user', 'record.viewed', `record:${i}`);
      })();
      expect(databasePath(dataDir)).toBe(engine.db.name);
      const order: string[] = [];
      const head = engine.handle('audit:head', {}).then((r) => (order.push('audit:head'), r));
      const list = engine.handle('records:list', {}).then((r) => (order.push('records:list'), r));
      expect(await head).toMatchObject({ ok: true, value: { ok: true, mode: 'full', entries: 10_000 } });
      expect(await list).toMatchObject({ ok: true });
      // The worklist did not wait for 10,000 entries to be read.
      expect(order).toEqual(['records:list', 'audit:head']);
      // An anchor export reads the whole trail on the same thread; the head after it counts from it.
      expect(await engine.handle('audit:export-anchor', {})).toMatchObject({ ok: true, value: { lastId: 10_000 } });
      expect(await engine.handle('audit:head', {})).toMatchObject({ ok: true, value: { ok: true, mode: 'incremental', checked: 1, checkedSinceWhole: 1 } });
    } finally {
      await engine.close();
    }
  });
});
