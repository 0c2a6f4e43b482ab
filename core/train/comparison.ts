import type { z } from 'zod';
import type { BaseComparison, ClassComparisonSchema } from '../contract/evaluation-schemas';
import { delongMethodText, delongPaired, delongUntestable } from '../ml/metrics/paired';
import { rocAuc, type Interval } from '../ml/metrics/index';
import { scoreWithCi, type ScoredMetrics } from './scores';
import { wordFor } from '../contract/counted';

export { BaseComparisonSchema as baseComparisonSchema, type BaseComparison } from '../contract/evaluation-schemas';

export interface ScoredSet {
  readonly labels: number[][];
  readonly probs: number[][];
}

/**
 * One class's AUC difference with DeLong's paired test: over patients when `patients` names each
 * record's (Obuchowski 1997; a patient's several ECGs are not independent), else over records.
 */
function classComparison(name: string, y: number[], finetuned: number[], base: number[] | null, patients: readonly string[] | undefined): z.infer<typeof ClassComparisonSchema> {
  const positives = y.filter((v) => v === 1).length;
  const aucFinetuned = positives > 0 && positives < y.length ? rocAuc(y, finetuned) : null;
  if (!base) return { name, positives, aucFinetuned, aucBase: null, diff: null, ci95: [null, null], p: null, method: 'the base model has no output for this class' };
  const aucBase = positives > 0 && positives < y.length ? rocAuc(y, base) : null;
  if (positives < 2 || y.length - positives < 2) {
    return { name, positives, aucFinetuned, aucBase, diff: null, ci95: [null, null], p: null, method: `not tested: ${positives} positive and ${y.length - positives} negative test records (DeLong needs 2 of each)` };
  }
  // Left: positives or negatives from fewer than 2 patients, which the clustered test needs.
  const untestable = delongUntestable(y, patients);
  if (untestable) return { name, positives, aucFinetuned, aucBase, diff: null, ci95: [null, null], p: null, method: `not tested: ${untestable}` };
  const d = delongPaired(y, finetuned, base, patients);
  const finite = (v: number) => (Number.isFinite(v) ? v : null);
  return { name, positives, aucFinetuned: d.aucA, aucBase: d.aucB, diff: d.diff, ci95: [finite(d.ci95[0]), finite(d.ci95[1])], p: finite(d.p), method: 'DeLong' };
}

/**
 * Compares a fine-tuned model with its base on the same test records. `base` holds the base's
 * probabilities for the fine-tuned classes it also outputs (null columns where it has none).
 * `records`: what those records are, as the note names them ("locked test records" only where
 * they are one; a cross-validation fold's held-out records, or test records the base saw every one
 * of, or whose overlap with it cannot be checked, are not). `scoring`: how the fine-tuned model's
 * own figures were scored, so the base's beside them are scored alike: `patients` (one id per
 * record) gives the same patient-grouped resamples (the same seed and plan draw the same index
 * sets) and DeLong's test clustered by patient (Obuchowski 1997), `paperExact` the same headline F1 of a one-output task (the mean of both classes' F1).
 */
export function compareWithBase(
  classes: readonly string[],
  finetuned: ScoredSet,
  base: { readonly id: string; readonly name: string; readonly probs: (number | null)[][]; readonly thresholds: (number | null)[] },
  overlap: BaseComparison['overlap'],
  seed: number,
  records: string,
  scoring: { readonly patients?: readonly string[] | undefined; readonly paperExact?: boolean | undefined } = {},
): { comparison: BaseComparison; baseScored: { metrics: ScoredMetrics; ci: Record<string, Interval> } | null } {
  const column = (m: readonly (readonly (number | null)[])[], j: number) => m.map((r) => r[j] as number | null);
  const comparable = classes.every((_, j) => base.thresholds[j] !== null);
  const rows = classes.map((name, j) => {
    const b = column(base.probs, j);
    return classComparison(name, column(finetuned.labels, j) as number[], column(finetuned.probs, j) as number[], b.every((v) => v !== null) ? (b as number[]) : null, scoring.patients);
  });
  const baseScored = comparable ? scoreWithCi(finetuned.labels, base.probs as number[][], classes, base.thresholds as number[], seed, scoring.patients, { paperExact: scoring.paperExact }) : null;
  const missing = classes.filter((_, j) => base.thresholds[j] === null);
  const note = comparable
    ? `Both models on the same ${records}; each at its own operating point. AUC differences with 95 % intervals by ${delongMethodText(scoring.patients ? 'patient' : 'record')}.`
    : `The base model has no output for ${missing.join(', ')}: only the fine-tuned model's figures can be shown for ${wordFor(missing.length, 'it', 'them')}.`;
  return {
    comparison: { base: { id: base.id, name: base.name }, n: finetuned.labels.length, baseMetrics: baseScored && { metrics: baseScored.metrics as unknown as Record<string, unknown>, ci: baseScored.ci }, classes: rows, overlap, note },
    baseScored,
  };
}
