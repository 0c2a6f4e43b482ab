import { everyOneOf, noneOf } from '../../contract/counted';
import type { OutOfScopeSummary } from '../../contract/training-schemas';
import type { DatasetItem } from '../../data/types';
import { EinthovenError } from '../../errors';
import type { PipelineConfig } from '../../signal/pipeline-config';
import { leftOutNote, leftOutWhy, partitionByScope, type ScopePartition } from '../evaluation-scope';
import type { JudgedRecords } from '../judged-records';
import { withValidatedDuration, type IntendedInput } from '../scope';

/**
 * The part of a package's intended input its validation rows are held to before training: all
 * of it but the minimum duration, held to one model window. The package's minimum is measured on
 * the validation rows themselves once training ends (the shortest one kept, never below one
 * window; withValidatedDuration), so holding them to it would choose the rows by a minimum they
 * set. No row kept here is shorter than the minimum measured afterwards on the rows kept, so they
 * are exactly the validation rows within the package's final intended input. A fine-tuning's
 * base minimum, measured on the base's own validation, is replaced by that measurement too.
 */
export function validationRule(intended: IntendedInput, pipeline: PipelineConfig): IntendedInput {
  return withValidatedDuration(intended, pipeline, []);
}

/** The validation rows left out as outside the intended input, counted: said once the package's name is known (validationOutOfScope). */
export type ValidationLeftOut = Pick<ScopePartition, 'count' | 'total' | 'byReason'>;

/**
 * The validation rows of a partition by validationRule, and what was left out: the epoch, the
 * temperature and the thresholds are chosen on the records the model gives a prediction on (it
 * abstains on the others), where they were tuned partly on records the model is not for.
 * Refused when rows were given and none is left.
 */
export function scopedValidation(datasetName: string, partition: ScopePartition): { items: DatasetItem[]; leftOut: ValidationLeftOut } {
  const { items, total, count, byReason } = partition;
  if (total > 0 && items.length === 0) {
    throw new EinthovenError(
      'E_VALIDATION',
      `${datasetName}: ${noneOf(total, 'validation record', ['is', "within the model's intended input"])} (${leftOutWhy(partition)}): the epoch, temperature and thresholds are chosen on the validation records the model gives a prediction on, and there are none; give the validation split records the model is for`,
    );
  }
  return { items, leftOut: { count, total, byReason: { ...byReason } } };
}

/**
 * What the package's validation figures leave out, in words, naming the package as the note
 * beside its locked-test figures does (inScopeItems), so the card does not say "norm's intended
 * input" above and "the model's" below. `modelName`: the package's; none before it has one (a
 * search's progress, before its best trial is known).
 */
export function validationOutOfScope(leftOut: ValidationLeftOut, modelName?: string): OutOfScopeSummary {
  const { count, total, byReason } = leftOut;
  const whose = modelName === undefined ? "the model's" : `${modelName}'s`;
  const note = count === 0 ? `${everyOneOf(total, 'validation record')} is within ${whose} intended input` : leftOutNote(leftOut, `the epoch, temperature and thresholds were chosen on the validation records within ${whose} intended input`);
  return { count, byReason: { ...byReason }, note };
}

/** The validation rows within the intended input (validationRule), read from their files: scopedValidation. */
export async function inScopeValidation(datasetName: string, intended: IntendedInput, pipeline: PipelineConfig, items: readonly DatasetItem[], signal?: AbortSignal, judged?: JudgedRecords): Promise<{ items: DatasetItem[]; leftOut: ValidationLeftOut }> {
  return scopedValidation(datasetName, await partitionByScope([validationRule(intended, pipeline)], items, signal, judged));
}
