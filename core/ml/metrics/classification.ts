import { classRates, confusion, confusions } from './confusion';
import { finiteMean, type Matrix } from './matrix';

/** Per-label (Hamming) accuracy: the share of all N×C decisions that are right. The paper's "Acc". */
export function hammingAccuracy(yTrue: Matrix, yPred: Matrix): number {
  let right = 0;
  let total = 0;
  yTrue.forEach((row, i) =>
    row.forEach((t, j) => {
      if (t === yPred[i]?.[j]) right++;
      total++;
    }),
  );
  return right / total;
}

/** Subset (exact-match) accuracy: the share of samples whose whole label set is right. */
export function subsetAccuracy(yTrue: Matrix, yPred: Matrix): number {
  let right = 0;
  yTrue.forEach((row, i) => {
    if (row.every((t, j) => t === yPred[i]?.[j])) right++;
  });
  return right / yTrue.length;
}

/** Negated labels, so a binary problem's "negative class" can be scored like a positive one. */
function negate(m: Matrix): number[][] {
  return m.map((row) => row.map((v) => 1 - v));
}

/**
 * Macro F1 over classes (sklearn `average='macro'`, zero_division 0). With `binaryAsTwoClasses`
 * and a single output, averages F1 of the positive and of the negative class, as sklearn does for
 * N×1 targets (the paper's PE-HSM F1).
 */
export function f1Macro(yTrue: Matrix, yPred: Matrix, binaryAsTwoClasses = false): number {
  const perClass = confusions(yTrue, yPred).map((c) => classRates(c).f1);
  if (binaryAsTwoClasses && perClass.length === 1) {
    const neg = confusions(negate(yTrue), negate(yPred)).map((c) => classRates(c).f1);
    return ((perClass[0] as number) + (neg[0] as number)) / 2;
  }
  return perClass.reduce((a, b) => a + b, 0) / perClass.length;
}

/**
 * G-mean as the paper's code computes it: √(macro recall × micro specificity), where macro
 * recall counts a class without positives as 0 (sklearn) and specificity is pooled over all N×C
 * decisions. For a single output sklearn's macro recall is the balanced accuracy.
 */
export function gmeanPaper(yTrue: Matrix, yPred: Matrix): number {
  const cs = confusions(yTrue, yPred);
  let recalls = cs.map((c) => (c.tp + c.fn === 0 ? 0 : c.tp / (c.tp + c.fn)));
  if (cs.length === 1) {
    const c = cs[0] as (typeof cs)[number];
    const specificity = c.tn + c.fp === 0 ? 0 : c.tn / (c.tn + c.fp);
    recalls = [recalls[0] as number, specificity];
  }
  const macroRecall = recalls.reduce((a, b) => a + b, 0) / recalls.length;
  const flat = confusion(yTrue.flat(), yPred.flat());
  const microSpecificity = flat.tn + flat.fp === 0 ? 0 : flat.tn / (flat.tn + flat.fp);
  return Math.sqrt(macroRecall * microSpecificity);
}

/** G-mean as the paper's Eq. 2 defines it, per class √(sens × spec), then the macro mean over defined classes. */
export function gmeanMacro(yTrue: Matrix, yPred: Matrix): number {
  return finiteMean(confusions(yTrue, yPred).map((c) => classRates(c).gmean));
}
