import { EinthovenError } from '../../errors';
import { f1Macro } from './classification';
import { classRates, confusion } from './confusion';
import { binarize, checkPair, column, finiteMean, type Matrix } from './matrix';
import { delongPaired, delongUntestable, pairedOverResamples, type DelongResult, type PairedBootstrapResult } from './paired';
import { averagePrecision, rocAuc } from './ranking';
import { drawResamples, resamplePlan } from './resample';

/**
 * Model A against model B on the same records: per class and macro, paired differences A − B
 * with 95 % intervals and two-sided p-values. AUC differences also get DeLong's test, clustered
 * by patient (Obuchowski 1997) when patient ids are given, as the bootstrap then resamples patients.
 * Checked against numpy (scripts/fixtures/metrics_paired.py).
 */

/** One class: AUC and F1 (each model at its own operating point) of both models, and their differences. */
export interface ClassComparison {
  readonly name: string;
  readonly positives: number;
  readonly aucA: number;
  readonly aucB: number;
  /**
   * DeLong's test of the AUC difference (over patients when `groups` names them); null with fewer
   * than 2 positives or 2 negatives, or, by patient, with them from fewer than 2 patients each.
   */
  readonly delong: DelongResult | null;
  readonly auc: PairedBootstrapResult;
  readonly f1A: number;
  readonly f1B: number;
  readonly f1: PairedBootstrapResult;
}

export const comparedMacros = ['aucMacro', 'f1Macro', 'mapMacro'] as const;
export type ComparedMacro = (typeof comparedMacros)[number];

/** One macro figure of both models and its paired bootstrap difference. */
export interface MacroComparison extends PairedBootstrapResult {
  readonly metric: ComparedMacro;
  readonly a: number;
  readonly b: number;
  /** Classes the macro figure averages over (those defined on these records), and those it leaves out. */
  readonly over: number;
  readonly leftOut: string[];
}

export interface ModelComparison {
  readonly n: number;
  readonly classes: string[];
  readonly perClass: ClassComparison[];
  readonly macro: MacroComparison[];
  readonly bootstrap: { readonly resamples: number; readonly seed: number; readonly unit: 'patient' | 'record'; readonly stratified: true };
}

export interface CompareOptions {
  readonly classes: readonly string[];
  /** Each model's own decision thresholds (its operating point), one per class. */
  readonly thresholdsA: readonly number[];
  readonly thresholdsB: readonly number[];
  readonly resamples?: number;
  readonly seed?: number;
  /** One patient id per record: resample patients instead of records. */
  readonly groups?: readonly string[];
}

/** Per-class F1 at a threshold (sklearn's zero_division 0). */
function f1At(y: readonly number[], s: readonly number[], threshold: number): number {
  return classRates(confusion(y, s.map((v) => (v > threshold ? 1 : 0)))).f1;
}

const pick = (m: Matrix, rows: ArrayLike<number> | null): Matrix => (rows === null ? m : Array.from(rows, (i) => m[i] as readonly number[]));

/** Macro statistics over the defined classes only (AUC and AP are left out where undefined on all records). */
function macroStatistic(metric: ComparedMacro, defined: readonly number[], thresholds: readonly number[]): (t: Matrix, s: Matrix) => number {
  if (metric === 'f1Macro') return (t, s) => f1Macro(t, binarize(s, thresholds));
  const perClass = metric === 'aucMacro' ? rocAuc : averagePrecision;
  return (t, s) => finiteMean(defined.map((j) => perClass(column(t, j), column(s, j))));
}

/** The comparison over given resamples (lists of record indices); `compareModels` draws them. */
export function compareFromIndices(yTrue: Matrix, probsA: Matrix, probsB: Matrix, options: CompareOptions, indexSets: readonly ArrayLike<number>[]): Omit<ModelComparison, 'bootstrap'> {
  const { n, c } = checkPair(yTrue, probsA);
  checkPair(yTrue, probsB);
  if (options.classes.length !== c || options.thresholdsA.length !== c || options.thresholdsB.length !== c) {
    throw new EinthovenError('E_VALIDATION', `comparison needs ${c} class names and ${c} thresholds per model`);
  }
  const perClass = options.classes.map((name, j): ClassComparison => {
    const y = column(yTrue, j);
    const a = column(probsA, j);
    const b = column(probsB, j);
    const positives = y.filter((v) => v === 1).length;
    const paired = (metric: (yy: readonly number[], ss: readonly number[], which: 'A' | 'B') => number) =>
      pairedOverResamples((rows) => {
        const idx = rows ?? y.map((_, i) => i);
        const yy = Array.from(idx, (i) => y[i] as number);
        return metric(yy, Array.from(idx, (i) => a[i] as number), 'A') - metric(yy, Array.from(idx, (i) => b[i] as number), 'B');
      }, indexSets);
    const thresholdA = options.thresholdsA[j] as number;
    const thresholdB = options.thresholdsB[j] as number;
    return {
      name,
      positives,
      aucA: rocAuc(y, a),
      aucB: rocAuc(y, b),
      delong: delongUntestable(y, options.groups) === undefined ? delongPaired(y, a, b, options.groups) : null,
      auc: paired((yy, ss) => rocAuc(yy, ss)),
      f1A: f1At(y, a, thresholdA),
      f1B: f1At(y, b, thresholdB),
      f1: paired((yy, ss, which) => f1At(yy, ss, which === 'A' ? thresholdA : thresholdB)),
    };
  });
  const defined = perClass.flatMap((k, j) => (Number.isFinite(k.aucA) ? [j] : []));
  const macro = comparedMacros.map((metric): MacroComparison => {
    const statA = macroStatistic(metric, defined, options.thresholdsA);
    const statB = macroStatistic(metric, defined, options.thresholdsB);
    const result = pairedOverResamples((rows) => statA(pick(yTrue, rows), pick(probsA, rows)) - statB(pick(yTrue, rows), pick(probsB, rows)), indexSets);
    const over = metric === 'f1Macro' ? c : defined.length;
    const leftOut = metric === 'f1Macro' ? [] : options.classes.filter((_, j) => !defined.includes(j));
    return { metric, a: statA(yTrue, probsA), b: statB(yTrue, probsB), ...result, over, leftOut };
  });
  return { n, classes: [...options.classes], perClass, macro };
}

/**
 * Compares two models' probabilities on the same records (rows), drawing stratified resamples
 * (by patient when `groups` is given; resample.ts), the same resamples for every figure.
 */
export function compareModels(yTrue: Matrix, probsA: Matrix, probsB: Matrix, options: CompareOptions): ModelComparison {
  const resamples = options.resamples ?? 1000;
  const seed = options.seed ?? 20;
  const indexSets = drawResamples(resamplePlan(yTrue, options.groups), resamples, seed);
  return { ...compareFromIndices(yTrue, probsA, probsB, options, indexSets), bootstrap: { resamples, seed, unit: options.groups ? 'patient' : 'record', stratified: true } };
}
