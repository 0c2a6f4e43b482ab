import { column, type Matrix } from './matrix';

/** True/false positive/negative counts of one class. */
export interface Confusion {
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
}

/** Per-class rates. A rate whose denominator is zero is NaN (undefined), not 0. */
export interface ClassRates {
  readonly sensitivity: number;
  readonly specificity: number;
  readonly ppv: number;
  readonly npv: number;
  readonly f1: number;
  /** √(sensitivity × specificity), the paper's Eq. 2 applied to this class. */
  readonly gmean: number;
  readonly support: number;
}

/** Confusion counts of 0/1 targets against 0/1 decisions. */
export function confusion(yTrue: readonly number[], yPred: readonly number[]): Confusion {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i] === 1;
    const p = yPred[i] === 1;
    if (t && p) tp++;
    else if (p) fp++;
    else if (t) fn++;
    else tn++;
  }
  return { tp, fp, tn, fn };
}

function ratio(num: number, den: number): number {
  return den === 0 ? Number.NaN : num / den;
}

/** Sensitivity, specificity, PPV, NPV, F1 and G-mean of one class from its counts. */
export function classRates(c: Confusion): ClassRates {
  const sensitivity = ratio(c.tp, c.tp + c.fn);
  const specificity = ratio(c.tn, c.tn + c.fp);
  // sklearn's F1 with zero_division=0: 2tp / (2tp + fp + fn), 0 when nothing is positive anywhere.
  const f1Den = 2 * c.tp + c.fp + c.fn;
  return {
    sensitivity,
    specificity,
    ppv: ratio(c.tp, c.tp + c.fp),
    npv: ratio(c.tn, c.tn + c.fn),
    f1: f1Den === 0 ? 0 : (2 * c.tp) / f1Den,
    gmean: Math.sqrt(sensitivity * specificity),
    support: c.tp + c.fn,
  };
}

/** Confusion counts for every class of a multi-label problem. */
export function confusions(yTrue: Matrix, yPred: Matrix): Confusion[] {
  const c = (yTrue[0] ?? []).length;
  return Array.from({ length: c }, (_, j) => confusion(column(yTrue, j), column(yPred, j)));
}
