import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AuditLog } from './audit';
import { openDatabase } from './database';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** A user+mount namespace lets an unprivileged test mount a read-only file system; skipped where the kernel forbids it. */
const canMount = process.platform === 'linux' && spawnSync('unshare', ['-rm', 'true']).status === 0;

function trail(): string {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-ro-src-'));
  const { db } = openDatabase(path.join(dataDir, 'einthoven.sqlite'));
  const audit = new AuditLog(db);
  for (let i = 0; i < 5; i++) audit.append('user', 'record.viewed', `record:${i}`);
  db.close();
  return dataDir;
}

describe('a read-only data folder (archival media) opens read-only', () => {
  it('opens a database read-only on request, never migrating or writing it', () => {
    const dataDir = trail();
    const { db, readonly } = openDatabase(path.join(dataDir, 'einthoven.sqlite'), undefined, { readonly: true });
    expect(readonly).toBe(true);
    expect(new AuditLog(db).verify()).toMatchObject({ ok: true, entries: 5 });
    expect(() => db.prepare("INSERT INTO app_state (key, value) VALUES ('a', 'b')").run()).toThrow(/readonly/);
    db.close();
  });

  it.runIf(canMount)('ecg audit --verify and --json work on a read-only mount (WAL database, no -shm beside it)', () => {
    const source = trail();
    const mount = mkdtempSync(path.join(os.tmpdir(), 'einthoven-ro-mnt-'));
    mkdirSync(path.join(mount, 'data'));
    cpSync(path.join(source, 'einthoven.sqlite'), path.join(mount, 'copy.sqlite'));
    const cli = `${process.execPath} --import tsx core/cli/main.ts audit`;
    const script = [
      `mount -t tmpfs none ${mount}/data`,
      `cp ${mount}/copy.sqlite ${mount}/data/einthoven.sqlite`,
      `mount -o remount,ro ${mount}/data`,
      `${cli} --verify --data-dir ${mount}/data`,
      `${cli} --json --data-dir ${mount}/data | wc -l`,
    ].join(' && ');
    const run = spawnSync('unshare', ['-rm', 'sh', '-c', script], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^OK: 5 entries, 5 hash-chained; 0 records, 0 readings, 0 predictions, 0 notes, 0 fiducial corrections, 0 PE assessments match their entries; \d+ guard triggers in place\nhead: entry 5 [0-9a-f]{64}[^\n]*\n5\n$/);
  });
});
