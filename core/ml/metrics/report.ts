import { bootstrapIntervals, resampleIndices, type BootstrapOptions, type Interval } from './bootstrap';
import { f1Macro, gmeanMacro, gmeanPaper, hammingAccuracy, subsetAccuracy } from './classification';
import { classRates, confusions, type ClassRates } from './confusion';
import { binarize, checkPair, type Matrix } from './matrix';
import { averagePrecisionMacro, perClassAp, perClassAuc, rocAucMacro } from './ranking';

/** Per-class figures of a report. */
export interface ClassReport extends ClassRates {
  readonly threshold: number;
  readonly auc: number;
  readonly ap: number;
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

/** Every metric of one evaluation: headline figures and per-class rates at the given thresholds. */
export function metricsReport(yTrue: Matrix, yProb: Matrix, options: ReportOptions): MetricsReport {
  const { c } = checkPair(yTrue, yProb);
  const thresholds = options.thresholds ?? 0.5;
  const stats = headlineStatistics(thresholds, options.binaryAsTwoClasses ?? false);
  const rates = confusions(yTrue, binarize(yProb, thresholds)).map(classRates);
  const auc = perClassAuc(yTrue, yProb);
  const ap = perClassAp(yTrue, yProb);
  const perClass: Record<string, ClassReport> = {};
  for (let j = 0; j < c; j++) {
    const name = options.classes[j] ?? `class${j}`;
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
  };
}

/** Bootstrap percentile intervals of the headline metrics (seeded, so reproducible). */
export function metricsIntervals(
  yTrue: Matrix,
  yProb: Matrix,
  options: ReportOptions & { readonly bootstrap: BootstrapOptions },
): Record<string, Interval> {
  const { n } = checkPair(yTrue, yProb);
  const { resamples = 1000, seed = 20, level = 0.95 } = options.bootstrap;
  const stats = headlineStatistics(options.thresholds ?? 0.5, options.binaryAsTwoClasses ?? false);
  return bootstrapIntervals(yTrue, yProb, stats, resampleIndices(n, resamples, seed), level);
}
