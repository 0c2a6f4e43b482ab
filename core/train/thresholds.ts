import { column, type Matrix } from '../ml/metrics/index';

export const thresholdMethods = ['f1', 'youden'] as const;
export type ThresholdMethod = (typeof thresholdMethods)[number];

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

/** Value of a threshold for one class under a method: F1, or Youden's J = sens + spec − 1. */
function score(yTrue: readonly number[], scores: readonly number[], t: number, method: ThresholdMethod): number {
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
