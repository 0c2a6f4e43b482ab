import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog, currentOsAccount } from '../../db/audit';
import { entryHash, type ChainedRow } from '../../db/audit-chain';
import { openDatabase, type Db } from '../../db/database';
import { databasePath } from '../../engine/data-dir';
import type { CliIO } from '../command';
import { withPipe } from '../../test/named-pipe';
import { auditCommand } from './audit';

async function audit(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { stdout: (t) => out.push(t), stderr: (t) => err.push(t) };
  return { code: await auditCommand.run(args, io), out, err };
}

function trail(entries: number, reader?: string): { dataDir: string; db: Db } {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'audit-anchor-'));
  const { db } = openDatabase(databasePath(dataDir));
  const log = new AuditLog(db, () => ({ osAccount: currentOsAccount(), reader }));
  db.transaction(() => {
    for (let i = 1; i <= entries; i++) log.append(i % 3 === 0 ? 'system' : 'user', 'record.viewed', `record:${i}`, { n: i });
  })();
  return { dataDir, db };
}

/** What an attacker with the file does: drop the triggers, delete, then recompute every hash (optionally renumbering ids). */
function rewriteWithout(db: Db, id: number, renumber: boolean): void {
  // Kept to be put back exactly as they were: a perfect rewrite leaves no missing trigger for verify to find.
  const triggers = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'").pluck().all() as string[];
  db.exec('DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;');
  db.prepare('DELETE FROM audit_log WHERE id = ?').run(id);
  if (renumber) db.prepare('UPDATE audit_log SET id = id - 1 WHERE id > ?').run(id);
  const rows = db.prepare('SELECT id, at, actor, action, subject, details, prev_hash, hash, os_account, reader FROM audit_log ORDER BY id').all() as ChainedRow[];
  let previous: string | null = null;
  for (const row of rows) {
    const hash = entryHash({ ...row, prev_hash: previous });
    db.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?').run(previous, hash, row.id);
    previous = hash;
  }
  for (const sql of triggers) db.exec(sql);
}

describe('ecg audit: complete export, attribution, anchors', () => {
  it('exports all 1,240 entries as 1,240 JSON lines, each naming the OS account and the reader', async () => {
    const { dataDir, db } = trail(1240, 'Dr A. Reader');
    db.close();
    const all = await audit(['--json', '--data-dir', dataDir]);
    expect(all.code).toBe(0);
    expect(all.out).toHaveLength(1240);
    expect(all.err).toEqual([]);
    const entries = all.out.map((l) => JSON.parse(l) as { id: number; osAccount: string; reader: string });
    expect(entries.map((e) => e.id)).toEqual(Array.from({ length: 1240 }, (_, i) => i + 1));
    expect(entries.every((e) => e.osAccount === currentOsAccount() && e.reader === 'Dr A. Reader')).toBe(true);
    // An explicit page says on stderr that more follow and where to continue.
    const page = await audit(['--json', '--limit', '1000', '--data-dir', dataDir]);
    expect(page.out).toHaveLength(1000);
    expect(page.err.join('\n')).toMatch(/more follow: continue with --after-id 1000/);
    const rest = await audit(['--json', '--limit', '1000', '--after-id', '1000', '--data-dir', dataDir]);
    expect(rest.out).toHaveLength(240);
    expect(rest.err).toEqual([]);
  });

  it("prints a reader's name holding line breaks and tabs escaped, on its entry's one line, where it forged an entry of its own", async () => {
    const forged = 'Dr X\n99\t2026-12-07T00:00:00.000Z\tcli\tadmin\t-\trecord.removed\trecord:1\t{}\\';
    const { dataDir, db } = trail(2, forged);
    db.close();
    const listed = await audit(['--data-dir', dataDir]);
    expect(listed.out).toHaveLength(2);
    expect(listed.out.every((line) => !line.includes('\n') && line.split('\t').length === 8)).toBe(true);
    expect(listed.out[0]?.split('\t')[4]).toBe('Dr X\\n99\\t2026-12-07T00:00:00.000Z\\tcli\\tadmin\\t-\\trecord.removed\\trecord:1\\t{}\\');
    // The JSON export keeps the name as it is.
    expect((JSON.parse((await audit(['--json', '--data-dir', dataDir])).out[0] ?? '') as { reader: string }).reader).toBe(forged);
  });

  it('detects a deleted entry after every hash was recomputed: by the id gap, or with renumbered ids by the exported anchor', async () => {
    for (const renumber of [false, true]) {
      const { dataDir, db } = trail(30);
      db.close();
      const anchorFile = path.join(dataDir, 'anchor.json');
      const exported = await audit(['--export-anchor', anchorFile, '--data-dir', dataDir]);
      expect(exported.out[0]).toMatch(/anchor written to .*entry 30 [0-9a-f]{64}/);
      // A second export never replaces the first: it is the evidence.
      const kept = readFileSync(anchorFile, 'utf8');
      await expect(audit(['--export-anchor', anchorFile, '--data-dir', dataDir])).rejects.toThrow(/anchor\.json already exists: an exported anchor is never replaced/);
      expect(readFileSync(anchorFile, 'utf8')).toBe(kept);
      const verified = await audit(['--verify', '--anchor', anchorFile, '--data-dir', dataDir]);
      expect(verified.code).toBe(0);
      expect(verified.out.join('\n')).toMatch(/head: entry 30 [0-9a-f]{64}[\s\S]*matches 1 exported anchor/);

      const { db: attacker } = openDatabase(databasePath(dataDir));
      rewriteWithout(attacker, 12, renumber);
      attacker.close();
      const plain = await audit(['--verify', '--data-dir', dataDir]);
      if (renumber) expect(plain.code).toBe(0); // a perfect rewrite: only an outside anchor can tell
      else expect(plain.out[0]).toMatch(/FAILED at entry 13: entry 12 is missing/);
      const anchored = await audit(['--verify', '--anchor', anchorFile, '--data-dir', dataDir]);
      expect(anchored.code).toBe(1);
      expect(anchored.out[0]).toMatch(renumber ? /FAILED at entry 30: the exported anchor names entry 30, which is no longer in the trail/ : /FAILED at entry 13/);
    }
  });

  it('finds a rewrite that keeps the anchored entry but changes an earlier one', async () => {
    const { dataDir, db } = trail(10);
    db.close();
    const anchorFile = path.join(dataDir, 'anchor.json');
    await audit(['--export-anchor', anchorFile, '--data-dir', dataDir]);
    const { db: attacker } = openDatabase(databasePath(dataDir));
    attacker.exec('DROP TRIGGER audit_log_no_update;');
    attacker.prepare(`UPDATE audit_log SET details = '{"n":0}' WHERE id = 3`).run();
    rewriteWithout(attacker, 99, false); // recompute the chain only (nothing to delete)
    attacker.close();
    const anchored = await audit(['--verify', '--anchor', anchorFile, '--data-dir', dataDir]);
    expect(anchored.out[0]).toMatch(/FAILED at entry 10: differs from the exported anchor/);
  });

  it("says an anchor of another installation's trail is one, rather than that entries were removed from this one's end", async () => {
    const mine = trail(10);
    const theirs = trail(40);
    mine.db.close();
    theirs.db.close();
    const anchorFile = path.join(theirs.dataDir, 'anchor.json');
    await audit(['--export-anchor', anchorFile, '--data-dir', theirs.dataDir]);
    expect(JSON.parse(readFileSync(anchorFile, 'utf8'))).toMatchObject({ version: 2, lastId: 40, first: { id: 1, hash: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    const checked = await audit(['--verify', '--anchor', anchorFile, '--data-dir', mine.dataDir]);
    expect(checked.code).toBe(1);
    expect(checked.out[0]).toMatch(/FAILED at entry 1: the exported anchor begins at another first entry \([0-9a-f]{12}, this trail's is [0-9a-f]{12}\): it was exported from another installation's trail, or this one was rewritten from its start/);
    // Its own trail still verifies against it.
    expect((await audit(['--verify', '--anchor', anchorFile, '--data-dir', theirs.dataDir])).code).toBe(0);
  });
  // A device or a pipe has size 0 to stat, and a large file passed no check: --anchor /dev/zero held 7 GB
  // in 20 s. A pipe (its writer giving an anchor-sized text) and a 1 MiB file stand in, refused unread.
  it.skipIf(process.platform === 'win32')('refuses an --anchor that is no regular file or too large for one, before reading it', async () => {
    const { dataDir, db } = trail(3);
    db.close();
    const fifo = path.join(dataDir, 'anchor-pipe.json');
    await withPipe(fifo, '{}', async () => {
      await expect(audit(['--verify', '--anchor', fifo, '--data-dir', dataDir])).rejects.toMatchObject({
        code: 'E_VALIDATION',
        message: `${fifo}: not an Einthoven audit anchor file (not a regular file: a folder, device, pipe or socket; nothing was read from it)`,
      });
    });
    const large = path.join(dataDir, 'large.json');
    writeFileSync(large, Buffer.alloc(1024 * 1024 + 1, 0x20));
    await expect(audit(['--verify', '--anchor', large, '--data-dir', dataDir])).rejects.toMatchObject({
      code: 'E_VALIDATION',
      message: `${large}: not an Einthoven audit anchor file (1048577 bytes; an anchor is under 65536)`,
    });
  });
});

