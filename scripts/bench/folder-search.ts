/**
 * `npm run bench -- folder-search [--json] [--records N] [--passes N] [--data DIR] [--reference REV]`:
 * the search of a data folder for copies at another sampling rate (core/train/rate-copy-search.ts
 * `rateCopiesIn`), which a fine-tuning's closing evaluation and `ecg evaluate` make once and
 * `finetune --cv` once per fold. On the PTB-XL pool, the first N rows (default 150) at 100 Hz
 * taken as the dataset (listed) and searched for: the folder's other 762 records are read. Two
 * stages: a search with nothing read before (a job's first), and a search whose folder records
 * the job read before (a cross-validation's later folds; nothing decoded again). With
 * --reference REV the engine of git revision REV runs the same (its core/ extracted into .tmp/),
 * the two alternating which goes first over the passes (default 3), and the bench says whether
 * the searches' results (records searched, copies found) differ. Figures: median over the
 * passes, in ms per search.
 */
import path from 'node:path';
import { decodeRecordFiles } from '../../core/data/records';
import { loadPtbxl } from '../../core/data/ptbxl';
import { recordContentHash } from '../../core/engine/record-hash';
import { recordProfile } from '../../core/engine/record-profile';
import * as searchModule from '../../core/train/rate-copy-search';
import type { BenchArea } from './main';
import { benchEngines, benchPool, engineStageTable, flag, inTurn, loadWatch, median, revisionCore, round } from './revision';

interface SearchEngine {
  readonly label: string;
  readonly module: Pick<typeof searchModule, 'rateCopiesIn' | 'FolderRecords'>;
}

const thisCheckout: SearchEngine = { label: 'this checkout', module: searchModule };

async function revisionEngine(rev: string): Promise<SearchEngine> {
  const core = revisionCore(rev, 'bench-folder-search');
  return { label: core.label, module: await core.load<typeof searchModule>('train/rate-copy-search.ts') };
}

const stages = ['first', 'again'] as const;
type Stage = (typeof stages)[number];
const stageText: Record<Stage, string> = {
  first: 'a search with nothing read before',
  again: 'a search of a folder the job read before',
};

/** A search's result in words, for the comparison. */
const resultOf = (r: searchModule.RateCopySearch) => JSON.stringify({ ...r, copies: [...r.copies].sort(([a], [b]) => (a < b ? -1 : 1)) });

export const area: BenchArea = {
  name: 'folder-search',
  summary: 'the search of the data folder for copies at another sampling rate, first and again, on the PTB-XL pool',
  async bench({ args, log }) {
    const pool = benchPool(args, log);
    if (!pool) return {};
    const count = Number(flag(args, '--records') ?? 150);
    const passes = Number(flag(args, '--passes') ?? 3);
    const engines = await benchEngines(args, thisCheckout, revisionEngine);
    const watch = loadWatch();
    const rows = (await loadPtbxl(pool, { fs: 100 })).items.slice(0, count);
    const listed = new Set(rows.flatMap((i) => i.files.map((f) => path.resolve(f))));
    const records = await Promise.all(rows.map(async (i) => {
      const record = await decodeRecordFiles(i.files);
      return { hash: recordContentHash(record), profile: recordProfile(record) };
    }));
    const times = new Map(engines.map((e) => [e.label, { first: [] as number[], again: [] as number[] }]));
    const results = new Map<string, string[]>();
    for (let pass = 0; pass < passes; pass++) {
      for (const engine of inTurn(engines, pass)) {
        const folder = new engine.module.FolderRecords();
        const into = times.get(engine.label) as Record<Stage, number[]>;
        for (const stage of stages) {
          const t0 = performance.now();
          const found = await engine.module.rateCopiesIn(pool, listed, records, undefined, folder);
          into[stage].push(performance.now() - t0);
          if (pass === 0) results.set(engine.label, [...(results.get(engine.label) ?? []), resultOf(found)]);
        }
      }
    }
    const ms = Object.fromEntries(engines.map((e) => [e.label, Object.fromEntries(stages.map((s) => [s, round(median((times.get(e.label) as Record<Stage, number[]>)[s]), 0)]))])) as Record<string, Record<Stage, number>>;
    const reference = engines[1];
    const referenceOverThis = reference ? Object.fromEntries(stages.map((s) => [s, round((ms[reference.label] as Record<Stage, number>)[s] / (ms[thisCheckout.label] as Record<Stage, number>)[s], 1)])) : undefined;
    const resultsDiffer = reference ? JSON.stringify(results.get(thisCheckout.label)) !== JSON.stringify(results.get(reference.label)) : undefined;
    log(`#### the pool's first ${rows.length} rows at 100 Hz listed and searched for (ms per search, median of ${passes})`);
    log('');
    engineStageTable(log, { heading: 'stage', stages, stageText, unit: 'ms' }, engines, (label, stage) => ms[label]?.[stage], referenceOverThis);
    log('');
    if (resultsDiffer !== undefined) log(`The searches' results ${resultsDiffer ? 'DIFFER from' : 'are identical to'} the reference's.`);
    const load = watch.end(log);
    return { passes, rows: rows.length, ms, ...(referenceOverThis ? { referenceOverThis, resultsDiffer } : {}), perPass: Object.fromEntries(times), load };
  },
};
