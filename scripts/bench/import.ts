/**
 * `npm run bench -- import [--workers N] [--json]`: import throughput (records/s) of the PTB-XL
 * pool folder (../shared/data/ptbxl-pool, 912 records) into a fresh database, decoding in 1
 * worker thread and in N (default: cores − 1), side by side in one run, with the process's peak
 * RSS. The main thread only hashes and stores; the ratio is the decoding pool's speed-up.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditLog } from '../../core/db/audit';
import { openDatabase } from '../../core/db/database';
import { RecordStore } from '../../core/db/records';
import { DecodePool, defaultDecodeWorkers } from '../../core/engine/decode-pool';
import { importSources } from '../../core/engine/import';
import { listSources } from '../../core/engine/import-sources';
import { sharedDataPath } from '../../core/test/shared-data';
import type { BenchArea } from './main';

async function importOnce(workers: number): Promise<{ records: number; seconds: number; recordsPerSecond: number }> {
  const { db } = openDatabase(path.join(mkdtempSync(path.join(os.tmpdir(), 'einthoven-bench-import-')), 'einthoven.sqlite'));
  const pool = new DecodePool({ workers });
  try {
    const sources = listSources([sharedDataPath('ptbxl-pool')]);
    const started = performance.now();
    const { reports } = await importSources(new RecordStore(db), new AuditLog(db), sources, { actor: 'bench', pool });
    const seconds = (performance.now() - started) / 1000;
    const records = reports.filter((r) => r.status === 'imported' || r.status === 'duplicate').length;
    return { records, seconds, recordsPerSecond: records / seconds };
  } finally {
    await pool.close();
    db.close();
  }
}

export const area: BenchArea = {
  name: 'import',
  summary: 'folder import throughput with 1 and N decoding workers',
  async bench({ args, log }) {
    const flag = args.indexOf('--workers');
    const n = flag >= 0 ? Number(args[flag + 1]) : defaultDecodeWorkers();
    const one = await importOnce(1);
    log(`1 worker: ${one.records} records in ${one.seconds.toFixed(1)} s (${one.recordsPerSecond.toFixed(1)} records/s)`);
    const many = await importOnce(n);
    log(`${n} workers: ${many.records} records in ${many.seconds.toFixed(1)} s (${many.recordsPerSecond.toFixed(1)} records/s)`);
    return {
      cores: os.availableParallelism(),
      loadAverage: os.loadavg()[0],
      oneWorker: one,
      nWorkers: { workers: n, ...many },
      speedup: many.recordsPerSecond / one.recordsPerSecond,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    };
  },
};
