import type { DatasetSpec } from '../../data/load';
import { SignalStore } from '../../data/store';
import { itemsOf, splitNames, type Dataset, type Split } from '../../data/types';
import { EinthovenError } from '../../errors';
import type { BackendName } from '../../ml/backend/init';
import type { Interval, MetricsReport } from '../../ml/metrics/index';
import { probabilities } from '../calibration';
import { scoreWithCi } from '../finalize';
import { subgroupReports, type SubgroupReport } from '../subgroups';
import { loadPackage } from '../package/archive';
import type { ModelIdentity } from '../package/manifest';
import type { EvalOptions } from '../predict';
import { logitsOn, withInferencePool } from '../../parallel/inference';
import { resolveWorkers } from '../../parallel/worker-count';
import type { JobContext } from '../progress';
import { ensureBackend } from '../setup';
import { indexDataset } from './prepare';

export const evaluateSplits = [...splitNames, 'all'] as const;
export type EvaluateSplit = (typeof evaluateSplits)[number];

export interface EvaluateJobOptions {
  /** Model package folder or single file. */
  readonly model: string;
  readonly dataset: DatasetSpec;
  readonly split?: EvaluateSplit;
  /** Overrides the package's inference mode (centre crop or sliding windows). */
  readonly evaluation?: Partial<EvalOptions>;
  readonly backend?: BackendName;
  /** Worker threads for decoding and inference (default: cores − 1). */
  readonly workers?: number;
  readonly cacheDir?: string;
  readonly seed?: number;
  /** Decide at this one threshold for every class instead of the package's tuned ones (0.5 = the paper's rule). */
  readonly threshold?: number;
  /** Also report metrics per sex and age band, when the dataset lists them. */
  readonly subgroups?: boolean;
}

/** `ecg evaluate --json`: counts, classes, metrics at the package's operating point, bootstrap CIs. */
export interface EvaluationReport {
  readonly n: number;
  readonly classes: string[];
  readonly metrics: MetricsReport;
  readonly ci: Record<string, Interval>;
  readonly split: EvaluateSplit;
  readonly dataset: string;
  readonly model: ModelIdentity;
  readonly evaluation: EvalOptions;
  readonly failed: { id: string; message: string }[];
  /** Present when asked for: metrics per sex and age band (records whose dataset lists them). */
  readonly subgroups?: SubgroupReport[];
}

/**
 * Column of each model class in the dataset's label vectors: by name, or positionally for a
 * one-output model on a one-class dataset (e.g. 'MI' vs 'PE' naming of a binary task).
 */
export function classMapping(modelClasses: readonly string[], dataset: Dataset): number[] {
  if (modelClasses.length === 1 && dataset.classes.length === 1) return [0];
  const missing = modelClasses.filter((c) => !dataset.classes.includes(c));
  if (missing.length > 0) {
    throw new EinthovenError('E_VALIDATION', `the dataset has no labels for the model's classes ${missing.join(', ')} (dataset classes: ${dataset.classes.join(', ')})`);
  }
  return modelClasses.map((c) => dataset.classes.indexOf(c));
}

/**
 * Evaluates a package on one split of a dataset with the package's own preprocessing, inference
 * mode and operating point. This is the only place the test split is read, after training.
 */
export async function evaluateJob(options: EvaluateJobOptions, context: JobContext = {}): Promise<EvaluationReport> {
  await ensureBackend(options.backend);
  const loaded = await loadPackage(options.model);
  try {
    const { manifest } = loaded;
    const split = options.split ?? 'test';
    const dataset = await indexDataset(options.dataset, manifest.preprocessing, false);
    const columns = classMapping(manifest.classes, dataset);
    const items = split === 'all' ? [...dataset.items] : itemsOf(dataset, split as Split);
    if (items.length === 0) throw new EinthovenError('E_VALIDATION', `${dataset.name} has no records in the ${split} split`);
    const evaluation: EvalOptions = { ...manifest.inference, ...options.evaluation, mode: options.evaluation?.mode ?? manifest.inference.mode };
    const { store, kept, logits } = await withInferencePool(resolveWorkers(options.workers), async (pool) => {
      context.onProgress?.({ kind: 'phase', phase: 'loading', message: `decoding ${items.length} records${pool ? ` on ${pool.size} workers` : ''}` });
      const s = await SignalStore.build(items, {
        pipeline: manifest.preprocessing,
        ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
        ...(context.signal ? { signal: context.signal } : {}),
        ...(pool ? { decoder: pool.decoder(manifest.preprocessing, options.cacheDir) } : {}),
      });
      const k = items.filter((i) => s.has(i.id));
      context.onProgress?.({ kind: 'phase', phase: 'evaluating', message: `${k.length} records, ${evaluation.mode}` });
      const stride = evaluation.stride ?? Math.max(1, Math.floor((manifest.architecture.buildOptions.inputLength ?? 2) / 2));
      return { store: s, kept: k, logits: await logitsOn(pool, loaded.model, s, k.map((i) => i.id), { ...evaluation, stride }) };
    });
    const probs = probabilities(logits, manifest.operatingPoint.temperature);
    const labels = kept.map((i) => columns.map((c) => i.labels[c] as number));
    const thresholds = options.threshold === undefined ? manifest.operatingPoint.thresholds : manifest.classes.map(() => options.threshold as number);
    const seed = options.seed ?? 20;
    const { metrics, ci } = scoreWithCi(labels, probs, manifest.classes, thresholds, seed);
    const subgroups = options.subgroups ? { subgroups: subgroupReports(kept, labels, probs, manifest.classes, thresholds, seed) } : {};
    return { n: kept.length, classes: [...manifest.classes], metrics, ci, split, dataset: dataset.name, model: loaded.identity, evaluation, failed: store.failures, ...subgroups };
  } finally {
    loaded.model.dispose();
  }
}
