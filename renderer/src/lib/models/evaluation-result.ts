import type { SiteEvaluation } from '../../../../core/contract/evaluation-schemas';
import { leftOutNotes, unreadableText } from '../../../../core/contract/model-card-text';
import { isNeverFlagged, recordedOutOfScope, recordedSeenByBase, type Evaluated, type EvaluationResult, type OutOfScopeSummary } from '../../../../core/contract/training-schemas';
import { metricWithInterval, operatingPointLabel, thresholdText } from './format';
import { counted, isAre } from '../../../../core/contract/counted';

/**
 * How an evaluation job's figures are qualified on screen, as `ecg evaluate` prints them
 * (core/cli/commands/evaluate-print.ts): figures off the locked test split say so, figures on
 * records the model trained on say so, and a PE fusion package is headlined by its own output,
 * its ECG network's figures labelled as its base model's.
 */

/** The warning the figures carry, or none: off the test split that one, else the training overlap when the test records hold some the model saw. */
export function evaluationWarning(result: Pick<EvaluationResult, 'notLockedTest' | 'trainingOverlap'>): string | null {
  if (result.notLockedTest) return result.notLockedTest.charAt(0).toUpperCase() + result.notLockedTest.slice(1);
  // On the validation or training split every record is one the model saw: the note above says more.
  return result.trainingOverlap.inTraining ? result.trainingOverlap.note : null;
}

/**
 * What a site evaluation says once done: on how many records, and whether they were kept as this
 * site's evaluation (figures off the locked test split are not).
 */
export function siteEvaluatedText(result: Pick<EvaluationResult, 'n' | 'split' | 'notLockedTest'>): string {
  if (result.notLockedTest) return `Evaluated on ${counted(result.n, 'record')} of the ${result.split} split; not recorded as this site's evaluation.`;
  return `Evaluated on ${counted(result.n, 'locked test record')} and recorded.`;
}

/**
 * The records the figures leave out as outside the model's intended input (as predict abstains on
 * them), said beside the figures as `ecg evaluate` says it; null when none were left out, and for
 * results and packages made before they were counted (absent there: never "none").
 */
export function outOfScopeText(result: { readonly outOfScope?: OutOfScopeSummary | null }): string | null {
  const o = result.outOfScope;
  if (!o || o.count === 0) return null;
  return o.note.charAt(0).toUpperCase() + o.note.slice(1);
}

/** What a package's own figures leave out, and which earlier bootstrap made their intervals where one did (leftOutNotes, as `ecg model inspect` says it), each a sentence beside them on its card. */
export function leftOutLines(evaluated: Pick<Evaluated, 'outOfScope' | 'unreadable' | 'seenByBase' | 'bootstrap'>, rows: 'test' | 'held-out' | 'validation'): string[] {
  return leftOutNotes(evaluated, rows).map((note) => note.charAt(0).toUpperCase() + note.slice(1));
}

/** What a site evaluation's line says its figures leave out: records outside the intended input, then unreadable ones (null: nothing to say). */
export interface SiteLeftOut {
  readonly outOfScope: string | null;
  /** A fine-tuning's test records its base trained or validated on, left out of its closing figures. */
  readonly seenByBase: string | null;
  readonly unreadable: string | null;
}

/**
 * What a site evaluation's figures leave out, for its one line. A fine-tuning records its closing
 * evaluation as the new model's site evaluation: the package's own locked test, the same figures,
 * which the card shows with its notes (leftOutLines). There the line says nothing of them, where
 * the card said each twice. `packageTest`: the package's locked test where the same view shows
 * it (the card); none where it does not (the promote dialog), and the line says them.
 */
export function siteLeftOut(evaluation: Pick<SiteEvaluation, 'source' | 'metrics' | 'unreadable'>, packageTest?: Evaluated | null): SiteLeftOut {
  if (evaluation.source === 'finetune' && packageTest) return { outOfScope: null, seenByBase: null, unreadable: null };
  const seen = recordedSeenByBase(evaluation.metrics);
  return {
    outOfScope: outOfScopeText({ outOfScope: recordedOutOfScope(evaluation.metrics) }),
    seenByBase: seen ? seen.note.charAt(0).toUpperCase() + seen.note.slice(1) : null,
    unreadable: unreadableText(evaluation.unreadable, 'test'),
  };
}

/** The fusion's headline, its network's figures under its base's name and id, and the records it could not fuse. */
export interface FusionEvaluationText {
  readonly fusion: string;
  readonly network: string;
  readonly unscored: string | null;
}

/**
 * An operating point in brackets: its thresholds, then how they were chosen. Where no threshold
 * discriminated, the label alone says so ("no thresholds: … none is ever flagged"), not the
 * thresholds' "none: never flagged" before it again.
 */
function pointText(point: EvaluationResult['operatingPoint']): string {
  const values = Object.values(point.thresholds);
  const shown = values.length > 0 && values.every(isNeverFlagged) ? '' : `threshold ${values.map(thresholdText).join(', ')}; `;
  return `(${shown}${operatingPointLabel(point)})`;
}

/** Null for a model that is not a PE fusion package. `modelName`: the fusion package's name (the result carries its id). */
export function fusionEvaluationText(result: EvaluationResult, modelName: string): FusionEvaluationText | null {
  const f = result.fusion;
  if (!f) return null;
  const { ecgOnly } = f;
  return {
    fusion: `${modelName} (fused ECG + score items): AUC ${metricWithInterval(result.metrics.aucMacro, result.ci['aucMacro'])} on ${counted(result.n, 'record')} with every score item, at the fusion's own operating point ${pointText(result.operatingPoint)}`,
    network: `ECG network alone — base model ${f.baseModel.name} (${f.baseModel.id}), not the fusion's figures: AUC ${metricWithInterval(ecgOnly.metrics.aucMacro, ecgOnly.ci['aucMacro'])} on ${counted(ecgOnly.n, 'record')}, at its own operating point ${pointText(ecgOnly.operatingPoint)}`,
    unscored: f.unscored.count > 0 ? `${counted(f.unscored.count, 'evaluated record')} could not be fused and ${isAre(f.unscored.count)} in no fusion figure (first: ${f.unscored.firstReason ?? '—'})` : null,
  };
}
