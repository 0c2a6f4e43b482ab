import { neverFlaggedThreshold } from '../contract/training-schemas';
import { column, rocAuc, type Matrix } from '../ml/metrics/index';

export const thresholdMethods = ['f1', 'youden'] as const;
export type ThresholdMethod = (typeof thresholdMethods)[number];

/**
 * Rules that meet a target on validation instead of optimising a score: 'sensitivity' (a
 * rule-out test: the highest threshold whose validation sensitivity is at least the target) and
 * 'specificity' (a rule-in test: the lowest threshold whose validation specificity is at least
 * the target).
 */
export const targetMethods = ['sensitivity', 'specificity'] as const;
export type TargetMethod = (typeof targetMethods)[number];
export interface TargetRule {
  readonly method: TargetMethod;
  /** The validation sensitivity or specificity to reach, in [0.5, 0.999]. */
  readonly target: number;
}
/** The default target of a rule-out or rule-in operating point. */
export const defaultTarget = 0.95;
export const targetRange = { min: 0.5, max: 0.999 } as const;

/**
 * Candidate thresholds: midpoints between consecutive distinct scores (decisions use score > t),
 * and 0 (everything positive), so every partition a threshold can make is tried.
 */
function candidates(scores: readonly number[]): number[] {
  const distinct = [...new Set(scores)].sort((a, b) => a - b);
  const out: number[] = [0];
  for (let i = 0; i + 1 < distinct.length; i++) out.push(((distinct[i] as number) + (distinct[i + 1] as number)) / 2);
  return out;
}

/** The confusion counts of one class at threshold t, under the engine's rule: flagged when p > t. */
export function confusionAt(yTrue: readonly number[], scores: readonly number[], t: number): { tp: number; fp: number; fn: number; tn: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  scores.forEach((s, i) => {
    const positive = s > t;
    if (yTrue[i] === 1) {
      if (positive) tp++;
      else fn++;
    } else if (positive) fp++;
    else tn++;
  });
  return { tp, fp, fn, tn };
}

/** Value of a threshold for one class under a method: F1, or Youden's J = sens + spec − 1. */
function score(yTrue: readonly number[], scores: readonly number[], t: number, method: ThresholdMethod): number {
  const { tp, fp, fn, tn } = confusionAt(yTrue, scores, t);
  if (method === 'f1') return 2 * tp + fp + fn === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  return tp / Math.max(1, tp + fn) + tn / Math.max(1, tn + fp) - 1;
}

/**
 * Per-class decision thresholds tuned on validation data: the F1-optimal or the Youden
 * threshold (ties go to the threshold closest to 0.5). A class with only one outcome in the
 * validation data keeps `fallback`.
 */
export function tuneThresholds(yTrue: Matrix, yProb: Matrix, method: ThresholdMethod, fallback = 0.5): number[] {
  return (yTrue[0] ?? []).map((_, j) => {
    const t = column(yTrue, j);
    const s = column(yProb, j);
    const positives = t.filter((v) => v === 1).length;
    if (positives === 0 || positives === t.length) return fallback;
    let best = fallback;
    let bestValue = -Infinity;
    for (const c of candidates(s)) {
      const v = score(t, s, c, method);
      if (v > bestValue + 1e-12 || (Math.abs(v - bestValue) <= 1e-12 && Math.abs(c - 0.5) < Math.abs(best - 0.5))) {
        best = c;
        bestValue = v;
      }
    }
    return best;
  });
}

/**
 * One class's threshold under a target rule, among the same candidates as `tuneThresholds`
 * (every partition p > t can make). Sensitivity: the highest candidate whose validation
 * sensitivity reaches the target (0 flags everything, so one always does). Specificity: the
 * lowest candidate whose validation specificity reaches it, or `neverFlaggedThreshold` when only
 * flagging nothing does (then the class is never flagged: no rule-in test exists at that target).
 * The comparison allows 1e-12 so that a rate computed as, say, 19/20 meets a target of 0.95.
 */
export function targetThreshold(yTrue: readonly number[], scores: readonly number[], rule: TargetRule): number {
  const meets = (t: number) => {
    const { tp, fp, fn, tn } = confusionAt(yTrue, scores, t);
    const rate = rule.method === 'sensitivity' ? tp / Math.max(1, tp + fn) : tn / Math.max(1, tn + fp);
    return rate >= rule.target - 1e-12;
  };
  const ascending = candidates(scores);
  if (rule.method === 'sensitivity') return [...ascending].reverse().find(meets) ?? 0;
  return ascending.find(meets) ?? neverFlaggedThreshold;
}

/** One-sided normal quantile the validation AUC must clear to flag a class: α = 0.05. */
const discriminationZ = 1.645;

/**
 * Whether validation scores rank a class's positives above its negatives beyond chance: the
 * Mann–Whitney test of AUC > 0.5 (AUC = U / n₀n₁, Hanley & McNeil, Radiology 1982; one-sided,
 * α = 0.05; the variance under no discrimination, n₀ + n₁ + 1 over 12 n₀n₁, ignores ties, which
 * only makes the test stricter). Not shown when validation has one outcome only.
 */
export function showsDiscrimination(yTrue: readonly number[], scores: readonly number[]): boolean {
  const positives = yTrue.filter((v) => v === 1).length;
  const negatives = yTrue.length - positives;
  if (positives === 0 || negatives === 0) return false;
  const standardError = Math.sqrt((positives + negatives + 1) / (12 * positives * negatives));
  return (rocAuc(yTrue, scores) - 0.5) / standardError > discriminationZ;
}

/**
 * The operating point's thresholds: tuned on validation (`tuneThresholds`), except that a class
 * whose validation scores show no discrimination (`showsDiscrimination`) is never flagged. F1
 * tuning on an uninformative score still lands somewhere, often below every score (flagging
 * everything has F1 2p/(1+p) at prevalence p, which a random ranking rarely beats), and a model
 * whose calibrated outputs sit near 50 % would then flag that class on every record. A target
 * rule (`targetThreshold`) is held to the same test: a rule-out threshold on an uninformative
 * score would flag nearly every record and promise a sensitivity the model does not have.
 */
export function operatingThresholds(yTrue: Matrix, yProb: Matrix, rule: ThresholdMethod | TargetRule): number[] {
  const chosen = typeof rule === 'string' ? tuneThresholds(yTrue, yProb, rule) : (yTrue[0] ?? []).map((_, j) => targetThreshold(column(yTrue, j), column(yProb, j), rule));
  return chosen.map((t, j) => (showsDiscrimination(column(yTrue, j), column(yProb, j)) ? t : neverFlaggedThreshold));
}
