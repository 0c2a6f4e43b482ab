/**
 * What the prediction benches (predict-gates, predict-sequence) share: the bundled starter on one
 * backend, this checkout beside a git revision (--reference), the first N records of the PTB-XL
 * pool at 100 and then at 500 Hz, and the machine's load before and after.
 */
import os from 'node:os';
import path from 'node:path';
import { backendNameSchema, initBackend } from '../../core/ml/backend/init';
import { inferenceEngineReport } from '../../core/ml/onnx/runtime';
import { loadPackage } from '../../core/train/package/archive';
import type { LoadedPackage } from '../../core/train/package/io';
import { benchPool, flag, repoRoot } from './revision';

const round = (v: number, digits = 2) => Number(v.toFixed(digits));

/** One bench's own parts: its engines, what it measures at one rate and how it reports it, and its rest between runs. */
export interface StarterBench<E extends { readonly label: string }, F> {
  readonly defaultRecords: number;
  /** The backend the starter runs on (a bench may let --backend choose it). */
  readonly backend: string;
  /** Its rest flag, default, key in the figures and what the rest is, as the first line says it. */
  readonly rest: { readonly flag: string; readonly defaultMs: number; readonly key: string; readonly text: string };
  readonly thisCheckout: E;
  readonly revisionEngine: (rev: string) => Promise<E>;
  readonly benchRate: (dir: string, count: number, passes: number, restMs: number, engines: readonly E[], loaded: LoadedPackage) => Promise<F>;
  readonly report: (rate: string, figures: F, engines: readonly E[], log: (line: string) => void) => void;
}

/** Runs a prediction bench at both of the pool's rates; its figures, or none where no pool was found. */
export async function benchStarterAtBothRates<E extends { readonly label: string }, F>(args: readonly string[], log: (line: string) => void, bench: StarterBench<E, F>): Promise<Record<string, unknown>> {
  const pool = benchPool(args, log);
  if (!pool) return {};
  const count = Number(flag(args, '--records') ?? bench.defaultRecords);
  const passes = Number(flag(args, '--passes') ?? 3);
  const restMs = Number(flag(args, bench.rest.flag) ?? bench.rest.defaultMs);
  const rev = flag(args, '--reference');
  const backend = await initBackend({ force: backendNameSchema.parse(bench.backend) });
  const inference = await inferenceEngineReport();
  const engines = rev ? [bench.thisCheckout, await bench.revisionEngine(rev)] : [bench.thisCheckout];
  const loaded = await loadPackage(path.join(repoRoot, 'resources', 'models', 'starter'));
  log(`backend ${backend.active}, forward pass on ${inference.engine}${inference.threads ? ` (${inference.threads} threads)` : ''}${inference.reason ? ` (${inference.reason})` : ''}; ${passes} passes, ${restMs} ${bench.rest.text}`);
  const loadBefore = os.loadavg().map((l) => round(l));
  const figures: Record<string, unknown> = { passes, [bench.rest.key]: restMs, model: 'the bundled starter', backend: backend.active, inference, engines: engines.map((e) => e.label) };
  for (const rate of ['records100', 'records500']) {
    const f = await bench.benchRate(path.join(pool, rate), count, passes, restMs, engines, loaded);
    bench.report(rate, f, engines, log);
    figures[rate] = f;
  }
  loaded.model.dispose();
  const loadAfter = os.loadavg().map((l) => round(l));
  figures.load = { before: loadBefore, after: loadAfter };
  log(`Load average (1, 5, 15 min): ${loadBefore.join(', ')} before, ${loadAfter.join(', ')} after; ${os.cpus().length} cores.`);
  return figures;
}
