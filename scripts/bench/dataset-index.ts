/**
 * `npm run bench -- dataset-index [--json] [--passes N] [--data DIR] [--reference REV]`: indexing
 * a hospital folder (core/data/hospital.ts `loadHospital`, what `--dataset csv` runs, and what
 * every training job runs again: finetune --cv 2K + 2 times), on the whole PTB-XL pool as a labels
 * CSV (NORM or not, the database's patients and splits) over its records100 and then its
 * records500 files: a thousand records to a directory, as PTB-XL lays them out. With --reference
 * REV the engine of git revision REV indexes the same (its core/ extracted into .tmp/ and imported
 * beside this checkout's), the two alternating which goes first over the passes (default 5), and
 * the bench says whether the two indexes (every item, its files, labels, patient and split, and
 * the rows dropped) differ. Figures: the median over the passes, in ms per row.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as loadModule from '../../core/data/load';
import type { BenchArea } from './main';
import { benchEngines, benchPool, engineStageTable, flag, inTurn, loadWatch, median, poolLabelsCsv, revisionCore, round } from './revision';

interface IndexEngine {
  readonly label: string;
  readonly loadDataset: typeof loadModule.loadDataset;
}

const thisCheckout: IndexEngine = { label: 'this checkout', loadDataset: loadModule.loadDataset };

async function revisionEngine(rev: string): Promise<IndexEngine> {
  const core = revisionCore(rev, 'bench-dataset-index');
  return { label: core.label, loadDataset: (await core.load<typeof loadModule>('data/load.ts')).loadDataset };
}

const stages = ['index'] as const;
const stageText = { index: 'indexing the labels CSV (`loadHospital`)' };

interface RateFigures {
  readonly rows: number;
  readonly msPerRow: Record<string, { index: number }>;
  readonly referenceOverThis?: { index: number };
  readonly indexesDiffer?: boolean;
}

async function benchRate(pool: string, fs: 100 | 500, passes: number, engines: readonly IndexEngine[], dir: string): Promise<RateFigures> {
  const { labels, rows } = await poolLabelsCsv(pool, fs, dir);
  const spec = { kind: 'csv' as const, root: pool, labels };
  const times = new Map(engines.map((e) => [e.label, [] as number[]]));
  const outputs = new Map<string, string>();
  // Warm-up: each engine once, so the timed passes run compiled code on a warm file cache.
  for (const engine of engines) outputs.set(engine.label, JSON.stringify(await engine.loadDataset(spec)));
  for (let pass = 0; pass < passes; pass++) {
    for (const engine of inTurn(engines, pass)) {
      const t0 = performance.now();
      await engine.loadDataset(spec);
      times.get(engine.label)?.push(performance.now() - t0);
    }
  }
  const msPerRow = Object.fromEntries(engines.map((e) => [e.label, { index: round(median(times.get(e.label) ?? []) / rows, 3) }]));
  const reference = engines[1];
  if (!reference) return { rows, msPerRow };
  const ours = msPerRow[thisCheckout.label]?.index ?? Number.NaN;
  const theirs = msPerRow[reference.label]?.index ?? Number.NaN;
  return { rows, msPerRow, referenceOverThis: { index: round(theirs / ours, 1) }, indexesDiffer: outputs.get(thisCheckout.label) !== outputs.get(reference.label) };
}

export const area: BenchArea = {
  name: 'dataset-index',
  summary: 'indexing a hospital labels CSV over the PTB-XL pool (a thousand records to a directory), at 100 and 500 Hz',
  async bench({ args, log }) {
    const pool = benchPool(args, log);
    if (!pool) return {};
    const passes = Number(flag(args, '--passes') ?? 5);
    const engines = await benchEngines(args, thisCheckout, revisionEngine);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-bench-index-'));
    const load = loadWatch();
    const figures: Record<string, unknown> = { passes, engines: engines.map((e) => e.label) };
    for (const fs of [100, 500] as const) {
      const f = await benchRate(pool, fs, passes, engines, dir);
      log(`#### records${fs}: ${f.rows} rows`);
      log('');
      engineStageTable(log, { heading: 'stage', stages, stageText, unit: 'ms/row' }, engines, (label) => f.msPerRow[label]?.index, f.referenceOverThis);
      log('');
      if (f.indexesDiffer !== undefined) log(`The index ${f.indexesDiffer ? 'DIFFERS from' : 'is identical to'} the reference's.`);
      log('');
      figures[`records${fs}`] = f;
    }
    rmSync(dir, { recursive: true, force: true });
    figures.load = load.end(log);
    return figures;
  },
};
