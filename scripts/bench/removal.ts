import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RecordDetail } from '../../core/contract/schemas';
import { databasePath } from '../../core/engine/data-dir';
import { Engine } from '../../core/engine/engine';
import { seedRecords } from './audit';
import type { BenchArea } from './main';

/**
 * `records:remove` on a database of N synthetic 12-lead 10 s records (500 Hz, ~240 kB of samples
 * each; default 250 and 1,000, or the sizes given): the removal rewrites the whole database
 * (VACUUM, core/engine/record-removal.ts), so its time grows with the database. Reference, side by
 * side: a second VACUUM alone on the same database, which is what the rewrite costs.
 */
const runs = 3;

function median(times: number[]): number {
  return Number(times.sort((a, b) => a - b)[times.length >> 1]!.toFixed(0));
}

async function removeOne(engine: Engine, id: number): Promise<number> {
  const record = await engine.handle('records:get', { id });
  if (!record.ok) throw new Error(record.error.message);
  const t0 = process.hrtime.bigint();
  const removed = await engine.handle('records:remove', { id, contentHash: (record.value as RecordDetail).contentHash, reason: 'benchmark' });
  if (!removed.ok) throw new Error(removed.error.message);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

async function benchSize(records: number, log: (line: string) => void): Promise<Record<string, number>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-bench-removal-'));
  const engine = new Engine({ dataDir: dir, shell: 'cli', policyFile: path.join(dir, 'no-policy.json') });
  try {
    seedRecords(engine, records);
    engine.db.pragma('wal_checkpoint(TRUNCATE)');
    const databaseMb = Number((statSync(databasePath(dir)).size / 1e6).toFixed(0));
    const removalMs: number[] = [];
    for (let i = 1; i <= runs; i++) removalMs.push(await removeOne(engine, i));
    const vacuumMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = process.hrtime.bigint();
      engine.db.exec('VACUUM');
      engine.db.pragma('wal_checkpoint(TRUNCATE)');
      vacuumMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const figures = { records, databaseMb, removalMs: median(removalMs), vacuumAloneMs: median(vacuumMs) };
    log(`${records} records (${databaseMb} MB): removal ${figures.removalMs} ms, VACUUM + checkpoint alone ${figures.vacuumAloneMs} ms`);
    return figures;
  } finally {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const area: BenchArea = {
  name: 'removal',
  summary: 'records:remove (which rewrites the database) on 250 and 1,000 records',
  async bench({ args, log }) {
    const sizes = args.filter((a) => /^\d+$/.test(a)).map(Number);
    const results = [];
    for (const records of sizes.length > 0 ? sizes : [250, 1_000]) results.push(await benchSize(records, log));
    return { runs, sizes: results, load: os.loadavg().map((l) => Number(l.toFixed(2))) };
  },
};
