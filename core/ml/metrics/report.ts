import { bootstrapIntervals, type BootstrapOptions, type Interval } from './bootstrap';
import { f1Macro, gmeanMacro, gmeanPaper, hammingAccuracy, subsetAccuracy } from './classification';
import { classRates, confusions, type ClassRates } from './confusion';
import { binarize, checkPair, column, type Matrix } from './matrix';
import { averagePrecisionMacro, perClassAp, perClassAuc, rocAuc, rocAucMacro } from './ranking';
import { drawResamples, resamplePlan } from './resample';

/** Per-class figures of a report. */
export interface ClassReport extends ClassRates {
  readonly threshold: number;
  readonly auc: number;
  readonly ap: number;
}

/** Which classes a macro figure averages over: how many, and which were left out (undefined for them). */
export interface MacroCoverage {
  readonly over: number;
  readonly leftOut: string[];
}

/**
 * What every macro figure averages. AUC needs both outcomes, AP and G-mean need positives (and
 * negatives for G-mean), so a class without them is left out of those means and named here. F1
 * follows sklearn (zero_division 0): a class without positives counts as 0, never left out.
 */
export interface Averaging {
  readonly classes: number;
  readonly aucMacro: MacroCoverage;
  readonly mapMacro: MacroCoverage;
  readonly gmean: MacroCoverage;
  readonly f1Macro: MacroCoverage;
}

/** The metrics block of `ecg evaluate --json` and of training progress. */
export interface MetricsReport {
  /** Per-label (Hamming) accuracy. */
  readonly accuracy: number;
  readonly subsetAccuracy: number;
  readonly f1Macro: number;
  readonly mapMacro: number;
  /** Eq. 2 per class, macro mean. */
  readonly gmean: number;
  /** √(macro recall × micro specificity), as the paper's code. */
  readonly gmeanPaper: number;
  readonly aucMacro: number;
  readonly perClass: Readonly<Record<string, ClassReport>>;
  /** How many classes each macro figure covers, and which it leaves out. */
  readonly averaging: Averaging;
}

/** Options of a report: class names, decision thresholds (0.5 by default) and optional CIs. */
export interface ReportOptions {
  readonly classes: readonly string[];
  readonly thresholds?: number | readonly number[];
  /** Scores a single-output problem's F1 as the mean of both classes (sklearn / paper). */
  readonly binaryAsTwoClasses?: boolean;
  readonly bootstrap?: BootstrapOptions;
}

/** Headline statistics, as functions of (targets, scores), for point estimates and CIs alike. */
function headlineStatistics(thresholds: number | readonly number[], binaryAsTwoClasses: boolean) {
  const decide = (s: Matrix) => binarize(s, thresholds);
  return {
    accuracy: (t: Matrix, s: Matrix) => hammingAccuracy(t, decide(s)),
    subsetAccuracy: (t: Matrix, s: Matrix) => subsetAccuracy(t, decide(s)),
    f1Macro: (t: Matrix, s: Matrix) => f1Macro(t, decide(s), binaryAsTwoClasses),
    mapMacro: (t: Matrix, s: Matrix) => averagePrecisionMacro(t, s),
    gmean: (t: Matrix, s: Matrix) => gmeanMacro(t, decide(s)),
    gmeanPaper: (t: Matrix, s: Matrix) => gmeanPaper(t, decide(s)),
    aucMacro: (t: Matrix, s: Matrix) => rocAucMacro(t, s),
  };
}

function coverage(names: readonly string[], values: readonly number[]): MacroCoverage {
  const leftOut = names.filter((_, j) => !Number.isFinite(values[j] as number));
  return { over: names.length - leftOut.length, leftOut };
}

/** Every metric of one evaluation: headline figures and per-class rates at the given thresholds. */
export function metricsReport(yTrue: Matrix, yProb: Matrix, options: ReportOptions): MetricsReport {
  const { c } = checkPair(yTrue, yProb);
  const thresholds = options.thresholds ?? 0.5;
  const stats = headlineStatistics(thresholds, options.binaryAsTwoClasses ?? false);
  const rates = confusions(yTrue, binarize(yProb, thresholds)).map(classRates);
  const auc = perClassAuc(yTrue, yProb);
  const ap = perClassAp(yTrue, yProb);
  const perClass: Record<string, ClassReport> = {};
  const names = Array.from({ length: c }, (_, j) => options.classes[j] ?? `class${j}`);
  for (let j = 0; j < c; j++) {
    const name = names[j] as string;
    const threshold = typeof thresholds === 'number' ? thresholds : (thresholds[j] as number);
    perClass[name] = { ...(rates[j] as ClassRates), threshold, auc: auc[j] as number, ap: ap[j] as number };
  }
  return {
    accuracy: stats.accuracy(yTrue, yProb),
    subsetAccuracy: stats.subsetAccuracy(yTrue, yProb),
    f1Macro: stats.f1Macro(yTrue, yProb),
    mapMacro: stats.mapMacro(yTrue, yProb),
    gmean: stats.gmean(yTrue, yProb),
    gmeanPaper: stats.gmeanPaper(yTrue, yProb),
    aucMacro: stats.aucMacro(yTrue, yProb),
    perClass,
    averaging: {
      classes: c,
      aucMacro: coverage(names, auc),
      mapMacro: coverage(names, ap),
      gmean: coverage(names, rates.map((r) => r.gmean)),
      f1Macro: { over: c, leftOut: [] },
    },
  };
}

/** The interval key of one class's AUC in `metricsIntervals`' result. */
export const classAucKey = (name: string): string => `auc:${name}`;

/**
 * Bootstrap percentile intervals of the headline metrics and of every class's AUC (seeded, so
 * reproducible). Resamples are stratified and, when `bootstrap.groups` gives each record's
 * patient id, drawn by patient (resample.ts): every class with positives and negatives in the
 * evaluated set keeps both in every resample, so each resampled macro figure averages over the
 * same classes as the point estimate.
 */
export function metricsIntervals(
  yTrue: Matrix,
  yProb: Matrix,
  options: ReportOptions & { readonly bootstrap: BootstrapOptions },
): Record<string, Interval> {
  const { c } = checkPair(yTrue, yProb);
  const { resamples = 1000, seed = 20, level = 0.95, groups } = options.bootstrap;
  const stats: Record<string, (t: Matrix, s: Matrix) => number> = { ...headlineStatistics(options.thresholds ?? 0.5, options.binaryAsTwoClasses ?? false) };
  for (let j = 0; j < c; j++) stats[classAucKey(options.classes[j] ?? `class${j}`)] = (t, s) => rocAuc(column(t, j), column(s, j));
  const indexSets = drawResamples(resamplePlan(yTrue, groups), resamples, seed);
  return bootstrapIntervals(yTrue, yProb, stats, indexSets, level);
}
