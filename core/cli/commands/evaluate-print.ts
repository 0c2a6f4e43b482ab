import { isNeverFlagged, operatingPointMethodText, temperatureText, thresholdText } from '../../contract/training-schemas';
import type { Interval, MetricsReport } from '../../ml/metrics/index';
import { classAucKey } from '../../ml/metrics/report';
import type { ComparisonReport } from '../../train/jobs/compare-job';
import type { EvaluationReport, FusionEvaluation } from '../../train/jobs/evaluate-job';
import { delongMethodText, type PairedBootstrapResult } from '../../ml/metrics/paired';
import type { SubgroupReport } from '../../train/subgroups';
import { textColumn } from '../text-column';

const f3 = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(3));
const signed = (v: number) => (Number.isFinite(v) ? `${v >= 0 ? '+' : ''}${v.toFixed(3)}` : '—');
const interval = (ci: Interval | undefined) => (ci && Number.isFinite(ci.low) && Number.isFinite(ci.high) ? ` [${ci.low.toFixed(3)}, ${ci.high.toFixed(3)}]` : '');
const pValue = (p: number) => (!Number.isFinite(p) ? 'p —' : p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`);

/** "over 4 of 5 classes; left out: HYP (undefined on these records)" for a macro figure. */
function coverageNote(metrics: Pick<MetricsReport, 'averaging'>, key: string): string {
  const coverage = metrics.averaging[key as keyof Omit<MetricsReport['averaging'], 'classes'>] as { over: number; leftOut: string[] } | undefined;
  if (!coverage) return '';
  const left = coverage.leftOut.length > 0 ? `; left out: ${coverage.leftOut.map(textColumn).join(', ')} (undefined on these records)` : '';
  return ` (over ${coverage.over} of ${metrics.averaging.classes} classes${left})`;
}

/**
 * One line per subgroup: its AUC, F1, MAP and G-mean with intervals, each saying which classes it
 * averages over, as the whole split's do (a subgroup often lacks a class altogether).
 */
export function subgroupLines(subgroups: readonly SubgroupReport[]): string[] {
  return subgroups.map((g) => {
    const figures = (['aucMacro', 'f1Macro', 'mapMacro', 'gmean'] as const).map((key) => `${key} ${f3(g.metrics[key])}${interval(g.ci[key])}${coverageNote(g.metrics, key)}`);
    return `  ${textColumn(g.name)} (n = ${g.n}): ${figures.join('; ')}`;
  });
}

/** An ensemble's overlap member by member, under its combined warning (a single model has none). */
function memberOverlapLines(overlap: EvaluationReport['trainingOverlap']): string[] {
  return 'members' in overlap ? overlap.members.map((m) => `    ${textColumn(m.note)}`) : [];
}

/**
 * What the header says of a model its manifest marks as a demonstration (the bundled starters):
 * the figures under it are read as a model's performance, so they must not leave out what the
 * manifest and card say, that it is a demonstration and for research use only.
 */
export function demonstrationWords(model: { readonly demonstration: boolean }): string {
  return model.demonstration ? ', a demonstration model, Research use only' : '';
}

/** The human-readable `ecg evaluate` report: headline figures with CIs and coverage, then per class. */
export function evaluationLines(report: EvaluationReport): string[] {
  const m = report.metrics;
  const what = report.fusion ? ' (fused ECG + score items)' : '';
  const lines = [`${textColumn(report.model.name)}${what} on ${textColumn(report.dataset)} (${report.split}, n = ${report.n}, ${report.evaluation.mode})${demonstrationWords(report.model)}:`];
  // Before any figure: they describe only the records the model is for.
  if (report.outOfScope.count > 0) lines.push(`  note: ${textColumn(report.outOfScope.note)}; e.g. ${textColumn(report.outOfScope.example?.id ?? '')}: ${textColumn(report.outOfScope.example?.reasons.join('; ') ?? '')}`);
  // Off the test split, or on one holding records the model saw in training (its note then says how many and which): not a locked test.
  if (report.notLockedTest) lines.push(`  warning: ${textColumn(report.notLockedTest)}`);
  if (report.split === 'test' && report.trainingOverlap.inTraining) lines.push(...memberOverlapLines(report.trainingOverlap));
  if (report.fusion) lines.push(...fusionLines(report.fusion));
  const point = report.model.operatingPoint;
  const overridden = Object.values(m.perClass).some((c, j) => c.threshold !== point.thresholds[j]);
  const rule = overridden ? `one threshold for every class (--threshold), instead of the package's ${operatingPointMethodText(point)}` : operatingPointMethodText(point);
  lines.push(`  operating point: ${rule}, ${textColumn(temperatureText(point))}`);
  for (const key of ['aucMacro', 'f1Macro', 'mapMacro', 'gmean', 'accuracy', 'subsetAccuracy'] as const) {
    lines.push(`  ${key} ${f3(m[key])}${interval(report.ci[key])}${coverageNote(m, key)}`);
  }
  for (const [name, c] of Object.entries(m.perClass)) {
    const undefinedNote = c.support === 0 ? '  (no positives: sensitivity, AUC and AP undefined)' : c.support === report.n ? '  (no negatives: specificity and AUC undefined)' : '';
    lines.push(`  ${textColumn(name).padEnd(8)} AUC ${f3(c.auc)}${interval(report.ci[classAucKey(name)])}  sens ${f3(c.sensitivity)}${interval(report.ci[`${name}.sensitivity`])}  spec ${f3(c.specificity)}${interval(report.ci[`${name}.specificity`])}  threshold ${isNeverFlagged(c.threshold) ? 'none (no discrimination on validation: never flagged)' : c.threshold.toFixed(3)}  positives ${c.support}${undefinedNote}`);
  }
  // Whether a shown probability can be read as one: discrimination (AUC) does not say.
  const calibration = Object.entries(report.calibration).map(([name, c]) => `${textColumn(name)} Brier ${f3(c.brier)}, ECE ${f3(c.ece)} (a calibrated model: ${f3(c.eceIfCalibrated.mean)}, 95 % up to ${f3(c.eceIfCalibrated.p95)})`);
  if (calibration.length > 0) lines.push(`  calibration of the probabilities (10 equal bins; --json for the reliability bins): ${calibration.join('; ')}`);
  return lines;
}

/**
 * What a fusion package's headline rests on, and its ECG network's own figures under the base
 * model's name: the two were once printed alike, the network's under the fusion's name.
 */
function fusionLines(f: FusionEvaluation): string[] {
  const unscored = f.unscored.count > 0 ? `; ${f.unscored.count} evaluated records could not be fused and are left out (first: ${f.unscored.firstReason ?? '—'})` : '';
  const e = f.ecgOnly;
  const threshold = e.operatingPoint.thresholds.map(thresholdText).join(', ');
  return [
    `  fused probability at the fusion's own operating point, on the records with every score item${unscored}`,
    `  ECG network alone (base model ${textColumn(f.baseModel.name)}, ${textColumn(f.baseModel.id)}; not the fusion's figures, n = ${e.n}): aucMacro ${f3(e.metrics.aucMacro)}${interval(e.ci.aucMacro)}  f1Macro ${f3(e.metrics.f1Macro)}${interval(e.ci.f1Macro)} at its ${operatingPointMethodText(e.operatingPoint)} (${threshold}, ${textColumn(temperatureText(e.operatingPoint))})`,
  ];
}

const paired = (r: PairedBootstrapResult) => `${signed(r.diff)} [${f3(r.ci95[0])}, ${f3(r.ci95[1])}], ${pValue(r.p)}`;

/** The human-readable `ecg evaluate --compare` report: A − B per macro figure and per class. */
export function comparisonLines(r: ComparisonReport): string[] {
  const unit = r.bootstrap.unit === 'patient' ? 'patients' : 'records';
  const lines = [
    `A = ${textColumn(r.modelA.name)}, B = ${textColumn(r.modelB.name)} on ${textColumn(r.dataset)} (${r.split}, n = ${r.n} records both could read${r.leftOut > 0 ? `, ${r.leftOut} read by only one left out` : ''}).`,
    // Only records within both models' intended input are compared; what each left out is said.
    ...(['a', 'b'] as const).flatMap((k) => (r.outOfScope[k].count > 0 ? [`  ${k.toUpperCase()}: ${textColumn(r.outOfScope[k].note)}`] : [])),
    `Differences A − B with 95 % CIs and two-sided p-values: paired bootstrap (${r.bootstrap.resamples} stratified resamples of ${unit}, seed ${r.bootstrap.seed}); ${delongMethodText(r.bootstrap.unit)} for per-class AUC.`,
  ];
  for (const m of r.macro) {
    const left = m.leftOut.length > 0 ? `; left out: ${m.leftOut.map(textColumn).join(', ')}` : '';
    lines.push(`  ${m.metric.padEnd(9)} A ${f3(m.a)}  B ${f3(m.b)}  A − B ${paired(m)}  (over ${m.over} of ${r.classes.length} classes${left})`);
  }
  for (const k of r.perClass) {
    const delong = k.delong ? `DeLong ${signed(k.delong.diff)} [${f3(k.delong.ci95[0])}, ${f3(k.delong.ci95[1])}], ${pValue(k.delong.p)}` : `DeLong — (fewer than 2 positives or negatives${r.bootstrap.unit === 'patient' ? ', or from fewer than 2 patients' : ''})`;
    lines.push(`  ${textColumn(k.name).padEnd(8)} AUC A ${f3(k.aucA)} B ${f3(k.aucB)}: ${delong}; bootstrap ${paired(k.auc)}`);
    lines.push(`  ${''.padEnd(8)} F1  A ${f3(k.f1A)} B ${f3(k.f1B)} (each at its own thresholds): ${paired(k.f1)}  positives ${k.positives}`);
  }
  return lines;
}
