import path from 'node:path';
import type { DatasetSpec } from '../../data/load';
import { itemsOf, splitNames, type Dataset, type DatasetItem, type Split } from '../../data/types';
import { EinthovenError } from '../../errors';
import type { BackendName } from '../../ml/backend/init';
import { calibrationByClass, type ClassCalibration, type Interval } from '../../ml/metrics/index';
import { patientIdsOf, scoreWithCi, type ScoredMetrics } from '../finalize';
import { subgroupReports, type SubgroupReport } from '../subgroups';
import { fusedRecordsOf, peComparisonOf } from '../pe/evaluate';
import { fusedOperatingPoint, fusionRefusalText, type FusionBlock } from '../pe/fusion';
import type { PeComparison } from '../pe/comparison';
import { disposeModel, isEnsemble, loadModel, readingPipeline, type LoadedModel } from '../ensemble/package';
import { scoreModelItems } from '../ensemble/score';
import { selectedOnTest, type ModelIdentity, type OperatingPoint } from '../package/manifest';
import type { EvalOptions } from '../predict';
import { withInferencePool } from '../../parallel/inference';
import { resolveWorkers } from '../../parallel/worker-count';
import type { JobContext } from '../progress';
import { ensureBackend } from '../setup';
import { datasetSha256, fusionDatasetSha256, indexDataset } from './prepare';
import { trainingRecordsOf } from '../base-records';
import { rateCopiesIn, type RateCopySearch } from '../rate-copy-search';
import type { RecordProfile } from '../../engine/record-profile';
import { ensembleTrainingOverlap, seenHashes, trainingOverlap, type EnsembleOverlap, type TrainingOverlap } from '../training-overlap';
import { unknownOverlapNote } from '../unknown-overlap';
import { noneOf, wordFor } from '../../contract/counted';
import { inScopeItems, type OutOfScope } from '../evaluation-scope';
import { intendedInputOf } from '../package/manifest';
import type { IntendedInput } from '../scope';

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
  /**
   * SHA-256 over the dataset's index as the model reads it (ids, splits, labels; datasetSha256; with
   * the score items, for a fusion package: fusionDatasetSha256), as a package's provenance.dataset
   * keeps it of its training data: equal only where this is the dataset, split and labelled as the
   * package's was, so its test split is the package's locked test.
   */
  readonly datasetSha256: string;
  readonly model: ModelIdentity;
  readonly evaluation: EvalOptions;
  readonly failed: { id: string; message: string }[];
  /**
   * Records of the split outside the model's intended input (what predict abstains on: a rate
   * below the model's, missing leads, too short, age, pacing), left out of every figure and counted.
   */
  readonly outOfScope: OutOfScope;
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
  /**
   * Why these are not locked-test figures (null on the test split, unless the model chose its epoch
   * there, saw some of its records, or keeps no record that shows it did not: unknownOverlapNote):
   * what a reader must know before quoting them, and what --attach, --record and the app refuse to keep.
   */
  readonly notLockedTest: string | null;
  /**
   * How many evaluated records the model trained or validated on (its package's training-record
   * filter); for an ensemble, combined over its members (any member's is enough), with each member's.
   */
  readonly trainingOverlap: TrainingOverlap | EnsembleOverlap;
  /**
   * A PE fusion package: the headline figures above are the fusion's own (fused probability at
   * its own operating point, on the records with every score item); these are its ECG network's,
   * its base model's, on all evaluated records, labelled as such.
   */
  readonly fusion?: FusionEvaluation;
}

export interface FusionEvaluation {
  readonly baseModel: { readonly id: string; readonly name: string };
  /** Evaluated records the fusion could not score (an item missing, an ECG output outside its range), not in the headline figures. */
  readonly unscored: { readonly count: number; readonly firstReason: string | null };
  readonly ecgOnly: { readonly n: number; readonly operatingPoint: OperatingPoint; readonly metrics: ScoredMetrics; readonly ci: Record<string, Interval> };
}

/**
 * Why figures on a split other than the locked test split are optimistic, or null on it. Said
 * with every such figure: a validation AUC with its CI reads like a result otherwise.
 */
export function notLockedTestNote(split: EvaluateSplit, selectedOnTest = false): string | null {
  const why: Record<EvaluateSplit, string | null> = {
    // A --paper-exact package chose its epoch on the test split: its figures there are as optimistic as validation's.
    test: selectedOnTest ? 'the model chose its epoch on the test split (--paper-exact, the paper code\'s protocol)' : null,
    val: 'the validation split is where the epoch, the temperature and the thresholds (and a fusion\'s calibration) were chosen',
    train: 'the model was fitted on the training split',
    all: '"all" includes the training and validation records the model was fitted and tuned on',
  };
  const reason = why[split];
  if (reason === null) return null;
  const instead = split === 'test' ? 'it has no locked test on this dataset' : 'report the test split (--split test)';
  return `not locked-test figures: ${reason}, so they are optimistic; ${instead}`;
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

/** Records with their labels, probabilities and the operating point those probabilities are decided at. */
interface Scored {
  readonly items: DatasetItem[];
  readonly labels: number[][];
  readonly probs: number[][];
  readonly point: OperatingPoint;
}

/** A fusion package's own outputs on the evaluated records, refused when no record has the score items it needs. */
function fusionScored(name: string, block: FusionBlock, all: Scored): { scored: Scored; about: Omit<FusionEvaluation, 'ecgOnly'> } {
  const fused = fusedRecordsOf(block, all.items, all.probs);
  if (fused.indices.length === 0) {
    // The advice every fusion refusal gives (fusion.ts), where this one once said 'evaluate that package' of its base alone.
    const need = `its figures need those items (${block.items.join(', ')}) in the labels CSV, and ${noneOf(all.items.length, 'record', ['could', 'be fused'])} (${fused.unscored.firstReason ?? 'no items'})`;
    throw new EinthovenError('E_VALIDATION', fusionRefusalText({ name, fusion: block }, need));
  }
  const scored = { items: fused.indices.map((k) => all.items[k] as DatasetItem), labels: fused.indices.map((k) => all.labels[k] as number[]), probs: fused.probs, point: fusedOperatingPoint(block) };
  return { scored, about: { baseModel: { id: block.baseModel.id, name: block.baseModel.name }, unscored: fused.unscored } };
}

/**
 * The evaluated records the model trained or validated on (by content, so a copy under another
 * name counts; and, for a single model, a copy at another sampling rate in the dataset's folder,
 * `copies`), or that a base its weights started from did (a fine-tuning's network learned its
 * base's records too): a dataset whose test split holds some of them gives optimistic figures,
 * however it was split. An ensemble's members each keep their own: a record any member saw
 * counts, and each member's count is reported beside.
 */
function overlapWithTraining(loaded: LoadedModel, hashes: readonly (string | undefined)[], split: EvaluateSplit, copies: RateCopySearch | undefined): TrainingOverlap | EnsembleOverlap {
  // Named by their split: on 'val' the note said "test records" of the validation records.
  const what = split === 'all' ? 'record' : `${split} record`;
  if (isEnsemble(loaded)) {
    const members = loaded.members.map((m) => {
      const { own, bases } = trainingRecordsOf(m.manifest);
      return { name: m.manifest.name, filter: own, bases };
    });
    return ensembleTrainingOverlap(loaded.manifest.name, members, hashes, undefined, what);
  }
  return trainingOverlap(loaded.manifest.name, trainingRecordsOf(loaded.manifest), hashes, undefined, what, copies);
}

/**
 * Copies, at other sampling rates in the dataset's folder, of the evaluated records (PTB-XL keeps
 * each ECG at 100 and at 500 Hz: the 500 Hz files of the 100 Hz records a model trained on are
 * other hashes of the same ECGs), searched where a single model keeps a training-record filter to
 * look them up in; undefined otherwise.
 */
export async function rateCopiesOf(loaded: LoadedModel, dataset: Dataset, items: readonly DatasetItem[], scored: { contentHashes: ReadonlyMap<string, string>; profiles: ReadonlyMap<string, RecordProfile> }, signal: AbortSignal | undefined): Promise<RateCopySearch | undefined> {
  if (isEnsemble(loaded) || !loaded.manifest.provenance.trainingRecords) return undefined;
  const listed = new Set(dataset.items.flatMap((i) => i.files.map((f) => path.resolve(f))));
  const records = items.flatMap((i) => {
    const hash = scored.contentHashes.get(i.id);
    return hash === undefined ? [] : [{ hash, profile: scored.profiles.get(i.id) }];
  });
  return rateCopiesIn(dataset.root, listed, records, signal);
}

/**
 * The ids of the evaluated records the model (any ensemble member), or a base its weights started
 * from, may have trained or validated on, or a copy of which at another rate it did: what the
 * overlap counted (a model without a filter of its own counts none, as the overlap does).
 */
export function seenRecordIds(loaded: LoadedModel, items: readonly DatasetItem[], hashes: ReadonlyMap<string, string>, copies?: RateCopySearch): string[] {
  const manifests = isEnsemble(loaded) ? loaded.members.map((m) => m.manifest) : [loaded.manifest];
  const itemHashes = items.map((i) => hashes.get(i.id));
  const seen = new Set(manifests.flatMap((manifest) => {
    const { exact, viaCopy } = seenHashes(trainingRecordsOf(manifest), itemHashes, copies);
    return [...exact, ...viaCopy];
  }));
  return items.filter((i) => seen.has(hashes.get(i.id) ?? '')).map((i) => i.id);
}

/**
 * Why test-split figures are not a locked test when the model saw some of its records, or null
 * when it saw none (or keeps no record of what it saw). Kept as the model's locked test (--attach,
 * --record, the app's site evaluation), they would show a quality it has on its own training
 * data: a test split made without the model's split (another labels CSV, PTB-XL's folds
 * renumbered) holds such records. The ids say which, as the count alone cannot be acted on.
 */
export function seenInTrainingNote(overlap: TrainingOverlap, seenIds: readonly string[]): string | null {
  if (!overlap.inTraining) return null;
  const shown = seenIds.slice(0, 3).join(', ');
  const examples = seenIds.length > 3 ? `e.g. ${shown}` : shown;
  return `not locked-test figures: ${overlap.note}; a locked test holds no record the model saw (here ${examples}): leave ${wordFor(overlap.inTraining, 'it', 'them')} out of the test split`;
}

/** What a model is for: a single model's intended input, or each ensemble member's (any member's refusal is the ensemble's, as in predict). */
export function intendedInputsOf(loaded: LoadedModel): IntendedInput[] {
  return isEnsemble(loaded) ? loaded.members.map((m) => intendedInputOf(m.manifest)) : [intendedInputOf(loaded.manifest)];
}

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
    // Only records the model is for: the figures describe what predict would give a number on.
    const { items, outOfScope } = await inScopeItems(manifest.name, intendedInputsOf(loaded), splitItems(dataset, split), context.signal);
    if (outOfScope.count > 0) context.onProgress?.({ kind: 'phase', phase: 'loading', message: outOfScope.note });
    const { kept, probs, evaluation, failed, contentHashes, profiles } = await withInferencePool(resolveWorkers(options.workers), (pool) => scoreModelItems(loaded, items, { ...options, pool }, context));
    const labels = kept.map((i) => columns.map((c) => i.labels[c] as number));
    const seed = options.seed ?? 20;
    const paperExact = options.paperExact ?? manifest.hyperParameters.paperExact === true;
    const all: Scored = { items: kept, labels, probs, point: manifest.operatingPoint };
    const fused = manifest.fusion ? fusionScored(manifest.name, manifest.fusion, all) : undefined;
    // A fusion package is reported by its own outputs; its network's are its base model's, below.
    const head = fused?.scored ?? all;
    const thresholds = options.threshold === undefined ? head.point.thresholds : manifest.classes.map(() => options.threshold as number);
    const { metrics, ci } = scoreWithCi(head.labels, head.probs, manifest.classes, thresholds, seed, patientIdsOf(head.items, head.items.map((i) => i.id)), { paperExact });
    const subgroups = options.subgroups ? { subgroups: subgroupReports(head.items, head.labels, head.probs, manifest.classes, thresholds, seed) } : {};
    const pe = peComparisonOf(manifest, kept, probs, labels, fused ? manifest.operatingPoint.thresholds : thresholds, split, seed);
    const calibration = calibrationByClass(head.probs, head.labels, manifest.classes);
    const fusion = fused ? { fusion: { ...fused.about, ecgOnly: { n: kept.length, operatingPoint: manifest.operatingPoint, ...scoreWithCi(labels, probs, manifest.classes, manifest.operatingPoint.thresholds, seed, patientIdsOf(kept, kept.map((i) => i.id)), { paperExact }) } } } : {};
    const model = fused ? { ...loaded.identity, operatingPoint: head.point } : loaded.identity;
    const copies = await rateCopiesOf(loaded, dataset, head.items, { contentHashes, profiles }, context.signal);
    const overlap = overlapWithTraining(loaded, head.items.map((i) => contentHashes.get(i.id)), split, copies);
    const digest = manifest.fusion ? fusionDatasetSha256(dataset.items) : datasetSha256(dataset);
    const notLockedTest =
      notLockedTestNote(split, !isEnsemble(loaded) && selectedOnTest(loaded.manifest.provenance)) ??
      seenInTrainingNote(overlap, seenRecordIds(loaded, head.items, contentHashes, copies)) ??
      // What it saw unknown, the figures are no more a locked test than where it saw some.
      unknownOverlapNote(isEnsemble(loaded) ? loaded.members.map((m) => m.manifest) : [loaded.manifest], digest);
    return { n: head.items.length, classes: [...manifest.classes], metrics, ci, calibration, split, dataset: dataset.name, datasetSha256: digest, model, evaluation, failed, outOfScope, ...subgroups, ...(pe ? { peComparison: pe } : {}), notLockedTest, trainingOverlap: overlap, ...fusion };
  } finally {
    disposeModel(loaded);
  }
}
