import { column, finiteMean, type Matrix } from './matrix';

/** Cumulative true/false positive counts at each distinct score, highest score first. */
interface Cumulative {
  readonly thresholds: number[];
  readonly tps: number[];
  readonly fps: number[];
}

function cumulativeCounts(yTrue: readonly number[], score: readonly number[]): Cumulative {
  const order = Array.from(score.keys()).sort((a, b) => (score[b] as number) - (score[a] as number));
  const thresholds: number[] = [];
  const tps: number[] = [];
  const fps: number[] = [];
  let tp = 0;
  let fp = 0;
  order.forEach((idx, k) => {
    if (yTrue[idx] === 1) tp++;
    else fp++;
    const next = order[k + 1];
    // Emit a point only after the last sample sharing this score (ties move together).
    if (next === undefined || score[next] !== score[idx]) {
      thresholds.push(score[idx] as number);
      tps.push(tp);
      fps.push(fp);
    }
  });
  return { thresholds, tps, fps };
}

/** ROC curve points (every distinct score, no intermediate points dropped), starting at (0,0). */
export interface RocCurve {
  readonly fpr: number[];
  readonly tpr: number[];
  /** thresholds[k] gives (fpr[k], tpr[k]) with the rule score ≥ threshold; the first is +∞. */
  readonly thresholds: number[];
}

/** ROC curve of one class. Rates are NaN when a class has no positives (tpr) or no negatives (fpr). */
export function rocCurve(yTrue: readonly number[], score: readonly number[]): RocCurve {
  const { thresholds, tps, fps } = cumulativeCounts(yTrue, score);
  const p = tps[tps.length - 1] ?? 0;
  const n = fps[fps.length - 1] ?? 0;
  return {
    fpr: [0, ...fps.map((f) => (n === 0 ? Number.NaN : f / n))],
    tpr: [0, ...tps.map((t) => (p === 0 ? Number.NaN : t / p))],
    thresholds: [Number.POSITIVE_INFINITY, ...thresholds],
  };
}

/** Area under the ROC curve (trapezoids; ties count half). NaN when only one class is present. */
export function rocAuc(yTrue: readonly number[], score: readonly number[]): number {
  const { fpr, tpr } = rocCurve(yTrue, score);
  if (Number.isNaN(fpr[1]) || Number.isNaN(tpr[1])) return Number.NaN;
  let area = 0;
  for (let k = 1; k < fpr.length; k++) {
    area += (((fpr[k] as number) - (fpr[k - 1] as number)) * ((tpr[k] as number) + (tpr[k - 1] as number))) / 2;
  }
  return area;
}

/** Precision–recall curve in sklearn's order: recall decreasing, ending at (recall 0, precision 1). */
export interface PrCurve {
  readonly precision: number[];
  readonly recall: number[];
  /** thresholds[k] gives precision[k], recall[k] (score ≥ threshold); one shorter than the rates. */
  readonly thresholds: number[];
}

/** Precision–recall curve of one class; recall is NaN when the class has no positives. */
export function precisionRecallCurve(yTrue: readonly number[], score: readonly number[]): PrCurve {
  const { thresholds, tps, fps } = cumulativeCounts(yTrue, score);
  const p = tps[tps.length - 1] ?? 0;
  const precision = tps.map((t, k) => t / (t + (fps[k] as number)));
  const recall = tps.map((t) => (p === 0 ? Number.NaN : t / p));
  return {
    precision: [...precision.reverse(), 1],
    recall: [...recall.reverse(), 0],
    thresholds: thresholds.reverse(),
  };
}

/**
 * Average precision as sklearn defines it: Σ (R_k − R_{k−1}) · P_k over distinct thresholds
 * (a step function, no interpolation). NaN when the class has no positives.
 */
export function averagePrecision(yTrue: readonly number[], score: readonly number[]): number {
  const { tps, fps } = cumulativeCounts(yTrue, score);
  const p = tps[tps.length - 1] ?? 0;
  if (p === 0) return Number.NaN;
  let ap = 0;
  let previousRecall = 0;
  tps.forEach((t, k) => {
    const recall = t / p;
    ap += (recall - previousRecall) * (t / (t + (fps[k] as number)));
    previousRecall = recall;
  });
  return ap;
}

/** Macro ROC-AUC over the classes where it is defined (both outcomes present). */
export function rocAucMacro(yTrue: Matrix, yScore: Matrix): number {
  return finiteMean(perClassAuc(yTrue, yScore));
}

/** Macro average precision over the classes that have positives. */
export function averagePrecisionMacro(yTrue: Matrix, yScore: Matrix): number {
  return finiteMean(perClassAp(yTrue, yScore));
}

/** ROC-AUC of every class (NaN where undefined). */
export function perClassAuc(yTrue: Matrix, yScore: Matrix): number[] {
  return (yTrue[0] ?? []).map((_, j) => rocAuc(column(yTrue, j), column(yScore, j)));
}

/** Average precision of every class (NaN where undefined). */
export function perClassAp(yTrue: Matrix, yScore: Matrix): number[] {
  return (yTrue[0] ?? []).map((_, j) => averagePrecision(column(yTrue, j), column(yScore, j)));
}
