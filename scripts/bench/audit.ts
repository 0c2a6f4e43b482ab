import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditLog } from '../../core/db/audit';
import { Engine } from '../../core/engine/engine';
import { recordContentHash } from '../../core/engine/record-hash';
import { asMillivolts, type EcgRecord } from '../../core/formats/record';
import type { BenchArea } from './main';

/**
 * `audit:head` on a trail of N entries (default 50,000 and 500,000, or the sizes given), through the
 * validated channel the header calls. Reference, measured side by side: the whole-trail verification
 * every call made before (what the engine's first call and `ecg audit --verify` still do). Then the
 * incremental call after 1 and after 100 new entries (appended outside the timed part), and with none.
 * `--records=N` also stores N synthetic 12-lead 10 s records (500 Hz) with their import entries, so the
 * whole check's comparison of the stored rows with the trail (core/db/audit-rows.ts) has rows to read.
 */
const runs = 9;

function median(times: number[]): number {
  return Number(times.sort((a, b) => a - b)[times.length >> 1]!.toFixed(2));
}

function msOf(once: () => unknown): number {
  const t0 = process.hrtime.bigint();
  once();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** One outer transaction around the appends: each one's IMMEDIATE becomes a savepoint, so seeding takes seconds, not minutes. */
function seed(engine: Engine, from: number, to: number): void {
  engine.db.transaction(() => {
    for (let i = from; i < to; i++) engine.audit.append('user', 'record.viewed', `record:${i}`, { shell: 'app' });
  })();
}

/** N distinct 12 × 5000 records, each stored with its record.imported entry as an import stores it. */
export function seedRecords(engine: Engine, n: number): void {
  const names = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
  engine.db.transaction(() => {
    for (let r = 0; r < n; r++) {
      const leads = names.map((name, l) => ({ name, derived: false, samples: asMillivolts(Float32Array.from({ length: 5000 }, (_, i) => Math.sin((i + r * 13 + l) / 40))) }));
      const record: EcgRecord = { fs: 500, nSamples: 5000, leads, missingLeads: [], patient: { id: `P${r}` }, statements: [], source: { format: 'bench' }, warnings: [] };
      const hash = recordContentHash(record);
      const id = engine.records.insert(record, hash, `bench/${r}.dat`);
      engine.audit.append('system', 'record.imported', `record:${id}`, { files: [`bench/${r}.dat`], format: 'bench', contentHash: hash, identityHmac: engine.records.identityHmac(id) });
    }
  })();
}

async function head(engine: Engine): Promise<{ mode?: string | undefined; checked?: number | undefined; entries: number }> {
  const result = await engine.handle('audit:head', {});
  if (!result.ok) throw new Error(result.error.message);
  return result.value as { mode?: string; checked?: number; entries: number };
}

/** Median ms of the incremental head after `added` new entries each time; checks that it was incremental and read only those. */
async function incrementalMs(engine: Engine, added: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const before = (await head(engine)).entries;
    seed(engine, before, before + added);
    const t0 = process.hrtime.bigint();
    const v = await head(engine);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (v.mode !== 'incremental' || v.checked !== added) throw new Error(`expected an incremental head over ${added} entries, got ${JSON.stringify(v)}`);
  }
  return median(times);
}

async function benchSize(entries: number, records: number, log: (line: string) => void): Promise<Record<string, number>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-bench-audit-'));
  const engine = new Engine({ dataDir: dir, shell: 'cli' });
  try {
    const t0 = Date.now();
    seedRecords(engine, records);
    seed(engine, engine.audit.recent(1)[0]?.id ?? 0, entries);
    log(`${entries} entries, ${records} records: seeded in ${Date.now() - t0} ms`);
    const fullMs = median(Array.from({ length: runs }, () => msOf(() => new AuditLog(engine.db).verify())));
    const t1 = process.hrtime.bigint();
    const first = await head(engine);
    const firstHeadMs = Number((Number(process.hrtime.bigint() - t1) / 1e6).toFixed(2));
    if (first.mode !== 'full') throw new Error('the first head was not a whole verification');
    const nothingNewMs = await incrementalMs(engine, 0);
    const oneNewMs = await incrementalMs(engine, 1);
    const hundredNewMs = await incrementalMs(engine, 100);
    log(`${entries} entries, ${records} records: whole ${fullMs} ms (first head ${firstHeadMs} ms); incremental: nothing new ${nothingNewMs} ms, 1 new ${oneNewMs} ms, 100 new ${hundredNewMs} ms`);
    return { entries, records, fullVerifyMs: fullMs, firstHeadMs, incrementalNothingNewMs: nothingNewMs, incremental1NewMs: oneNewMs, incremental100NewMs: hundredNewMs, fullOverIncremental1: Number((fullMs / oneNewMs).toFixed(0)) };
  } finally {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const area: BenchArea = {
  name: 'audit',
  summary: 'audit:head on 50,000 and 500,000 entries: whole-trail verification vs incremental',
  async bench({ args, log }) {
    const sizes = args.filter((a) => /^\d+$/.test(a)).map(Number);
    const records = Number(args.find((a) => a.startsWith('--records='))?.slice('--records='.length) ?? 0);
    const results = [];
    for (const entries of sizes.length > 0 ? sizes : [50_000, 500_000]) results.push(await benchSize(entries, records, log));
    return { runs, sizes: results, load: os.loadavg().map((l) => Number(l.toFixed(2))) };
  },
};
