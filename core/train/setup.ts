import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { EinthovenError } from '../errors';
import { itemsOf, type Dataset, type DatasetItem } from '../data/types';
import { SignalStore } from '../data/store';
import type { PipelineConfig } from '../signal/pipeline-config';
import { backendReport, initBackend, type BackendName, type BackendReport } from '../ml/backend/init';
import type { JobContext } from './progress';
import { withInferencePool } from '../parallel/inference';

let starting: Promise<BackendReport> | undefined;

/**
 * Starts (once per process, or again when forced to another) the compute backend. The promise
 * itself is kept, so calls that arrive while the backend is still starting (engine start-up,
 * a prediction, a training job) share one initialisation instead of racing two. The kept report
 * is trusted only while it still is the process's backend: initBackend called past this function
 * (`ecg backend`, a test) or tf.setBackend switch tfjs without it knowing, and a job that forced
 * wasm then trained on cpu, many times slower, under a report (and a manifest) that said wasm.
 */
export async function ensureBackend(force?: BackendName): Promise<BackendReport> {
  const pending = starting;
  const current = pending ? await pending.catch(() => undefined) : undefined;
  // Another call started a backend while this one waited: check that one instead of starting a second.
  if (pending !== starting) return ensureBackend(force);
  if (current && inUse(current) && (!force || current.active === force)) return current;
  const next = initBackend(force ? { force } : {});
  starting = next;
  return next;
}

/** Whether the report still describes the backend in use: the last one started, and tfjs's current one. */
function inUse(report: BackendReport): boolean {
  return backendReport() === report && tf.getBackend() === report.tfBackend;
}

/** Training and selection items; `paperExact` selects on the test split, as the paper's code does. */
export function selectionItems(dataset: Dataset, paperExact: boolean): { train: DatasetItem[]; val: DatasetItem[] } {
  const train = itemsOf(dataset, 'train');
  const val = itemsOf(dataset, paperExact ? 'test' : 'val');
  if (train.length === 0) throw new EinthovenError('E_VALIDATION', `${dataset.name}: no training records`);
  if (val.length === 0) throw new EinthovenError('E_VALIDATION', `${dataset.name}: no validation records`);
  return { train, val };
}

/**
 * Decodes and filters the items once, reporting progress; records that fail are left out.
 * With `workers` > 1 (wasm/cpu backends) the records are decoded on that many worker threads.
 */
export async function loadStore(items: readonly DatasetItem[], pipeline: PipelineConfig, context: JobContext, cacheDir?: string, inMemory = true, workers = 1): Promise<SignalStore> {
  return withInferencePool(Math.min(workers, Math.ceil(items.length / 16)), async (pool) => {
    const on = pool ? ` on ${pool.size} workers` : '';
    context.onProgress?.({ kind: 'phase', phase: 'loading', message: `decoding ${items.length} records${inMemory ? '' : ' (kept on disk)'}${on}` });
    return SignalStore.build(items, {
      pipeline,
      inMemory,
      ...(cacheDir ? { cacheDir } : {}),
      ...(context.signal ? { signal: context.signal } : {}),
      ...(pool ? { decoder: pool.decoder(pipeline, cacheDir) } : {}),
    });
  });
}

/** Items whose record decoded, with their ids and labels side by side. */
export function usable(items: readonly DatasetItem[], store: SignalStore): { ids: string[]; labels: number[][] } {
  const kept = items.filter((i) => store.has(i.id));
  return { ids: kept.map((i) => i.id), labels: kept.map((i) => [...i.labels]) };
}

/** A short hash of anything JSON-serialisable (job keys, dataset fingerprints). */
export function fingerprint(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}
