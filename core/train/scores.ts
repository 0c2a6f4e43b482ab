import { aucCounts, aucInterval, bootstrapIntervals, classAucKey, classRates, column, confusion, drawResamples, f1Macro, macroAucInterval, metricsIntervals, metricsReport, rateInterval, resamplePlan, rocAuc, type ClassReport, type Interval, type Matrix, type MetricsReport } from '../ml/metrics/index';
import { rateCounts } from '../ml/metrics/stored-rates';

/** Bootstrap resamples for reported CIs (seeded, so a report is reproducible). */
export const bootstrapResamples = 1000;

/**
 * An evaluation's metrics. For a one-output task (PE) both binary F1s are reported, labelled:
 * the positive class's F1, and the mean of both classes' F1 the paper's Table 3 reports; the
 * headline `f1Macro` is the positive class's, or the paper's under `paperExact`.
 */
export type ScoredMetrics = MetricsReport & { readonly f1Positive?: number; readonly f1TwoClassMean?: number };

/** Per-class figures with a bootstrap interval each, keyed `<class>.<figure>` in the CI record. */
export const perClassIntervalFigures = ['sensitivity', 'specificity', 'ppv', 'npv', 'f1', 'auc'] as const;

function perClassStatistics(classes: readonly string[], thresholds: readonly number[]): Record<string, (t: Matrix, s: Matrix) => number> {
  const stats: Record<string, (t: Matrix, s: Matrix) => number> = {};
  classes.forEach((name, j) => {
    const rates = (t: Matrix, s: Matrix) => classRates(confusion(column(t, j), column(s, j).map((p) => (p > (thresholds[j] as number) ? 1 : 0))));
    for (const figure of perClassIntervalFigures) {
      stats[`${name}.${figure}`] = figure === 'auc' ? (t, s) => rocAuc(column(t, j), column(s, j)) : (t, s) => rates(t, s)[figure];
    }
  });
  return stats;
}

/** Distinct patients among the rows `keep` picks (also the PE comparison's rate counts, pe/comparison.ts). */
export function patientsAmong(rows: number, keep: (i: number) => boolean, patients: readonly string[]): number {
  const seen = new Set<string>();
  for (let i = 0; i < rows; i++) if (keep(i)) seen.add(patients[i] as string);
  return seen.size;
}

/**
 * One class's rate counts on patients: each rate's denominator (positives, negatives, flagged,
 * not flagged) as the distinct patients among its records, as aucCounts counts the AUC's, and its
 * successes as the rate of records times that, so the interval keeps the rate shown and is as
 * wide as the patients behind it allow: a patient's repeat ECGs, which the bootstrap draws
 * together, are not more trials.
 */
function patientRateCounts(figure: ClassReport, y: readonly number[], flagged: readonly boolean[], patients: readonly string[]): Record<string, [number, number]> {
  const rows = y.length;
  const of = (value: number, keep: (i: number) => boolean): [number, number] => {
    const total = patientsAmong(rows, keep, patients);
    return [Number.isFinite(value) ? value * total : 0, total];
  };
  return {
    sensitivity: of(figure.sensitivity, (i) => y[i] === 1),
    specificity: of(figure.specificity, (i) => y[i] === 0),
    ppv: of(figure.ppv, (i) => flagged[i] === true),
    npv: of(figure.npv, (i) => flagged[i] === false),
  };
}

/**
 * Each class's sensitivity, specificity, PPV and NPV interval widened to at least Wilson's on its
 * counts (rateInterval says why): patients where every record names one, as the bootstrap then
 * draws patients and the AUC's interval counts them (patientRateCounts); otherwise records, read
 * from the report's own rates as stored figures are.
 */
function widenedRateIntervals(report: MetricsReport, scored: { readonly classes: readonly string[]; readonly labels: Matrix; readonly probs: Matrix; readonly thresholds: readonly number[] }, patients: readonly string[] | undefined, ci: Record<string, Interval>): Record<string, Interval> {
  const widened: Record<string, Interval> = {};
  // By the classes' order, the columns': an object's integer-like keys (SNOMED codes) would sort first.
  scored.classes.forEach((name, j) => {
    const figure = report.perClass[name];
    if (!figure) return;
    const y = column(scored.labels, j);
    const flagged = column(scored.probs, j).map((p) => p > (scored.thresholds[j] as number));
    const counts = patients ? patientRateCounts(figure, y, flagged, patients) : rateCounts({ ...figure }, scored.labels.length);
    for (const [key, [k, total]] of Object.entries(counts ?? {})) widened[`${name}.${key}`] = rateInterval(ci[`${name}.${key}`], k, total);
  });
  return widened;
}

/**
 * Each class's AUC interval (`auc:<class>` and `<class>.auc`) widened to at least Newcombe's on its
 * positives and negatives, counted as patients where the bootstrap draws patients (aucInterval and
 * aucCounts say why). A macro AUC over one class is that class's AUC and gets its interval; over
 * several it keeps the bootstrap's, which carries the classes' covariance, widened by the variance
 * the classes' own bootstraps lacked (macroAucInterval).
 */
function widenedAucIntervals(report: MetricsReport, classes: readonly string[], labels: Matrix, patients: readonly string[] | undefined, ci: Record<string, Interval>): Record<string, Interval> {
  const widened: Record<string, Interval> = {};
  const covered = classes.filter((name) => !report.averaging.aucMacro.leftOut.includes(name));
  // By the classes' order, the labels' columns': an object's integer-like keys (SNOMED codes) would sort first.
  classes.forEach((name, j) => {
    const { positives, negatives } = aucCounts(column(labels, j), patients);
    const auc = report.perClass[name]?.auc ?? Number.NaN;
    for (const key of [classAucKey(name), `${name}.auc`]) widened[key] = aucInterval(ci[key], auc, positives, negatives);
    if (covered.length === 1 && covered[0] === name) widened['aucMacro'] = aucInterval(ci['aucMacro'], report.aucMacro, positives, negatives);
  });
  if (covered.length > 1) {
    const behind = covered.map((name) => ({ auc: report.perClass[name]?.auc ?? Number.NaN, bootstrap: ci[classAucKey(name)], widened: widened[classAucKey(name)] as Interval }));
    widened['aucMacro'] = macroAucInterval(ci['aucMacro'], report.aucMacro, behind);
  }
  return widened;
}

function binaryStatistics(thresholds: readonly number[]): Record<string, (t: Matrix, s: Matrix) => number> {
  const decide = (s: Matrix) => s.map((row) => row.map((p, j) => (p > (thresholds[j] as number) ? 1 : 0)));
  return { f1Positive: (t, s) => f1Macro(t, decide(s), false), f1TwoClassMean: (t, s) => f1Macro(t, decide(s), true) };
}

/**
 * Metrics of probabilities at an operating point, with seeded bootstrap 95 % CIs for the
 * headline figures (each class's AUC as `auc:<class>` too) and for every class's sensitivity,
 * specificity, PPV, NPV, F1 and AUC (`<class>.<figure>`); the four rates' intervals are widened
 * to at least Wilson's score interval on their counts, each class's AUC (and a one-class macro
 * AUC) to at least Newcombe's score-type interval. `patients` (one id per row, when the
 * dataset has them) makes the bootstrap resample patients rather than records; both sets of
 * intervals use the same stratified resamples.
 */
export function scoreWithCi(
  labels: number[][],
  probs: number[][],
  classes: readonly string[],
  thresholds: readonly number[],
  seed: number,
  patients?: readonly string[],
  options: { readonly paperExact?: boolean } = {},
): { metrics: ScoredMetrics; ci: Record<string, Interval> } {
  const binary = classes.length === 1;
  const report = { classes, thresholds, binaryAsTwoClasses: binary && options.paperExact === true };
  const metrics = metricsReport(labels, probs, report);
  const extra = binary ? binaryStatistics(thresholds) : {};
  const indices = drawResamples(resamplePlan(labels, patients), bootstrapResamples, seed);
  const bootstrapped = {
    ...metricsIntervals(labels, probs, { ...report, bootstrap: { resamples: bootstrapResamples, seed, ...(patients ? { groups: patients } : {}) } }),
    ...bootstrapIntervals(labels, probs, { ...perClassStatistics(classes, thresholds), ...extra }, indices),
  };
  const ci = { ...bootstrapped, ...widenedRateIntervals(metrics, { classes, labels, probs, thresholds }, patients, bootstrapped), ...widenedAucIntervals(metrics, classes, labels, patients, bootstrapped) };
  if (!binary) return { metrics, ci };
  const f1Positive = (extra.f1Positive as (t: Matrix, s: Matrix) => number)(labels, probs);
  const f1TwoClassMean = (extra.f1TwoClassMean as (t: Matrix, s: Matrix) => number)(labels, probs);
  return { metrics: { ...metrics, f1Positive, f1TwoClassMean }, ci };
}
