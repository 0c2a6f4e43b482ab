/**
 * Prints the Markdown rows of docs/results.md from the run.json files that
 * scripts/train/starter.ts and scripts/train/transfer.ts write.
 *
 *   npx tsx scripts/train/results-table.ts .tmp/train/runs
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface Interval {
  low: number | null;
  high: number | null;
}
interface Report {
  n: number;
  metrics: Record<string, number | null>;
  ci: Record<string, Interval>;
}
interface Run {
  architecture?: string;
  task?: string;
  mode?: string;
  backend?: string;
  secondsPerEpoch?: number;
  /** starter.ts: the reduced rate and crop of an architecture too slow at its design input. */
  reducedInput?: { rateHz: number; crop: number } | null;
  seconds?: number;
  featureSeconds?: number;
  bestEpoch: number;
  history?: unknown[];
  epochs?: number;
  train?: { epochs: number; batchSize: number; learningRate: number; loss: string; schedule: string };
  validation: { metrics: Record<string, number | null> } & Partial<Report>;
  test: Report;
  manifest?: { architecture: { params: number }; weightsSha256: string };
}

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '–' : (100 * v).toFixed(1));
const withCi = (r: Report, key: string) => `${pct(r.metrics[key])} (${pct(r.ci[key]?.low)}–${pct(r.ci[key]?.high)})`;

const root = process.argv[2] ?? path.join('.tmp', 'train', 'runs');
const runs = readdirSync(root)
  .map((d) => path.join(root, d, 'run.json'))
  .filter((f) => existsSync(f))
  .map((f) => JSON.parse(readFileSync(f, 'utf8')) as Run);

console.log('| Model | Rate, input | Params | Epochs (best) | s/epoch | Val AUC | Test AUC (95 % CI) | Test F1 | Test MAP | Test G-mean | Test Acc |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of runs.filter((x) => x.architecture)) {
  const rate = r.reducedInput ? `${r.reducedInput.rateHz} Hz, ${r.reducedInput.crop} (reduced)` : r.architecture?.startsWith('xresnet') ? '100 Hz, 250' : '500 Hz, 2048';
  console.log(`| ${r.architecture} | ${rate} | ${((r.manifest?.architecture.params ?? 0) / 1e6).toFixed(2)}M | ${r.history?.length ?? '?'} (${r.bestEpoch}) | ${r.secondsPerEpoch?.toFixed(0)} | ${pct(r.validation.metrics.aucMacro)} | ${withCi(r.test, 'aucMacro')} | ${withCi(r.test, 'f1Macro')} | ${withCi(r.test, 'mapMacro')} | ${withCi(r.test, 'gmean')} | ${withCi(r.test, 'accuracy')} |`);
}
console.log('');
console.log('| Task | Mode | Wall time | Epochs (best) | Val AUC | Test AUC (95 % CI) | Test F1 (95 % CI) | Test AP | Test G-mean |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of runs.filter((x) => x.task)) {
  console.log(`| ${r.task} | ${r.mode} | ${r.seconds?.toFixed(0)} s${r.featureSeconds ? ` (features ${r.featureSeconds.toFixed(0)} s)` : ''} | ${r.epochs} (${r.bestEpoch}) | ${pct(r.validation.metrics.aucMacro)} | ${withCi(r.test, 'aucMacro')} | ${withCi(r.test, 'f1Macro')} | ${withCi(r.test, 'mapMacro')} | ${withCi(r.test, 'gmean')} |`);
}
