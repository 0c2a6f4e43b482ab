import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../cli/command';
import { importCommand } from '../cli/commands/import';
import { inspectCommand } from '../cli/commands/inspect';
import type { ImportFileReport } from '../contract/schemas';
import { AuditLog } from '../db/audit';
import { openDatabase } from '../db/database';
import { RecordStore } from '../db/records';
import { fixturePath } from '../test/shared-data';
import { DecodePool } from './decode-pool';
import { importSources } from './import';
import { listSources } from './import-sources';

const samples = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../resources/samples/ptbxl');
const pool = new DecodePool({ workers: 1 });
afterAll(() => pool.close());

async function cli(command: typeof importCommand, args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { stdout: (t) => out.push(t), stderr: (t) => err.push(t) };
  return { code: await command.run(args, io), out, err };
}

const tmp = (tag: string) => mkdtempSync(path.join(os.tmpdir(), `einthoven-${tag}-`));
const parse = (lines: string[]) => lines.map((l) => JSON.parse(l) as ImportFileReport);

function store(dataDir = tmp('store')) {
  const { db } = openDatabase(path.join(dataDir, 'einthoven.sqlite'));
  return { db, records: new RecordStore(db), audit: new AuditLog(db) };
}

describe('import engine: per file, streamed, in workers', () => {
  it('ecg import X.hea brings the signal file named in its header from its folder', async () => {
    const dataDir = tmp('hea');
    const r = await cli(importCommand, [path.join(samples, '00001_hr.hea'), '--json', '--data-dir', dataDir]);
    expect(r.code).toBe(0);
    expect(parse(r.out)).toEqual([{ files: [path.join(samples, '00001_hr.hea'), path.join(samples, '00001_hr.dat')], status: 'imported', recordId: 1 }]);
  });

  it('imports the samples folder with exit 0: notes and licences skipped with a reason, not rejected; again: duplicates naming their record', async () => {
    const dataDir = tmp('samples');
    const first = await cli(importCommand, [samples, '--json', '--data-dir', dataDir]);
    expect(first.code).toBe(0);
    const reports = parse(first.out);
    expect(reports.filter((r) => r.status === 'imported')).toHaveLength(5);
    expect(reports.filter((r) => r.status === 'skipped').map((r) => [path.basename(r.files[0] ?? ''), r.reason])).toEqual([
      ['ATTRIBUTION.md', expect.stringMatching(/Not an ECG record/)],
      ['LICENSE.txt', expect.stringMatching(/Not an ECG record/)],
    ]);
    const again = parse((await cli(importCommand, [samples, '--json', '--data-dir', dataDir])).out);
    const duplicates = again.filter((r) => r.status === 'duplicate');
    expect(duplicates.map((d) => d.recordId).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(duplicates[0]?.reason).toMatch(/^Same ECG as record \d, already in the database\.$/);
  });

  it('follows a symlink loop once and skips annotation files beside a record (LUDB layout)', async () => {
    const dir = tmp('loop');
    mkdirSync(path.join(dir, 'a'));
    cpSync(path.join(samples, '00008_hr.hea'), path.join(dir, 'a', '00008_hr.hea'));
    cpSync(path.join(samples, '00008_hr.dat'), path.join(dir, 'a', '00008_hr.dat'));
    writeFileSync(path.join(dir, 'a', '00008_hr.i'), new Uint8Array([0, 0, 1, 2, 3]));
    symlinkSync(dir, path.join(dir, 'a', 'loop')); // a → loop → the folder itself
    const { db, records, audit } = store();
    const { reports } = await importSources(records, audit, listSources([dir]), { actor: 'test', pool });
    expect(reports.map((r) => [r.status, path.basename(r.files[0] ?? '')])).toEqual([
      ['imported', '00008_hr.hea'],
      ['skipped', '00008_hr.i'],
    ]);
    db.close();
  });

  it('reports progress before the first file and each file as soon as it is stored', async () => {
    const { db, records, audit } = store();
    const events: { done: number; total: number; file?: ImportFileReport }[] = [];
    await importSources(records, audit, listSources([samples]), { actor: 'test', pool, onProgress: (done, total, _m, file) => events.push({ done, total, ...(file ? { file } : {}) }) });
    expect(events[0]).toEqual({ done: 0, total: 7 });
    expect(events.filter((e) => e.file).map((e) => e.done)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    db.close();
  });

  it('stops a file whose decoding outruns its time limit (worker terminated), and goes on with the next', async () => {
    const impatient = new DecodePool({ workers: 1, timeoutMs: (bytes) => (bytes > 100_000 ? 1 : 60_000) });
    const { db, records, audit } = store();
    const big = path.join(samples, '00001_hr.hea');
    const small = fixturePath('train', 'ptbxl', 'records100', '00000', '00001_lr.hea');
    const sources = listSources([big, big.replace('.hea', '.dat'), small, small.replace('.hea', '.dat')]);
    const { reports } = await importSources(records, audit, sources, { actor: 'test', pool: impatient });
    await impatient.close();
    expect(reports.map((r) => r.status)).toEqual(['rejected', 'imported']);
    expect(reports[0]?.details).toMatch(/E_TOO_LARGE: .*took longer than 0 s.*stopped/);
    db.close();
  });

  it('a full disk stops the import with E_IO naming the file; what was stored stays, each record with its audit entry', async () => {
    const { db, records, audit } = store();
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages + 90}`); // room for one 12-lead 10 s record at 500 Hz (240 KB of float32), not two
    const stored: ImportFileReport[] = [];
    await expect(importSources(records, audit, listSources([samples]), { actor: 'test', pool, onProgress: (_d, _t, _m, f) => f && stored.push(f) })).rejects.toMatchObject({
      code: 'E_IO',
      message: expect.stringMatching(/the disk is full; free space, then retry; the import stopped at .*samples\/ptbxl\/000\d\d_hr\.hea/),
    });
    const imported = stored.filter((r) => r.status === 'imported');
    expect(imported.length).toBeGreaterThan(0);
    expect(records.count()).toBe(imported.length);
    const audited = db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'record.imported'").get() as { n: number };
    expect(audited.n).toBe(imported.length);
    db.close();
  });

  it('ecg inspect reports every path, the missing one included, and goes on', async () => {
    const a = path.join(samples, '00001_hr.hea');
    const b = path.join(samples, '00008_hr.hea');
    const r = await cli(inspectCommand, [a, path.join(samples, 'missing.hea'), b, '--json']);
    expect(r.code).toBe(1);
    const lines = r.out.map((l) => JSON.parse(l) as { file: string; error?: { code: string }; fs?: number });
    expect(lines).toHaveLength(3);
    expect(lines.find((l) => l.file.endsWith('missing.hea'))?.error?.code).toBe('E_NOT_FOUND');
    expect(lines.filter((l) => l.fs === 500)).toHaveLength(2);
  });
});
