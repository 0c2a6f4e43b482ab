import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/database';
import { databasePath } from '../../engine/data-dir';
import { Engine } from '../../engine/engine';
import { fixturePath } from '../../test/shared-data';
import { auditCommand } from './audit';
import { importCommand } from './import';
import { capture } from '../../test/cli-io';

async function audit(args: string[]): Promise<{ code: number; out: string[] }> {
  const io = capture();
  return { code: await auditCommand.run(args, io), out: io.out };
}

describe('ecg audit', () => {
  it('exports who imported and viewed a real record as JSON lines, filters them, and verifies the chain', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'audit-cli-'));
    const hea = fixturePath('train', 'ptbxl', 'records100', '00000', '00001_lr.hea');
    expect(await importCommand.run([hea, hea.replace(/\.hea$/, '.dat'), '--json', '--data-dir', dataDir], capture())).toBe(0);
    const engine = new Engine({ dataDir, shell: 'test' });
    expect(await engine.handle('records:get', { id: 1 })).toMatchObject({ ok: true });
    await engine.close();

    const all = await audit(['--json', '--data-dir', dataDir]);
    expect(all.code).toBe(0);
    const entries = all.out.map((line) => JSON.parse(line) as { id: number; actor: string; action: string; subject: string; hash: string });
    expect(entries.map((e) => [e.actor, e.action, e.subject])).toEqual([
      ['cli', 'record.imported', 'record:1'],
      ['user', 'record.viewed', 'record:1'],
    ]);
    expect((await audit(['--json', '--action', 'record.viewed', '--data-dir', dataDir])).out).toHaveLength(1);
    expect((await audit(['--json', '--after-id', '1', '--data-dir', dataDir])).out.map((l) => (JSON.parse(l) as { id: number }).id)).toEqual([2]);
    expect((await audit(['--since', '2999-01-01', '--data-dir', dataDir])).out).toEqual([]);
    // One entry printed of two: it said "1 entries printed".
    const limited = capture();
    expect(await auditCommand.run(['--limit', '1', '--data-dir', dataDir], limited)).toBe(0);
    expect(limited.err).toEqual(['ecg audit: 1 entry printed (--limit 1); more follow: continue with --after-id 1']);

    const verified = await audit(['--verify', '--json', '--data-dir', dataDir]);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.out[0] ?? '')).toEqual({ ok: true, entries: 2, unchained: 0, head: entries[1]?.hash, lastId: 2, problem: null, first: { id: 1, hash: entries[0]?.hash }, rows: expect.objectContaining({ records: 1, findings: [] }) });

    // Someone edits the import entry with a SQLite shell after dropping the trigger.
    const { db } = openDatabase(databasePath(dataDir));
    db.exec("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'someone-else' WHERE id = 1;");
    db.close();
    const tampered = await audit(['--verify', '--data-dir', dataDir]);
    expect(tampered.code).toBe(1);
    expect(tampered.out[0]).toMatch(/^FAILED at entry 1: its content does not match its hash/);
  });

  it('reports a lowered schema_migrations as a contradiction, and the guard it hid as missing, where it said the database predated the guards', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'audit-cli-'));
    const hea = fixturePath('train', 'ptbxl', 'records100', '00000', '00001_lr.hea');
    expect(await importCommand.run([hea, hea.replace(/\.hea$/, '.dat'), '--json', '--data-dir', dataDir], capture())).toBe(0);
    // Someone edits a record with a SQLite shell, and lowers the recorded migrations so that the missing guard looks not yet added.
    const { db } = openDatabase(databasePath(dataDir));
    db.exec("DROP TRIGGER records_no_update; UPDATE records SET patient_name = 'Someone Else'; DELETE FROM schema_migrations WHERE version = 17; PRAGMA user_version = 16");
    db.close();
    const tampered = await audit(['--verify', '--data-dir', dataDir]);
    expect(tampered.code).toBe(1);
    expect(tampered.out).toEqual([
      expect.stringMatching(/^MISMATCH records record 1: patient identity or import fields differ from what entry 1 recorded/),
      expect.stringMatching(/^MISMATCH schema_migrations: migration 17 \(clinical-rows-guarded\) is not recorded as applied, yet 10 of its 11 schema objects are in the database .*; entry 1 of the trail holds a row digest, which only a version that applied it writes: the record of applied migrations was edited/),
      'MISMATCH records: trigger records_no_update is missing: rows of records could be changed without a trace in the trail',
      'FAILED: 3 mismatches between the stored rows (or their guard triggers) and the trail (1 entry read)',
    ]);
  });

  it('refuses bad flags and a missing database with a clear error, creating nothing', async () => {
    const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'audit-cli-')), 'absent');
    await expect(audit(['--data-dir', dataDir])).rejects.toThrow(/no Einthoven database at .*absent/);
    await expect(audit(['--limit', '0', '--data-dir', dataDir])).rejects.toThrow(/--limit must be a whole number from 1/);
    await expect(audit(['--since', 'yesterday', '--data-dir', dataDir])).rejects.toThrow(/--since must be an ISO 8601 date/);
    // Date.parse alone would read 2024-02-30 as 1 March.
    await expect(audit(['--since', '2024-02-30', '--data-dir', dataDir])).rejects.toThrow(/--since must be an ISO 8601 date.*got '2024-02-30'/);
    await expect(audit(['--verfy', '--data-dir', dataDir])).rejects.toThrow(/Unknown option '--verfy'/);
    expect(existsSync(dataDir)).toBe(false);
  });
});
