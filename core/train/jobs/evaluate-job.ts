import type { DatasetSpec } from '../../data/load';
import { itemsOf, splitNames, type Dataset, type DatasetItem, type Split } from '../../data/types';
import { EinthovenError } from '../../errors';
import type { BackendName } from '../../ml/backend/init';
import { calibrationByClass, type ClassCalibration, type Interval } from '../../ml/metrics/index';
import { patientIdsOf, scoreWithCi, type ScoredMetrics } from '../finalize';
import { subgroupReports, type SubgroupReport } from '../subgroups';
import { peComparisonOf } from '../pe/evaluate';
import type { PeComparison } from '../pe/comparison';
import { disposeModel, loadModel, readingPipeline } from '../ensemble/package';
import { scoreModelItems } from '../ensemble/score';
import type { ModelIdentity } from '../package/manifest';
import type { EvalOptions } from '../predict';
import { withInferencePool } from '../../parallel/inference';
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
  /** One-output tasks: headline F1 as the paper's mean over both classes (default: the package's paperExact). */
  readonly paperExact?: boolean;
}

/** `ecg evaluate --json`: counts, classes, metrics at the package's operating point, bootstrap CIs. */
export interface EvaluationReport {
  readonly n: number;
  readonly classes: string[];
  readonly metrics: ScoredMetrics;
  readonly ci: Record<string, Interval>;
  readonly split: EvaluateSplit;
  readonly dataset: string;
  readonly model: ModelIdentity;
  readonly evaluation: EvalOptions;
  readonly failed: { id: string; message: string }[];
  /**
   * Per class: Brier score, expected calibration error and the reliability bins of the
   * probabilities as the package gives them (calibrated on validation): how far a shown 0.8 is
   * an 80 % chance on these records.
   */
  readonly calibration: Record<string, ClassCalibration>;
  /** Present when asked for: metrics per sex and age band (records whose dataset lists them). */
  readonly subgroups?: SubgroupReport[];
  /**
   * One-output (PE) model on a dataset whose labels CSV carries clinical score items or totals:
   * the model beside each score (and the fusion model, for a fusion package) on the same records.
   */
  readonly peComparison?: PeComparison;
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

/** Items of one split (or all), refusing an empty one. */
export function splitItems(dataset: Dataset, split: EvaluateSplit): DatasetItem[] {
  const items = split === 'all' ? [...dataset.items] : itemsOf(dataset, split as Split);
  if (items.length === 0) throw new EinthovenError('E_VALIDATION', `${dataset.name} has no records in the ${split} split`);
  return items;
}

export { scoreItems, type ScoredItems } from './score-items';

/**
 * Evaluates a package (a single model or an ensemble) on one split of a dataset with the package's own preprocessing, inference
 * mode and operating point. This is the only place the test split is read, after training.
 */
export async function evaluateJob(options: EvaluateJobOptions, context: JobContext = {}): Promise<EvaluationReport> {
  await ensureBackend(options.backend);
  const loaded = await loadModel(options.model);
  try {
    const { manifest } = loaded;
    const split = options.split ?? 'test';
    const dataset = await indexDataset(options.dataset, readingPipeline(loaded), false);
    const columns = classMapping(manifest.classes, dataset);
    const { kept, probs, evaluation, failed } = await withInferencePool(resolveWorkers(options.workers), (pool) => scoreModelItems(loaded, splitItems(dataset, split), { ...options, pool }, context));
    const labels = kept.map((i) => columns.map((c) => i.labels[c] as number));
    const thresholds = options.threshold === undefined ? manifest.operatingPoint.thresholds : manifest.classes.map(() => options.threshold as number);
    const seed = options.seed ?? 20;
    const paperExact = options.paperExact ?? manifest.hyperParameters.paperExact === true;
    const { metrics, ci } = scoreWithCi(labels, probs, manifest.classes, thresholds, seed, patientIdsOf(kept, kept.map((i) => i.id)), { paperExact });
    const subgroups = options.subgroups ? { subgroups: subgroupReports(kept, labels, probs, manifest.classes, thresholds, seed) } : {};
    const pe = peComparisonOf(manifest, kept, probs, labels, thresholds, split, seed);
    const calibration = calibrationByClass(probs, labels, manifest.classes);
    return { n: kept.length, classes: [...manifest.classes], metrics, ci, calibration, split, dataset: dataset.name, model: loaded.identity, evaluation, failed, ...subgroups, ...(pe ? { peComparison: pe } : {}) };
  } finally {
    disposeModel(loaded);
  }
}
