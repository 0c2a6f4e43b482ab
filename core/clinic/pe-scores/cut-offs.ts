import type { PeScoreId, ScoreResult } from './points';

/**
 * A score's standard operating point, as a rule on its value: a points score's total, or 1/0
 * for a decision rule (imaging indicated / PE excluded). Each is the cut-off its source (see
 * the score's file) uses to separate categories.
 */
export interface PeCutOff {
  readonly score: PeScoreId;
  /** Short label, e.g. 'Wells > 4 (PE likely)'. */
  readonly label: string;
  /** The smallest value called positive when the comparison is ≥; > is used for Wells' two levels. */
  readonly threshold: number;
  readonly strict: boolean;
}

const cut = (score: PeScoreId, label: string, threshold: number, strict = false): PeCutOff => ({ score, label, threshold, strict });

export const peCutOffs: readonly PeCutOff[] = [
  cut('wells', 'Wells > 4 (PE likely)', 4, true),
  cut('wells', 'Wells ≥ 2 (moderate or high)', 2),
  cut('revisedGeneva', 'Revised Geneva ≥ 4 (intermediate or high)', 4),
  cut('revisedGeneva', 'Revised Geneva ≥ 6 (PE likely)', 6),
  cut('simplifiedGeneva', 'Simplified Geneva ≥ 2 (intermediate or high)', 2),
  cut('simplifiedGeneva', 'Simplified Geneva ≥ 3 (PE likely)', 3),
  cut('years', 'YEARS: imaging indicated', 1),
  cut('peged', 'PEGeD: imaging indicated', 1),
  cut('ageAdjustedDdimer', 'Age-adjusted D-dimer (with Wells ≤ 4): imaging indicated', 1),
];

/** Positive at a cut-off. */
export function atCutOff(cutOff: PeCutOff, value: number): boolean {
  return cutOff.strict ? value > cutOff.threshold : value >= cutOff.threshold;
}

/** The number a score contributes to a ROC curve: its total, or 1/0 for a decision; null when incomplete. */
export function scoreValue(result: ScoreResult): number | null {
  if (result.total !== null) return result.total;
  if (result.imagingIndicated !== null) return result.imagingIndicated ? 1 : 0;
  return null;
}
