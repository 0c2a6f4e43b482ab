import { EinthovenError } from '../../errors';
import { compareModels, type ModelComparison } from '../../ml/metrics/comparison';
import { disposeModel, loadModel, readingPipeline, type LoadedModel } from '../ensemble/package';
import { scoreModelItems } from '../ensemble/score';
import type { ModelIdentity } from '../package/manifest';
import type { JobContext } from '../progress';
import { patientIdsOf } from '../finalize';
import { refuseFusionAsPlainModel } from '../pe/fusion';
import { ensureBackend } from '../setup';
import { classMapping, intendedInputsOf, splitItems, type EvaluateJobOptions, type EvaluateSplit } from './evaluate-job';
import { inScopeItems, type OutOfScope } from '../evaluation-scope';
import type { ScoredItems } from './score-items';
import { indexDataset } from './prepare';

export interface CompareJobOptions extends Omit<EvaluateJobOptions, 'threshold' | 'subgroups'> {
  /** The second package (B); the comparison reports A − B. */
  readonly other: string;
  readonly resamples?: number;
}

/** `ecg evaluate --compare OTHER --json`: both models on the same records, paired differences A − B. */
export interface ComparisonReport extends ModelComparison {
  readonly split: EvaluateSplit;
  readonly dataset: string;
  readonly modelA: ModelIdentity;
  readonly modelB: ModelIdentity;
  /** Records only one of the two models could read are left out of the comparison. */
  readonly leftOut: number;
  /** Records outside either model's intended input, left out (each model's count and reasons). */
  readonly outOfScope: { readonly a: OutOfScope; readonly b: OutOfScope };
}

async function scoreOne(loaded: LoadedModel, options: CompareJobOptions, context: JobContext): Promise<ScoredItems & { columns: number[]; datasetName: string; outOfScope: OutOfScope; outside: Set<string> }> {
  // Each model reads the dataset at its own rate (PTB-XL records100 or records500): same record ids.
  const dataset = await indexDataset(options.dataset, readingPipeline(loaded), false);
  const columns = classMapping(loaded.manifest.classes, dataset);
  const all = splitItems(dataset, options.split ?? 'test');
  // Each model only on the records it is for, as evaluate scores it: the comparison is on those within both.
  const { items, outOfScope } = await inScopeItems(loaded.manifest.name, intendedInputsOf(loaded), all, context.signal);
  const inside = new Set(items.map((i) => i.id));
  const outside = new Set(all.filter((i) => !inside.has(i.id)).map((i) => i.id));
  return { ...(await scoreModelItems(loaded, items, options, context)), columns, datasetName: dataset.name, outOfScope, outside };
}

/**
 * Evaluates two packages on the same split, each with its own preprocessing, inference and
 * operating point, and compares them on the records both could read and the classes both
 * predict: per class DeLong's test and paired bootstrap differences of AUC and F1, and paired
 * bootstrap differences of macro AUC, F1 and MAP (stratified, by patient where ids exist).
 */
export async function compareJob(options: CompareJobOptions, context: JobContext = {}): Promise<ComparisonReport> {
  await ensureBackend(options.backend);
  const a = await loadModel(options.model);
  try {
    const b = await loadModel(options.other);
    try {
      // Compared here, a fusion's network outputs would be reported under the fusion's name.
      refuseFusionAsPlainModel(a.manifest);
      refuseFusionAsPlainModel(b.manifest);
      const classes = a.manifest.classes.filter((c) => b.manifest.classes.includes(c));
      if (classes.length === 0) throw new EinthovenError('E_VALIDATION', `${a.manifest.name} and ${b.manifest.name} share no class to compare (${a.manifest.classes.join(', ')} vs ${b.manifest.classes.join(', ')})`);
      const scoredA = await scoreOne(a, options, context);
      const scoredB = await scoreOne(b, options, context);
      const rowB = new Map(scoredB.kept.map((item, k) => [item.id, k]));
      const rows = scoredA.kept.flatMap((item, k) => (rowB.has(item.id) ? [[k, rowB.get(item.id) as number] as const] : []));
      if (rows.length === 0) throw new EinthovenError('E_VALIDATION', 'no record could be read by both models');
      const jA = classes.map((c) => a.manifest.classes.indexOf(c));
      const jB = classes.map((c) => b.manifest.classes.indexOf(c));
      const items = rows.map(([k]) => scoredA.kept[k] as ScoredItems['kept'][number]);
      const labels = items.map((item) => jA.map((j) => item.labels[scoredA.columns[j] as number] as number));
      const probsA = rows.map(([k]) => jA.map((j) => (scoredA.probs[k] as number[])[j] as number));
      const probsB = rows.map(([, k]) => jB.map((j) => (scoredB.probs[k] as number[])[j] as number));
      const groups = patientIdsOf(items, items.map((i) => i.id));
      const comparison = compareModels(labels, probsA, probsB, {
        classes,
        thresholdsA: jA.map((j) => a.manifest.operatingPoint.thresholds[j] as number),
        thresholdsB: jB.map((j) => b.manifest.operatingPoint.thresholds[j] as number),
        resamples: options.resamples ?? 1000,
        seed: options.seed ?? 20,
        ...(groups ? { groups } : {}),
      });
      // Read by one model only; a record the other is not for is counted under its out-of-scope records instead.
      const rowA = new Set(scoredA.kept.map((item) => item.id));
      const leftOut = scoredA.kept.filter((i) => !rowB.has(i.id) && !scoredB.outside.has(i.id)).length + scoredB.kept.filter((i) => !rowA.has(i.id) && !scoredA.outside.has(i.id)).length;
      return { ...comparison, split: options.split ?? 'test', dataset: scoredA.datasetName, modelA: a.identity, modelB: b.identity, leftOut, outOfScope: { a: scoredA.outOfScope, b: scoredB.outOfScope } };
    } finally {
      disposeModel(b);
    }
  } finally {
    disposeModel(a);
  }
}
