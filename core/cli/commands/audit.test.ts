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

  // A source file's name as anyone with a SQLite shell may write it: a right-to-left override, an 8-bit CSI and a line separator,
  // which JSON leaves as they are. Printed raw, the MISMATCH line read reordered and recoloured.
  it("writes what a finding quotes from a row, and an entry's details, with no control or bidirectional character", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'audit-cli-'));
    const hea = fixturePath('train', 'ptbxl', 'records100', '00000', '00001_lr.hea');
    expect(await importCommand.run([hea, hea.replace(/\.hea$/, '.dat'), '--json', '--data-dir', dataDir], capture())).toBe(0);
    const { db } = openDatabase(databasePath(dataDir));
    db.exec('DROP TRIGGER records_no_update; DROP TRIGGER audit_log_no_update');
    db.prepare('UPDATE records SET source_path = ?').run('ecg\u202etad.exe\u009b31m\u2028OK');
    const verified = await audit(['--verify', '--data-dir', dataDir]);
    // Then the entry itself (verified first: an altered entry fails the chain before the rows are compared).
    db.prepare('UPDATE audit_log SET details = ? WHERE id = 1').run(JSON.stringify({ note: 'x\u202ey\u0085' }));
    db.close();
    const listed = await audit(['--data-dir', dataDir]);
    const lines = [...verified.out, ...listed.out];
    expect(verified.out.some((line) => line.startsWith('MISMATCH records record 1: ') && line.includes('ecg\\u202etad.exe\\u009b31m\\u2028OK'))).toBe(true);
    expect(listed.out[0]).toMatch(/\t\{"note":"x\\u202ey\\u0085"\}$/);
    // Tabs apart, which separate the listing's columns.
    // eslint-disable-next-line no-control-regex -- the control characters are what must not be printed
    expect(lines.filter((line) => /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/.test(line))).toEqual([]);
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
