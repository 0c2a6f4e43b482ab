import { atCutOff, peCutOffs } from '../../clinic/pe-scores/cut-offs';
import { peScoreIds, type PeScoreId } from '../../clinic/pe-scores/points';
import { thresholdText } from '../../contract/training-schemas';
import type { PeRecordScores } from '../../data/types';
import { aucCounts, aucInterval } from '../../ml/metrics/auc-interval';
import { percentile } from '../../ml/metrics/bootstrap';
import { drawResamples, resamplePlan } from '../../ml/metrics/resample';
import { classRates, confusion } from '../../ml/metrics/confusion';
import { delongPaired, delongUntestable, type DelongResult } from '../../ml/metrics/paired';
import { wilson, type RateWithCi } from '../../ml/metrics/proportion';
import { rocAuc, rocCurve } from '../../ml/metrics/ranking';
import { patientsAmong } from '../scores';

export { wilson, type RateWithCi };

/**
 * The paper's Fig. 3 comparison on a site's data: the ECG model's ROC beside each clinical
 * score's ROC and standard operating points, on the same records of one split (the locked test
 * split when it is the final evaluation), with DeLong's paired test of each AUC against the
 * model's (clustered by patient, Obuchowski 1997, where every record names its patient). A score is compared on the records where it has a value; the model on all of them.
 */

/** Sensitivity, specificity, PPV and NPV at one operating point, with the point on the ROC plane. */
export interface OperatingPointReport {
  readonly label: string;
  readonly sensitivity: RateWithCi;
  readonly specificity: RateWithCi;
  readonly ppv: RateWithCi;
  readonly npv: RateWithCi;
  /** 1 − specificity, sensitivity: where the point sits on the ROC plot. */
  readonly fpr: number;
  readonly tpr: number;
}

/** One curve of the figure: the ECG model, a clinical score, or the fusion model. */
export interface ComparedCurve {
  readonly id: string;
  readonly name: string;
  readonly kind: 'model' | 'score' | 'fusion';
  /** Records with a value (a score's items or total may be missing). */
  readonly n: number;
  readonly positives: number;
  readonly auc: number;
  readonly aucCi: { readonly low: number; readonly high: number };
  readonly roc: { readonly fpr: number[]; readonly tpr: number[] };
  readonly operatingPoints: OperatingPointReport[];
  /**
   * DeLong's paired test against the ECG model on this curve's records (absent for the model
   * itself); `unit` says whether it was clustered by patient or took records as independent.
   */
  readonly vsModel?: DelongResult & { readonly n: number };
  /** Why no DeLong test against the model was computed on this curve's records (too few PE, or non-PE, or patients with either). */
  readonly vsModelUntested?: string;
  /** Scores: how many values were computed from items, how many were given as totals. */
  readonly provenance?: { readonly items: number; readonly total: number };
}

/** One value of the labels CSV's `pe_scores_source` among the compared records, and on how many. */
export interface ScoreSource {
  readonly source: string;
  readonly records: number;
}

export interface PeComparison {
  readonly n: number;
  readonly positives: number;
  readonly split: string;
  readonly curves: ComparedCurve[];
  /** Scores no record had a value for (named, so a missing column is not silent). */
  readonly absent: PeScoreId[];
  /**
   * Where the site says the compared records' score items came from, each source with its record
   * count, most records first: a dataset of synthetic items (core/train/pe/synthetic.ts) says so
   * here, and the printed comparison and the figure repeat it wherever they appear.
   */
  readonly scoreSources: ScoreSource[];
}

/** One record of the comparison: its label, the model's calibrated probability, its score values. */
export interface ComparedRecord {
  readonly label: 0 | 1;
  readonly probability: number;
  readonly scores?: PeRecordScores;
  /** The fusion model's probability, when a fusion model is evaluated and could score the record. */
  readonly fused?: number;
  /** The patient, where the dataset names one: AUC intervals then resample patients, as the evaluation's headline intervals do. */
  readonly patient?: string;
}

const maxCurvePoints = 400;
const scoreNames: Readonly<Record<PeScoreId, string>> = { wells: 'Wells', revisedGeneva: 'Revised Geneva', simplifiedGeneva: 'Simplified Geneva', years: 'YEARS', peged: 'PEGeD', ageAdjustedDdimer: 'Age-adjusted D-dimer' };

/**
 * k of n records with Wilson's interval counted on patients where every record names one, as
 * ecg evaluate counts a class's rates (scores.ts, patientRateCounts): the denominator is the
 * distinct patients among the rows `keep` picks and the successes the rate times that, so the
 * interval keeps the rate shown and a patient's repeat ECGs are not more trials. k and n stay the
 * record counts shown beside it.
 */
function rateOnPatients(k: number, n: number, keep: (i: number) => boolean, patients: readonly string[] | undefined): RateWithCi {
  const records = wilson(k, n);
  if (!patients || n === 0) return records;
  const total = patientsAmong(patients.length, keep, patients);
  const onPatients = wilson((k / n) * total, total);
  return { ...records, low: onPatients.low, high: onPatients.high };
}

function operatingPoint(label: string, y: readonly number[], decisions: readonly number[], patients: readonly (string | undefined)[]): OperatingPointReport {
  const c = confusion(y, decisions);
  const rates = classRates(c);
  const known = knownPatients(patients);
  return {
    label,
    sensitivity: rateOnPatients(c.tp, c.tp + c.fn, (i) => y[i] === 1, known),
    specificity: rateOnPatients(c.tn, c.tn + c.fp, (i) => y[i] === 0, known),
    ppv: rateOnPatients(c.tp, c.tp + c.fp, (i) => decisions[i] === 1, known),
    npv: rateOnPatients(c.tn, c.tn + c.fn, (i) => decisions[i] === 0, known),
    fpr: 1 - rates.specificity,
    tpr: rates.sensitivity,
  };
}

/**
 * Percentile bootstrap interval of the AUC: 1000 seeded resamples, stratified by outcome, of
 * patients where every record names one (core/ml/metrics/resample.ts) — the very resamples of
 * the evaluation's headline intervals (core/train/scores.ts), so the model's AUC gets one
 * interval, not two that differ by resampling scheme; widened, as there, to cover Newcombe's
 * score-type interval on the curve's positives and negatives (aucInterval in
 * core/ml/metrics/auc-interval.ts), which a bootstrap lacks at AUC 1 or 0.
 */
function curveAucInterval(y: readonly number[], s: readonly number[], seed: number, patients: readonly (string | undefined)[]): { low: number; high: number } {
  const values: number[] = [];
  const groups = knownPatients(patients);
  for (const idx of drawResamples(resamplePlan(y.map((v) => [v]), groups), 1000, seed)) {
    const v = rocAuc(Array.from(idx, (i) => y[i] as number), Array.from(idx, (i) => s[i] as number));
    if (Number.isFinite(v)) values.push(v);
  }
  values.sort((a, b) => a - b);
  const { positives, negatives } = aucCounts(y, groups);
  return aucInterval({ low: percentile(values, 2.5), high: percentile(values, 97.5) }, rocAuc(y, s), positives, negatives);
}

/** The ROC curve, thinned to at most `maxCurvePoints` points (its first and last kept) for drawing. */
function drawableRoc(y: readonly number[], s: readonly number[]): { fpr: number[]; tpr: number[] } {
  const roc = rocCurve(y, s);
  const step = Math.max(1, Math.ceil(roc.fpr.length / maxCurvePoints));
  const keep = roc.fpr.map((_, k) => k).filter((k) => k % step === 0 || k === roc.fpr.length - 1);
  return { fpr: keep.map((k) => roc.fpr[k] as number), tpr: keep.map((k) => roc.tpr[k] as number) };
}

function curve(base: Omit<ComparedCurve, 'n' | 'positives' | 'auc' | 'aucCi' | 'roc'>, y: readonly number[], s: readonly number[], seed: number, patients: readonly (string | undefined)[]): ComparedCurve {
  return { ...base, n: y.length, positives: y.filter((v) => v === 1).length, auc: rocAuc(y, s), aucCi: curveAucInterval(y, s, seed, patients), roc: drawableRoc(y, s) };
}

/** Patient ids when every record names one (else undefined: records are then taken as independent). */
function knownPatients(patients: readonly (string | undefined)[]): readonly string[] | undefined {
  return patients.every((p): p is string => p !== undefined) ? patients : undefined;
}

/**
 * DeLong's test against the model, over patients where every record names one: a hospital's
 * follow-up ECGs of one patient are not independent, and taking them as such narrows the interval.
 */
function vsModel(y: readonly number[], s: readonly number[], model: readonly number[], patients: readonly (string | undefined)[]): Pick<ComparedCurve, 'vsModel' | 'vsModelUntested'> {
  if (new Set(y).size < 2) return {};
  const known = knownPatients(patients);
  // A score recorded on a handful of records (one PE among them) has no variance to test with:
  // said on its curve, where delongPaired's refusal stopped the whole evaluation, every figure with it.
  const untestable = delongUntestable(y, known);
  if (untestable) return { vsModelUntested: untestable };
  return { vsModel: { ...delongPaired(y, s, model, known), n: y.length } };
}

/**
 * Builds the comparison. `threshold` is the model's own operating point (its tuned threshold on
 * the calibrated probability, decision p > threshold); `fusionThreshold` the fusion model's.
 */
export function comparePe(records: readonly ComparedRecord[], options: { readonly split: string; readonly modelName: string; readonly threshold: number; readonly fusionName?: string; readonly fusionThreshold?: number; readonly seed?: number }): PeComparison {
  const seed = options.seed ?? 20;
  const y = records.map((r) => r.label);
  const p = records.map((r) => r.probability);
  const curves: ComparedCurve[] = [
    curve({ id: 'model', name: options.modelName, kind: 'model', operatingPoints: [operatingPoint(thresholdText(options.threshold), y, p.map((v) => (v > options.threshold ? 1 : 0)), records.map((r) => r.patient))] }, y, p, seed, records.map((r) => r.patient)),
  ];
  const absent: PeScoreId[] = [];
  for (const id of peScoreIds) {
    const rows = records.flatMap((r) => {
      const v = r.scores?.values[id];
      return v ? [{ y: r.label, s: v.value, p: r.probability, provenance: v.provenance, patient: r.patient }] : [];
    });
    if (rows.length === 0) {
      absent.push(id);
      continue;
    }
    const ys = rows.map((r) => r.y);
    const ss = rows.map((r) => r.s);
    const operatingPoints = peCutOffs.filter((c) => c.score === id).map((c) => operatingPoint(c.label, ys, ss.map((v) => (atCutOff(c, v) ? 1 : 0)), rows.map((r) => r.patient)));
    const provenance = { items: rows.filter((r) => r.provenance === 'items').length, total: rows.filter((r) => r.provenance === 'total').length };
    const versus = vsModel(ys, ss, rows.map((r) => r.p), rows.map((r) => r.patient));
    curves.push(curve({ id, name: scoreNames[id], kind: 'score', operatingPoints, provenance, ...versus }, ys, ss, seed, rows.map((r) => r.patient)));
  }
  const fused = records.flatMap((r) => (r.fused === undefined ? [] : [{ y: r.label, f: r.fused, p: r.probability, patient: r.patient }]));
  if (options.fusionName && options.fusionThreshold !== undefined && fused.length > 0) {
    const ys = fused.map((r) => r.y);
    const fs = fused.map((r) => r.f);
    const threshold = options.fusionThreshold;
    const versus = vsModel(ys, fs, fused.map((r) => r.p), fused.map((r) => r.patient));
    curves.push(curve({ id: 'fusion', name: options.fusionName, kind: 'fusion', operatingPoints: [operatingPoint(thresholdText(threshold), ys, fs.map((v) => (v > threshold ? 1 : 0)), fused.map((r) => r.patient))], ...versus }, ys, fs, seed, fused.map((r) => r.patient)));
  }
  return { n: records.length, positives: y.filter((v) => v === 1).length, split: options.split, curves, absent, scoreSources: scoreSourcesOf(records) };
}

function scoreSourcesOf(records: readonly ComparedRecord[]): ScoreSource[] {
  const counts = new Map<string, number>();
  for (const r of records) {
    const source = r.scores?.source;
    if (source) counts.set(source, (counts.get(source) ?? 0) + 1);
  }
  return [...counts].map(([source, n]) => ({ source, records: n })).sort((a, b) => b.records - a.records || a.source.localeCompare(b.source));
}
