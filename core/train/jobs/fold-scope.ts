import type { DatasetItem } from '../../data/types';
import { EinthovenError } from '../../errors';
import type { PipelineConfig } from '../../signal/pipeline-config';
import type { CvPlan } from '../cv';
import { keptSeconds, leftOutWhy, partitionOf, readScope, withMinimumDuration, type ScopePartition, type ScopeReading } from '../evaluation-scope';
import type { JudgedRecords } from '../judged-records';
import { withValidatedDuration, type IntendedInput } from '../scope';
import { validationRule } from './validation-scope';

/** The fold whose rows fold `fold` validates on (fold i validates on fold i + 1, cyclically; cv.ts foldSplitOf). */
function validationFold(fold: number, k: number): number {
  return (fold % k) + 1;
}

/** The fold that validates on fold `fold`'s rows. */
function validatedBy(fold: number, k: number): number {
  return fold === 1 ? k : fold - 1;
}

/** One cross-validation fold as its model will see it, known before any fold trains. */
export interface FoldScope {
  /** Its validation rows (the next fold's) within validationRule: what its epoch and operating point are chosen on. */
  readonly validation: ScopePartition;
  /** The intended input its package will state: the minimum duration measured on those rows (withValidatedDuration), as packaging measures it. */
  readonly stated: IntendedInput;
  /** Its held-out rows within `stated`: what its closing evaluation scores. */
  readonly heldOut: ScopePartition;
  /** Its held-out rows within validationRule: the validation of the fold before it. */
  readonly heldOutAsValidation: ScopePartition;
}

/**
 * Every fold's validation, stated intended input and held-out rows, each fold's rows read once
 * (the held-out rows judged again only for the minimum duration their model will state).
 * `intended` is the package's intended input before its minimum duration is measured: the
 * pipeline's for train --cv, the base's for finetune --cv. `judged`: the job's verdicts, which the
 * folds' own checks of the same rows give again.
 */
export async function foldScopes(plan: Pick<CvPlan, 'k' | 'folds'>, items: readonly DatasetItem[], intended: IntendedInput, pipeline: PipelineConfig, signal?: AbortSignal, judged?: JudgedRecords): Promise<Map<number, FoldScope>> {
  const rule = validationRule(intended, pipeline);
  const readings = new Map<number, ScopeReading>();
  for (let fold = 1; fold <= plan.k; fold++) readings.set(fold, await readScope([rule], items.filter((i) => plan.folds.get(i.id) === fold), signal, judged));
  const scopes = new Map<number, FoldScope>();
  for (const [fold, reading] of readings) {
    const validation = readings.get(validationFold(fold, plan.k)) as ScopeReading;
    const stated = withValidatedDuration(intended, pipeline, keptSeconds(validation));
    scopes.set(fold, { validation: partitionOf(validation), stated, heldOut: partitionOf(withMinimumDuration(reading, stated)), heldOutAsValidation: partitionOf(reading) });
  }
  return scopes;
}

/** Why a fold whose held-out rows are all outside its model's stated intended input would fail, in words; undefined when some are within. */
function emptyFoldText(fold: number, k: number, scope: FoldScope): string | undefined {
  const { heldOut, heldOutAsValidation: rule, stated } = scope;
  if (heldOut.total === 0 || heldOut.items.length > 0) return undefined;
  const head = `cross-validation fold ${fold} of ${k}: none of its ${heldOut.total} held-out records is within`;
  if (rule.items.length === 0) return `${head} the model's intended input (${leftOutWhy(rule)}), so it would be scored on none and fold ${validatedBy(fold, k)}, which validates on them, chosen on none`;
  return `${head} the intended input its model will state (${leftOutWhy(heldOut)}): they are shorter than the fold's validation records (fold ${validationFold(fold, k)}'s), the shortest of which sets its model's minimum duration (${stated.minSeconds.toFixed(2)} s), so it would be scored on none`;
}

/**
 * Every cross-validation fold's held-out rows split by scope, before any fold trains: a fold whose
 * held-out rows are all outside the intended input its model will state is refused here, naming
 * it, where the cross-validation stopped only once it reached that fold, after the folds before
 * it had trained (as a fine-tuning's single split refuses such test rows before training). Those
 * rows are the previous fold's validation as well. The minimum duration a fold's model states is
 * measured on its validation rows within the rest of the intended input, which are read here, so
 * held-out rows all shorter than the shortest of them are refused too.
 */
export async function heldOutInScope(plan: Pick<CvPlan, 'k' | 'folds'>, items: readonly DatasetItem[], intended: IntendedInput, pipeline: PipelineConfig, signal?: AbortSignal, judged?: JudgedRecords): Promise<Map<number, FoldScope>> {
  const scopes = await foldScopes(plan, items, intended, pipeline, signal, judged);
  const empty = [...scopes].flatMap(([fold, scope]) => emptyFoldText(fold, plan.k, scope) ?? []);
  if (empty.length === 0) return scopes;
  throw new EinthovenError('E_VALIDATION', `${empty.join('; ')}: refused before any fold trains; fewer folds, or more records the model is for`);
}
