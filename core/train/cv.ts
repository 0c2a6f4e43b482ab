import { stratifiedFolds } from '../data/folds';
import type { Dataset, DatasetItem, Split } from '../data/types';
import { EinthovenError } from '../errors';
import {
  averagePrecisionMacro,
  binarize,
  bootstrapIntervals,
  f1Macro,
  gmeanMacro,
  gmeanPaper,
  hammingAccuracy,
  metricsReport,
  rocAucMacro,
  type Interval,
  type Matrix,
  type MetricsReport,
} from '../ml/metrics/index';
import { drawResamples, resamplePlan } from '../ml/metrics/resample';
import { counted } from '../contract/counted';

/**
 * K-fold cross-validation with the dataset's own folds (issue 16 item 1). Fold i is tested once,
 * out of fold; fold i + 1 (cyclically) is its inner validation, on which its model is selected,
 * calibrated and its thresholds tuned; the other K − 2 folds train it.
 */
export interface CvPlan {
  readonly k: number;
  /** Fold (1..k) of every record taking part. */
  readonly folds: ReadonlyMap<string, number>;
  /** How the folds were made, for the report and the manifests. */
  readonly source: string;
  /** Records left out of cross-validation (a hospital's locked test split), with why. */
  readonly excluded: { readonly count: number; readonly reason: string } | null;
  /** The seed that dealt the folds; absent where the dataset fixes them (PTB-XL's strat_fold, a loader's own 10). */
  readonly seed?: number;
  /** Recordings listed under rows that would have fallen in different folds, kept in one fold, in words; absent when none. */
  readonly copiesKept?: string;
}

/** Rows holding one recording (the same ECG under other rows, or at another rate), by their ids. */
export type CopyGroups = readonly (readonly string[])[];

/**
 * The rows that must share a fold, each named by its group's first row: a patient's records, and
 * a recording's copies (with their patients' other records), joined in one union-find.
 */
function sharedFoldGroups(items: readonly DatasetItem[], copies: CopyGroups): Map<string, string> {
  const index = new Map(items.map((item, i) => [item.id, i]));
  const parent = items.map((_, i) => i);
  const root = (i: number): number => {
    let k = i;
    while (parent[k] !== k) k = parent[k] = parent[parent[k] as number] as number;
    return k;
  };
  const join = (a: number, b: number) => {
    const [ra, rb] = [root(a), root(b)];
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  const firstOfPatient = new Map<string, number>();
  items.forEach((item, i) => {
    if (item.patientId === undefined) return;
    const first = firstOfPatient.get(item.patientId);
    if (first === undefined) firstOfPatient.set(item.patientId, i);
    else join(first, i);
  });
  for (const group of copies) {
    const members = group.flatMap((id) => (index.has(id) ? [index.get(id) as number] : []));
    members.slice(1).forEach((m) => join(members[0] as number, m));
  }
  return new Map(items.map((item, i) => [item.id, (items[root(i)] as DatasetItem).id]));
}

/** The copies that span more than one of these folds, in words (at most 5 listed). */
function spanningText(copies: CopyGroups, folds: ReadonlyMap<string, number>): { spanning: number; listed: string } {
  const spanning = copies.filter((g) => new Set(g.flatMap((id) => (folds.has(id) ? [folds.get(id)] : []))).size > 1);
  const more = spanning.length > 5 ? `; and ${spanning.length - 5} more` : '';
  return { spanning: spanning.length, listed: `${spanning.slice(0, 5).map((g) => g.join(' = ')).join('; ')}${more}` };
}

/** Copies dealt to one fold as one patient's records are (those of one patient already were), in words; undefined when none. */
function dealtTogetherText(copies: CopyGroups, items: readonly DatasetItem[]): string | undefined {
  const patientOf = new Map(items.map((i) => [i.id, i.patientId ?? `record:${i.id}`]));
  const joined = copies.filter((g) => new Set(g.flatMap((id) => (patientOf.has(id) ? [patientOf.get(id)] : []))).size > 1);
  if (joined.length === 0) return undefined;
  const more = joined.length > 5 ? `; and ${joined.length - 5} more` : '';
  return `${counted(joined.length, 'recording')} listed under rows of different patients dealt to one fold with their patients' records, so no fold is tested on a copy of its training: ${joined.slice(0, 5).map((g) => g.join(' = ')).join('; ')}${more}`;
}

/**
 * Folds the dataset fixes (PTB-XL's strat_fold, a loader's own), with each recording's copies
 * moved, with their patients' records, into the fold of the group's first row: a copy in another
 * fold would be tested by a model that trained on it. Said in `copiesKept`.
 */
function keepCopiesTogether(items: readonly DatasetItem[], folds: Map<string, number>, copies: CopyGroups): { folds: Map<string, number>; copiesKept?: string } {
  const { spanning, listed } = spanningText(copies, folds);
  if (spanning === 0) return { folds };
  const participants = items.filter((i) => folds.has(i.id));
  const group = sharedFoldGroups(participants, copies);
  const kept = new Map(participants.map((i) => [i.id, folds.get(group.get(i.id) as string) as number]));
  const moved = participants.filter((i) => kept.get(i.id) !== folds.get(i.id)).length;
  return { folds: kept, copiesKept: `${counted(spanning, 'recording')} listed under rows of different folds kept in one fold, the first row's (${counted(moved, 'row')} moved), so no fold is tested on a copy of its training: ${listed}` };
}

const labelKey = (item: DatasetItem) => item.labels.join('');

/**
 * Patient-grouped stratified folds: a patient's records share a fold, dealt by the union of their
 * labels; so do a recording's copies (`copies`), as if they were one patient's.
 */
function patientFolds(items: readonly DatasetItem[], k: number, seed: number, copies: CopyGroups = []): Map<string, number> {
  const group = sharedFoldGroups(items, copies);
  const byPatient = new Map<string, DatasetItem[]>();
  for (const item of items) {
    const key = group.get(item.id) as string;
    byPatient.set(key, [...(byPatient.get(key) ?? []), item]);
  }
  const patients = [...byPatient.keys()];
  const keys = patients.map((p) => {
    const members = byPatient.get(p) as DatasetItem[];
    return (members[0] as DatasetItem).labels.map((_, j) => (members.some((m) => m.labels[j] === 1) ? 1 : 0)).join('');
  });
  const patientFold = stratifiedFolds(patients, keys, k, seed);
  return new Map(patients.flatMap((p) => (byPatient.get(p) as DatasetItem[]).map((item) => [item.id, patientFold.get(p) as number] as const)));
}

/**
 * The folds of a dataset: PTB-XL's strat_fold 1–9 (patient-disjoint; K < 9 merges them as
 * (strat_fold − 1) mod K + 1), CPSC's and CinC's stratified folds (the loader's 10, or K dealt the
 * same way), patient-grouped stratified folds for a hospital's records. CPSC and CinC use every
 * record (the paper's protocol); PTB-XL's locked test fold 10 and a hospital's locked test split
 * stay out.
 */
export function crossValidationPlan(dataset: Dataset, k: number, seed = 2018, copies: CopyGroups = []): CvPlan {
  if (!Number.isInteger(k) || k < 3 || k > 20) throw new EinthovenError('E_VALIDATION', `cross-validation needs 3..20 folds, got ${k}`);
  const items = dataset.items;
  if (dataset.name.startsWith('ptbxl')) {
    // strat_fold 10 is the locked test split, read once per model (docs/results.md): it stays out, as a hospital's does.
    if (k > 9) throw new EinthovenError('E_VALIDATION', `PTB-XL has 9 strat_folds outside its locked test fold 10; --cv ${k} would split patients`);
    const development = items.filter((i) => i.split !== 'test');
    const { folds, copiesKept } = keepCopiesTogether(items, new Map(development.map((i) => [i.id, ((i.fold ?? 1) - 1) % k + 1])), copies);
    const locked = items.length - development.length;
    return {
      k,
      folds,
      ...(copiesKept ? { copiesKept } : {}),
      source: k === 9 ? 'PTB-XL strat_fold 1–9 (patient-disjoint)' : `PTB-XL strat_fold 1–9 merged into ${k} folds ((strat_fold − 1) mod ${k} + 1; patient-disjoint)`,
      excluded: locked > 0 ? { count: locked, reason: 'the locked test split (strat_fold 10) is never read by cross-validation' } : null,
    };
  }
  if (dataset.name.startsWith('hospital:')) {
    const development = items.filter((i) => i.split !== 'test');
    const locked = items.length - development.length;
    const copiesKept = dealtTogetherText(copies, development);
    return {
      k,
      folds: patientFolds(development, k, seed, copies),
      ...(copiesKept ? { copiesKept } : {}),
      source: `${k} patient-grouped folds stratified by label (seed ${seed})`,
      excluded: locked > 0 ? { count: locked, reason: 'the locked test split is never read by cross-validation' } : null,
      seed,
    };
  }
  const own = k === 10 && items.every((i) => i.fold !== undefined);
  const dealt = own ? new Map(items.map((i) => [i.id, i.fold as number])) : stratifiedFolds(items.map((i) => i.id), items.map(labelKey), k, seed);
  const { folds, copiesKept } = keepCopiesTogether(items, dealt, copies);
  return { k, folds, source: `${dataset.name}: ${k} folds stratified by label combination${own ? ' (the loader’s own)' : ` (seed ${seed})`}`, excluded: null, ...(own ? {} : { seed }), ...(copiesKept ? { copiesKept } : {}) };
}

/** Fold i's split of the participating records: test = fold i, validation = the next fold, train = the rest. */
export function foldSplitOf(plan: CvPlan, fold: number, recordFold: number): Split {
  if (recordFold === fold) return 'test';
  if (recordFold === (fold % plan.k) + 1) return 'val';
  return 'train';
}

/**
 * The dataset as fold i sees it (only participating records), named and marked (`cvFold`) so
 * its package says which fold, and that its test rows are the fold's held-out rows.
 */
export function foldDataset(dataset: Dataset, plan: CvPlan, fold: number): Dataset {
  const items = dataset.items.flatMap((item) => {
    const f = plan.folds.get(item.id);
    return f === undefined ? [] : [{ ...item, split: foldSplitOf(plan, fold, f) }];
  });
  return { ...dataset, name: `${dataset.name} (CV fold ${fold} of ${plan.k})`, items, cvFold: { k: plan.k, fold, ...(plan.seed === undefined ? {} : { seed: plan.seed }) } };
}

/** One fold's out-of-fold predictions: its test records at its own model's operating point. */
export interface FoldPredictions {
  readonly fold: number;
  readonly ids: readonly string[];
  readonly patients: readonly (string | undefined)[];
  readonly labels: readonly (readonly number[])[];
  readonly probs: readonly (readonly number[])[];
  readonly thresholds: readonly number[];
}

export const cvMetrics = ['aucMacro', 'f1Macro', 'mapMacro', 'gmean', 'accuracy', 'f1Macro@0.5', 'accuracy@0.5', 'gmeanPaper@0.5'] as const;
export type CvMetric = (typeof cvMetrics)[number];

/** Statistics of pooled rows whose scores are [probabilities | decisions at each row's own fold thresholds | decisions at 0.5]. */
function pooledStatistics(c: number): Record<CvMetric, (t: Matrix, s: Matrix) => number> {
  const part = (m: Matrix, from: number) => m.map((row) => row.slice(from, from + c));
  const probs = (s: Matrix) => part(s, 0);
  const own = (s: Matrix) => part(s, c);
  const half = (s: Matrix) => part(s, 2 * c);
  return {
    aucMacro: (t, s) => rocAucMacro(t, probs(s)),
    f1Macro: (t, s) => f1Macro(t, own(s)),
    mapMacro: (t, s) => averagePrecisionMacro(t, probs(s)),
    gmean: (t, s) => gmeanMacro(t, own(s)),
    accuracy: (t, s) => hammingAccuracy(t, own(s)),
    'f1Macro@0.5': (t, s) => f1Macro(t, half(s)),
    'accuracy@0.5': (t, s) => hammingAccuracy(t, half(s)),
    'gmeanPaper@0.5': (t, s) => gmeanPaper(t, half(s)),
  };
}

/** The figures of one fold's test records (or of the pooled records) at their operating points and at 0.5. */
function figures(labels: Matrix, scores: Matrix, c: number): Record<CvMetric, number> {
  const stats = pooledStatistics(c);
  return Object.fromEntries(cvMetrics.map((m) => [m, stats[m](labels, scores)])) as Record<CvMetric, number>;
}

function packedScores(f: FoldPredictions): number[][] {
  const own = binarize(f.probs, f.thresholds);
  const half = binarize(f.probs, 0.5);
  return f.probs.map((row, i) => [...row, ...(own[i] as number[]), ...(half[i] as number[])]);
}

export interface MeanSd {
  readonly mean: number;
  readonly sd: number;
  /** Folds where the figure is defined (a fold without positives of any class has no AUC). */
  readonly folds: number;
}

export interface CvSummary {
  readonly perFold: { readonly fold: number; readonly n: number; readonly metrics: Record<CvMetric, number> }[];
  /** Mean ± sample SD over folds. */
  readonly meanSd: Record<CvMetric, MeanSd>;
  /** Every record scored once, out of fold, by its fold's model: figures and bootstrap 95 % CIs. */
  readonly pooled: { readonly n: number; readonly metrics: Record<CvMetric, number>; readonly ci: Record<CvMetric, Interval>; readonly report: MetricsReport; readonly unit: 'patient' | 'record' };
}

function meanSd(values: readonly number[]): MeanSd {
  const finite = values.filter(Number.isFinite);
  const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
  const sd = finite.length < 2 ? Number.NaN : Math.sqrt(finite.reduce((a, v) => a + (v - mean) ** 2, 0) / (finite.length - 1));
  return { mean: finite.length === 0 ? Number.NaN : mean, sd, folds: finite.length };
}

/**
 * Per-fold figures, their mean ± SD, and the pooled out-of-fold figures with bootstrap CIs
 * (stratified; by patient when every record has a patient id). Threshold figures use each
 * record's own fold model's thresholds, and the paper's 0.5 rule beside them.
 */
export function summariseFolds(folds: readonly FoldPredictions[], classes: readonly string[], options: { resamples?: number; seed?: number } = {}): CvSummary {
  const c = classes.length;
  const perFold = folds.map((f) => ({ fold: f.fold, n: f.ids.length, metrics: figures(f.labels, packedScores(f), c) }));
  const labels = folds.flatMap((f) => f.labels.map((row) => [...row]));
  const scores = folds.flatMap(packedScores);
  const patients = folds.flatMap((f) => [...f.patients]);
  const groups = patients.every((p): p is string => p !== undefined) ? patients : undefined;
  const indexSets = drawResamples(resamplePlan(labels, groups), options.resamples ?? 1000, options.seed ?? 20);
  const ci = bootstrapIntervals(labels, scores, pooledStatistics(c), indexSets) as Record<CvMetric, Interval>;
  const probs = folds.flatMap((f) => f.probs.map((row) => [...row]));
  const report = metricsReport(labels, probs, { classes, thresholds: 0.5 });
  return {
    perFold,
    meanSd: Object.fromEntries(cvMetrics.map((m) => [m, meanSd(perFold.map((f) => f.metrics[m]))])) as Record<CvMetric, MeanSd>,
    pooled: { n: labels.length, metrics: figures(labels, scores, c), ci, report, unit: groups ? 'patient' : 'record' },
  };
}
