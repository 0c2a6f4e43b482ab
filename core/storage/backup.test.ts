import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupCommand } from '../cli/commands/backup';
import { importCommand } from '../cli/commands/import';
import { AuditLog } from '../db/audit';
import { openDatabase } from '../db/database';
import { databasePath } from '../engine/data-dir';
import { Engine } from '../engine/engine';
import { fixturePath } from '../test/shared-data';
import { auditBackup, auditThroughFile, createBackup, manifestName } from './backup';
import { checkBackup, restoreBackup } from './backup-check';
import { capture } from '../test/cli-io';
import { withPipe } from '../test/named-pipe';

const cliAudit = (dataDir: string) => auditThroughFile(databasePath(dataDir), 'cli');

const repoRoot = path.resolve(import.meta.dirname, '../..');

/** A data folder as the app leaves it: a real imported record, a model package, an export, the signing key, a training checkpoint and the shell's log. */
async function makeDataFolder(): Promise<string> {
  const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'backup-template-')), 'data');
  const hea = fixturePath('train', 'ptbxl', 'records100', '00000', '00001_lr.hea');
  expect(await importCommand.run([hea, hea.replace(/\.hea$/, '.dat'), '--data-dir', dataDir], capture())).toBe(0);
  const files: Record<string, string> = {
    'models/site-model/manifest.json': '{"name":"site-model"}',
    'models/site-model/weights.bin': 'w'.repeat(4096),
    'exports/00001_lr.csv': 'time,I\n0,0.1\n',
    'keys/signing-key.json': '{"private":"secret"}',
    'checkpoints/site-model/checkpoint.json': '{"epoch":3}',
    'logs/einthoven.log': '2026-12-06T10:00:00.000Z v1.0.0 pid 1: engine started\n',
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dataDir, file)), { recursive: true });
    writeFileSync(path.join(dataDir, file), text);
  }
  return dataDir;
}

/**
 * A fresh copy of that data folder, in a folder of its own (its siblings are the test's backups and
 * restores). Imported once and copied: the import took seconds per test, and a copy of a closed
 * SQLite database (no connection open, so no -wal beside it) is the same database.
 */
let template: Promise<string> | undefined;
async function dataFolder(): Promise<string> {
  template ??= makeDataFolder();
  const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'backup-')), 'data');
  cpSync(await template, dataDir, { recursive: true });
  return dataDir;
}

/**
 * Another process that opens a write transaction on `file` (a table created, not committed), and
 * commits after `commitWhen.afterMs`, or as soon as the file `commitWhen.exists` appears (polled every
 * 10 ms; a minute at most). Resolves once the transaction is open, with a promise of the process's
 * exit code (wrapped: an async function returning a promise would wait for it).
 */
async function holdWriteTransaction(file: string, commitWhen: { afterMs: number } | { exists: string }): Promise<{ exited: Promise<number | null>; stop: () => void }> {
  const commit = "db.exec('COMMIT'); db.close(); process.exit(0);";
  const schedule =
    'afterMs' in commitWhen
      ? `setTimeout(() => { ${commit} }, ${commitWhen.afterMs});`
      : `setInterval(() => { if (require('node:fs').existsSync(${JSON.stringify(commitWhen.exists)})) { ${commit} } }, 10); setTimeout(() => { ${commit} }, 60000);`;
  const script = `const db = require('better-sqlite3')(${JSON.stringify(file)}); db.exec('BEGIN IMMEDIATE; CREATE TABLE uncommitted_work (x INTEGER)'); console.log('held'); ${schedule}`;
  const child = spawn(process.execPath, ['-e', script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('held') && resolve());
    child.on('exit', (code) => reject(new Error(`the writer exited (${code}) before holding its transaction`)));
  });
  return { exited, stop: () => child.kill() };
}

const lastAudit = (file: string) => {
  const { db } = openDatabase(file, undefined, { readonly: true });
  try {
    const entries = [...new AuditLog(db).all({ afterId: 0 })];
    return { last: entries.at(-1), verification: new AuditLog(db).verify() };
  } finally {
    db.close();
  }
};

describe('backing up, checking and restoring a data folder', () => {
  it('copies a consistent snapshot while another connection holds an uncommitted write, with the packages and exports, not the key', async () => {
    const dataDir = await dataFolder();
    const before = lastAudit(databasePath(dataDir)).verification;
    // The app writing at the moment of the backup, in its own process: its uncommitted work must not be in the
    // copy, and must not block it. The audit entry after the snapshot waits (SQLite's busy timeout) for the commit,
    // which comes once the backup's manifest, written after the snapshot and its check, is there (it waited a fixed 3 s).
    const dest = path.join(path.dirname(dataDir), 'backup-1');
    const writer = await holdWriteTransaction(databasePath(dataDir), { exists: path.join(dest, manifestName) });
    const { manifest, notAudited } = await createBackup(dataDir, dest, cliAudit(dataDir));
    expect(await writer.exited).toBe(0);

    expect(manifest.database.records).toBe(1);
    expect(manifest.database.audit).toEqual({ entries: before.entries, lastId: before.lastId, head: before.head });
    expect(manifest.files.map((f) => f.path).sort()).toEqual(['exports/00001_lr.csv', 'models/site-model/manifest.json', 'models/site-model/weights.bin']);
    expect(existsSync(path.join(dest, 'keys'))).toBe(false);
    expect(existsSync(path.join(dest, 'checkpoints'))).toBe(false);
    expect(existsSync(path.join(dest, 'logs'))).toBe(false);
    // Every folder not copied is named, so IT knows what the backup is not.
    expect(manifest.leftOut.join(' ')).toMatch(/keys\/.*signing key.*checkpoints\/.*logs\/.*einthoven\.log/);
    expect(readFileSync(path.join(dest, 'models', 'site-model', 'weights.bin'), 'utf8')).toBe('w'.repeat(4096));
    const { db: copy } = openDatabase(path.join(dest, 'einthoven.sqlite'), undefined, { readonly: true });
    expect(copy.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'uncommitted_work'").get()).toEqual({ n: 0 });
    copy.close();

    // The source's trail says where the backup went and which head it holds.
    expect(notAudited).toBeNull();
    const source = lastAudit(databasePath(dataDir));
    expect(source.verification.ok).toBe(true);
    expect(source.last).toMatchObject({ actor: 'cli', action: 'data.backup', details: { to: dest, records: 1, auditHead: { id: before.lastId, hash: before.head } } });

    expect(await checkBackup(dest)).toMatchObject({ ok: true, problems: [] });
  });

  it('names every file changed, missing or added after the backup, and a trail edited inside it', async () => {
    const dataDir = await dataFolder();
    const dest = path.join(path.dirname(dataDir), 'backup-2');
    await createBackup(dataDir, dest, cliAudit(dataDir));
    appendFileSync(path.join(dest, 'models', 'site-model', 'weights.bin'), 'x');
    writeFileSync(path.join(dest, 'exports', 'added.csv'), 'a');
    const { db } = openDatabase(path.join(dest, 'einthoven.sqlite'));
    db.exec("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'someone-else' WHERE id = 1;");
    db.close();
    const check = await checkBackup(dest);
    expect(check.ok).toBe(false);
    expect(check.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^einthoven\.sqlite: its SHA-256 is not the manifest's/),
        'models/site-model/weights.bin: 4097 bytes, the manifest says 4096',
        'exports/added.csv: not in the manifest',
        expect.stringMatching(/^audit trail: fails at entry 1: its content does not match its hash/),
      ]),
    );
    // A manifest edited to name a file outside the backup: named, never read or copied.
    const manifestFile = path.join(dest, manifestName);
    const edited = JSON.parse(readFileSync(manifestFile, 'utf8')) as { files: object[] };
    edited.files.push({ path: '../../outside.txt', bytes: 1, sha256: '0'.repeat(64) });
    writeFileSync(manifestFile, JSON.stringify(edited));
    expect((await checkBackup(dest)).problems).toContain('../../outside.txt: not a path inside the backup');
    // And it is not restored.
    await expect(restoreBackup(dest, path.join(path.dirname(dataDir), 'restored'), 'cli')).rejects.toThrow(/fails its check, nothing was restored/);
    expect(existsSync(path.join(path.dirname(dataDir), 'restored'))).toBe(false);
  });

  it('finds a listed file replaced by a link, even to identical bytes outside the backup, and refuses a manifest that is no regular file unread', async () => {
    const dataDir = await dataFolder();
    const dest = path.join(path.dirname(dataDir), 'backup-links');
    await createBackup(dataDir, dest, cliAudit(dataDir));
    // Same bytes, so same size and SHA-256: the check passed, and a restore would have copied whatever the link reached.
    const listed = path.join(dest, 'exports', '00001_lr.csv');
    const outside = path.join(path.dirname(dataDir), 'outside.csv');
    cpSync(listed, outside);
    rmSync(listed);
    symlinkSync(outside, listed);
    const check = await checkBackup(dest);
    expect(check.ok).toBe(false);
    expect(check.problems).toEqual(['exports/00001_lr.csv: not a regular file (a link, folder, device, pipe or socket)']);
    // Or a folder on its path made a link to a copy elsewhere: the file itself is regular there.
    rmSync(listed);
    cpSync(outside, listed);
    const elsewhere = path.join(path.dirname(dataDir), 'exports-elsewhere');
    cpSync(path.join(dest, 'exports'), elsewhere, { recursive: true });
    rmSync(path.join(dest, 'exports'), { recursive: true });
    symlinkSync(elsewhere, path.join(dest, 'exports'));
    expect((await checkBackup(dest)).problems).toEqual(['exports/00001_lr.csv: reached through a link out of the backup']);
    // A manifest that is a pipe (a device is one too, size 0 to stat, never ending) is refused before it is read.
    const manifestFile = path.join(dest, manifestName);
    rmSync(manifestFile);
    await withPipe(manifestFile, '{}', async () => {
      await expect(checkBackup(dest)).rejects.toMatchObject({ code: 'E_FORMAT', message: `${manifestFile} is not an Einthoven backup manifest: not a regular file (a link, folder, device, pipe or socket); nothing was read from it` });
    });
  });

  it('restores into a new folder only, where the app reads the record and the trail goes on from the backup, saying so', async () => {
    const dataDir = await dataFolder();
    const dest = path.join(path.dirname(dataDir), 'backup-3');
    const { manifest } = await createBackup(dataDir, dest, cliAudit(dataDir));
    await expect(restoreBackup(dest, dataDir, 'cli')).rejects.toThrow(/already holds a database: a restore never writes over stored records/);
    const target = path.join(path.dirname(dataDir), 'restored');
    await restoreBackup(dest, target, 'cli');
    expect(readFileSync(path.join(target, 'models', 'site-model', 'manifest.json'), 'utf8')).toBe('{"name":"site-model"}');
    const engine = new Engine({ dataDir: target, shell: 'test' });
    try {
      expect(await engine.handle('records:get', { id: 1 })).toMatchObject({ ok: true, value: { id: 1 } });
    } finally {
      await engine.close();
    }
    const restored = lastAudit(databasePath(target));
    expect(restored.verification.ok).toBe(true);
    const trail = (() => {
      const { db } = openDatabase(databasePath(target), undefined, { readonly: true });
      try {
        return [...new AuditLog(db).all({ afterId: 0 })].map((e) => e.action);
      } finally {
        db.close();
      }
    })();
    expect(trail.slice(0, 2)).toEqual(['record.imported', 'data.restored']);
    expect(trail.filter((a) => a === 'data.restored')).toHaveLength(1);
    expect(restored.verification.entries).toBeGreaterThan(manifest.database.audit.entries);
  });

  it('refuses to restore into a folder inside the backup, named or through a link, writing nothing, so the backup still passes its check', async () => {
    const dataDir = await dataFolder();
    const dest = path.join(path.dirname(dataDir), 'backup-inside');
    await createBackup(dataDir, dest, cliAudit(dataDir));
    const link = path.join(path.dirname(dataDir), 'backup-link');
    symlinkSync(dest, link);
    for (const target of [path.join(dest, 'restored'), path.join(link, 'restored'), dest]) {
      await expect(restoreBackup(dest, target, 'cli')).rejects.toThrow(expect.objectContaining({ code: 'E_VALIDATION', message: expect.stringContaining(`${target} is inside the backup ${dest} it would restore`) }));
    }
    expect(existsSync(path.join(dest, 'restored'))).toBe(false);
    expect(await checkBackup(dest)).toMatchObject({ ok: true, problems: [] });
  });

  it('refuses a backup into a folder of the data folder whose name begins with "..", and a restore into one of the backup', async () => {
    // '..backups' inside the data folder: its relative path begins with the characters '..', and
    // the check took it for one outside, letting the backup into the folder it copies.
    const dataDir = await dataFolder();
    const dest = path.join(dataDir, '..backups');
    await expect(createBackup(dataDir, dest, cliAudit(dataDir))).rejects.toThrow(expect.objectContaining({ code: 'E_VALIDATION', message: expect.stringContaining(`${dest} is inside the data folder it would back up`) }));
    expect(existsSync(dest)).toBe(false);
    const backup = path.join(path.dirname(dataDir), 'backup');
    await createBackup(dataDir, backup, cliAudit(dataDir));
    const target = path.join(backup, '..restored');
    await expect(restoreBackup(backup, target, 'cli')).rejects.toThrow(expect.objectContaining({ code: 'E_VALIDATION', message: expect.stringContaining(`${target} is inside the backup ${backup} it would restore`) }));
    expect(existsSync(target)).toBe(false);
    expect(await checkBackup(backup)).toMatchObject({ ok: true, problems: [] });
  });

  it('refuses a folder that is not empty, an unfinished backup and a data folder with no database, writing nothing', async () => {
    const dataDir = await dataFolder();
    const busy = path.join(path.dirname(dataDir), 'busy');
    mkdirSync(busy);
    writeFileSync(path.join(busy, 'keep.txt'), 'mine');
    await expect(createBackup(dataDir, busy, cliAudit(dataDir))).rejects.toThrow(/is not an empty folder: nothing is written over existing files/);
    expect(readFileSync(path.join(busy, 'keep.txt'), 'utf8')).toBe('mine');
    await expect(checkBackup(busy)).rejects.toThrow(new RegExp(`no ${manifestName.replace('.', '\\.')} in .*: not an Einthoven backup, or one that did not finish`));
    await expect(createBackup(path.join(busy, 'nothing'), path.join(busy, 'b'), cliAudit(dataDir))).rejects.toThrow(/no Einthoven database at/);
    await expect(createBackup(dataDir, path.join(dataDir, 'exports', 'backup'), cliAudit(dataDir))).rejects.toThrow(/is inside the data folder it would back up/);
    expect(existsSync(path.join(dataDir, 'exports', 'backup'))).toBe(false);
    // The same through a link to the data folder's exports/: the text alone let the backup into the folder it copies.
    const link = path.join(path.dirname(dataDir), 'exports-link');
    symlinkSync(path.join(dataDir, 'exports'), link);
    await expect(createBackup(dataDir, path.join(link, 'backup'), cliAudit(dataDir))).rejects.toThrow(/is inside the data folder it would back up/);
    expect(existsSync(path.join(dataDir, 'exports', 'backup'))).toBe(false);
    writeFileSync(path.join(busy, manifestName), '{"format":"other"}');
    await expect(checkBackup(busy)).rejects.toThrow(/is not an Einthoven backup manifest: format/);
  });

  it('ecg backup: --to, --check and --restore with their exit codes, one mode at a time', async () => {
    const dataDir = await dataFolder();
    const dest = path.join(path.dirname(dataDir), 'cli-backup');
    const made = capture();
    expect(await backupCommand.run(['--to', dest, '--data-dir', dataDir], made)).toBe(0);
    expect(made.out[0]).toMatch(/^backed up .* to .*cli-backup: 1 records, 3 model and export files, .* audit head entry 1 [0-9a-f]{64}/);
    expect(made.out[1]).toBe('audited in the data folder (data.backup)');
    const checked = capture();
    expect(await backupCommand.run(['--check', dest, '--json'], checked)).toBe(0);
    expect(JSON.parse(checked.out[0] ?? '')).toMatchObject({ ok: true, problems: [] });
    writeFileSync(path.join(dest, 'exports', '00001_lr.csv'), 'changed');
    const failed = capture();
    expect(await backupCommand.run(['--check', dest], failed)).toBe(1);
    expect(failed.out).toEqual([`FAILED: ${dest}`, "  exports/00001_lr.csv: 7 bytes, the manifest says 13"]);
    await expect(backupCommand.run(['--to', dest, '--check', dest], capture())).rejects.toThrow(/exactly one of --to DIR, --check DIR or --restore DIR/);
  });

  it('--check and --restore report a database that was truncated, emptied or replaced, with every other problem found', async () => {
    const dataDir = await dataFolder();
    const dest = path.join(path.dirname(dataDir), 'backup-damaged');
    const { manifest } = await createBackup(dataDir, dest, cliAudit(dataDir));
    const copy = path.join(dest, 'einthoven.sqlite');
    const damage = {
      truncated: () => truncateSync(copy, Math.floor(manifest.database.bytes / 2)),
      emptied: () => truncateSync(copy, 0),
      'not SQLite': () => writeFileSync(copy, 'hello\n'),
    };
    const cannotOpen = {
      truncated: /einthoven\.sqlite: the database cannot be opened: .*einthoven\.sqlite is damaged/,
      emptied: /einthoven\.sqlite: the database cannot be opened: .*einthoven\.sqlite is empty \(0 bytes\)/,
      'not SQLite': /einthoven\.sqlite: the database cannot be opened: .*einthoven\.sqlite is not a database/,
    };
    for (const [what, damageIt] of Object.entries(damage) as [keyof typeof damage, () => void][]) {
      damageIt();
      const size = statSync(copy).size;
      const check = await checkBackup(dest);
      expect([what, check.ok]).toEqual([what, false]);
      expect(check.problems).toEqual([`einthoven.sqlite: ${size} bytes, the manifest says ${manifest.database.bytes}`, expect.stringMatching(cannotOpen[what])]);
      const checked = capture();
      expect(await backupCommand.run(['--check', dest], checked)).toBe(1);
      expect(checked.out).toHaveLength(3);
      const target = path.join(path.dirname(dataDir), `restored-${what.replace(' ', '-')}`);
      await expect(restoreBackup(dest, target, 'cli')).rejects.toThrow(/fails its check, nothing was restored: .*the database cannot be opened/);
      expect(existsSync(target)).toBe(false);
    }
  });

  it('removes a backup whose audit entry cannot be written (another process holds the write lock past the wait), and fails', async () => {
    const dataDir = await dataFolder();
    const writer = await holdWriteTransaction(databasePath(dataDir), { afterMs: 60_000 });
    const dest = path.join(path.dirname(dataDir), 'backup-unaudited');
    const made = capture();
    try {
      await expect(backupCommand.run(['--to', dest, '--data-dir', dataDir], made)).rejects.toThrow(
        expect.objectContaining({ code: 'E_CONFLICT', message: expect.stringMatching(/^the backup in .* was removed: it could not be recorded in the data folder's audit trail \(.* is in use: another Einthoven .*\), and a copy of patient data is never left unaudited/) }),
      );
    } finally {
      writer.stop();
    }
    expect(made.out).toEqual([]);
    expect(existsSync(dest)).toBe(false);
    // An empty folder that was given keeps existing, emptied again.
    mkdirSync(dest);
    writeFileSync(path.join(dest, 'einthoven.sqlite'), 'the copy');
    // A trail that cannot grow (SQLite's own SQLITE_FULL, from a page limit standing for a full disk).
    const fullTrail = () => {
      const { db } = openDatabase(':memory:');
      db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
      new AuditLog(db).append('cli', 'data.backup', null, { padding: 'x'.repeat(100_000) });
    };
    await expect(auditBackup(dest, true, '/srv/einthoven/einthoven.sqlite', fullTrail)).rejects.toThrow(/was removed: .*\/srv\/einthoven\/einthoven\.sqlite cannot grow: the disk is full/);
    expect(readdirSync(dest)).toEqual([]);
  }, 30_000);

  it.runIf(process.platform !== 'win32')('removes a backup that fills the disk while copying the exports, leaving no unaudited copy of the database, and says so in words', async () => {
    const dataDir = await dataFolder();
    // An export larger than the file-size limit the command runs under (ulimit -f, in KiB): the database's
    // copy fits, the export's fails as a full disk or quota fails a copy (EFBIG here, ENOSPC there), for real.
    writeFileSync(path.join(dataDir, 'exports', 'large-export.csv'), 'x'.repeat(4 * 1024 * 1024));
    expect(statSync(databasePath(dataDir)).size).toBeLessThan(2048 * 1024);
    const dest = path.join(path.dirname(dataDir), 'backup-full-disk');
    const run = spawnSync('bash', ['-c', 'ulimit -f 2048 && exec "$0" "$@"', process.execPath, 'core/cli/npm-entry.mjs', 'backup', '--to', dest, '--data-dir', dataDir], { cwd: repoRoot, encoding: 'utf8' });
    expect(run.stderr).toMatch(/E_IO: the backup in .*backup-full-disk failed and was removed: cannot write .*backup-full-disk\/exports\/large-export\.csv: the file would pass the largest file this process may write/);
    expect(run.status).not.toBe(0);
    expect(existsSync(dest)).toBe(false);
    expect(lastAudit(databasePath(dataDir)).last?.action).not.toBe('data.backup');
  }, 60_000);

  it.runIf(process.platform !== 'win32')('a restore that fills the disk leaves no partial copy of the database beside the data folder, and says so in words', async () => {
    const dataDir = await dataFolder();
    writeFileSync(path.join(dataDir, 'exports', 'large-export.csv'), 'x'.repeat(4 * 1024 * 1024));
    const dest = path.join(path.dirname(dataDir), 'backup-for-full-disk');
    await createBackup(dataDir, dest, cliAudit(dataDir));
    // Restored under a file-size limit (ulimit -f, in KiB) the database's copy fits and the export's does not: EFBIG, as ENOSPC on a full disk.
    const parent = mkdtempSync(path.join(os.tmpdir(), 'restore-full-disk-'));
    const target = path.join(parent, 'data');
    const run = spawnSync('bash', ['-c', 'ulimit -f 2048 && exec "$0" "$@"', process.execPath, 'core/cli/npm-entry.mjs', 'backup', '--restore', dest, '--data-dir', target], { cwd: repoRoot, encoding: 'utf8' });
    expect(run.stderr).toMatch(/E_IO: nothing was restored into .*data, its partial copy removed: cannot write .*exports\/large-export\.csv: the file would pass the largest file this process may write/);
    expect(run.status).not.toBe(0);
    expect(readdirSync(parent)).toEqual([]);
  }, 60_000);

  it.runIf(process.platform !== 'win32')('calls a backup killed mid-copy an unfinished backup: --check fails it in those words, a restore and a new backup into it refuse it, writing nothing', async () => {
    const dataDir = await dataFolder();
    const dest = path.join(path.dirname(dataDir), 'backup-killed');
    // What `ecg backup --to` killed (kill -9) while copying the exports leaves, as reproduced with a
    // real kill: the database's copy, written first, and no manifest, written last. Made here
    // without the kill, whose timing depends on how fast the disk copies.
    mkdirSync(dest);
    cpSync(databasePath(dataDir), path.join(dest, 'einthoven.sqlite'));
    const unfinished = `${dest} is an unfinished backup: it holds a copy of the database (einthoven.sqlite: every patient record) but no ${manifestName}, which a backup writes last, so the backup was stopped before it finished (killed, a crash or a power cut) and cannot be checked or restored; once no backup is running into it, remove the folder (it holds patient data) and back up again`;
    const checked = capture();
    expect(await backupCommand.run(['--check', dest], checked)).toBe(1);
    expect(checked.out).toEqual([`FAILED: ${dest}`, `  ${unfinished}`]);
    const target = path.join(path.dirname(dataDir), 'restored-from-killed');
    await expect(restoreBackup(dest, target, 'cli')).rejects.toThrow(`the backup in ${dest} fails its check, nothing was restored: ${unfinished}`);
    expect(existsSync(target)).toBe(false);
    const before = readdirSync(dest).sort();
    await expect(backupCommand.run(['--to', dest, '--data-dir', dataDir], capture())).rejects.toThrow(expect.objectContaining({ code: 'E_CONFLICT', message: `${unfinished}; nothing is written over it` }));
    expect(readdirSync(dest).sort()).toEqual(before);
  }, 60_000);

  it.runIf(process.platform !== 'win32')('a later restore removes the partial copy a restore killed mid-copy left beside the data folder, says so and audits it, and leaves a running restore\'s alone', async () => {
    const dataDir = await dataFolder();
    const dest = path.join(path.dirname(dataDir), 'backup-for-killed-restore');
    await createBackup(dataDir, dest, cliAudit(dataDir));
    const parent = mkdtempSync(path.join(os.tmpdir(), 'restore-killed-'));
    const target = path.join(parent, 'data');
    // What `ecg backup --restore` killed (kill -9) while copying leaves, as reproduced with a real
    // kill: its staging folder beside the target, named with its process id, holding the database's
    // copy. Made here without the kill (whose timing depends on how fast the disk copies), with the
    // id of a process that has exited.
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    const stale = `.data.restoring-${gone}-89abcdef`;
    mkdirSync(path.join(parent, stale));
    cpSync(databasePath(dataDir), path.join(parent, stale, 'einthoven.sqlite'));
    // Another restore into the same folder at work now, in a process that runs: its staging folder is not stale.
    const running = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const live = `.data.restoring-${running.pid ?? 0}-0123abcd`;
    mkdirSync(path.join(parent, live));
    writeFileSync(path.join(parent, live, 'einthoven.sqlite'), 'being copied');
    const restored = capture();
    try {
      expect(await backupCommand.run(['--restore', dest, '--data-dir', target], restored)).toBe(0);
    } finally {
      running.kill();
    }
    const removed = path.join(parent, stale);
    expect(restored.out).toContain(`removed ${removed}: the partial copy an earlier restore into this folder left when it was stopped (its process is gone; recorded in data.restored)`);
    expect(readdirSync(parent).sort()).toEqual([live, 'data']);
    expect(lastAudit(databasePath(target)).last).toMatchObject({ action: 'data.restored', details: { from: dest, staleRestoresRemoved: [removed] } });
  }, 60_000);

  it('keeps a backup of a read-only data folder, saying it is not audited there', async () => {
    const dataDir = await dataFolder();
    const dest = path.join(path.dirname(dataDir), 'backup-read-only');
    // The trail on read-only media: SQLite refuses the entry as it does there (SQLITE_READONLY).
    const readOnlyTrail = () => {
      const { db } = openDatabase(databasePath(dataDir), undefined, { readonly: true });
      try {
        new AuditLog(db).append('cli', 'data.backup', null, {});
      } finally {
        db.close();
      }
    };
    const { manifest, notAudited } = await createBackup(dataDir, dest, readOnlyTrail);
    // The folder is writable here, the trail opened read-only: named so, with the database file.
    expect(notAudited).toBe(`${databasePath(dataDir)} cannot be written: it was opened read-only; reading works (ecg list, ecg record, ecg audit), changes do not`);
    expect((await checkBackup(dest)).ok).toBe(true);
    expect(manifest.database.records).toBe(1);
  });

  it.runIf(process.platform !== 'win32')('writes backups and restores owner-only: folders 0700, files 0600', async () => {
    const dataDir = await dataFolder();
    chmodSync(path.join(dataDir, 'models', 'site-model', 'weights.bin'), 0o644);
    const dest = path.join(path.dirname(dataDir), 'backup-modes');
    await createBackup(dataDir, dest, cliAudit(dataDir));
    const modes = (root: string) =>
      Object.fromEntries(
        ['', 'einthoven.sqlite', 'models', 'models/site-model', 'models/site-model/weights.bin', 'exports/00001_lr.csv']
          .concat(existsSync(path.join(root, manifestName)) ? [manifestName] : [])
          .map((f) => [f, (statSync(path.join(root, f)).mode & 0o777).toString(8)]),
      );
    expect(modes(dest)).toEqual({ '': '700', 'einthoven.sqlite': '600', models: '700', 'models/site-model': '700', 'models/site-model/weights.bin': '600', 'exports/00001_lr.csv': '600', [manifestName]: '600' });
    const target = path.join(path.dirname(dataDir), 'restored-modes');
    await restoreBackup(dest, target, 'cli');
    expect(modes(target)).toEqual({ '': '700', 'einthoven.sqlite': '600', models: '700', 'models/site-model': '700', 'models/site-model/weights.bin': '600', 'exports/00001_lr.csv': '600' });
  });
});
