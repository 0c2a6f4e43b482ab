import type { DatasetItem } from '../../data/types';
import { EinthovenError } from '../../errors';
import type { CvPlan } from '../cv';
import { leftOutWhy, partitionByScope, type ScopePartition } from '../evaluation-scope';
import type { IntendedInput } from '../scope';

/** The fold that validates on fold `fold`'s rows (fold i validates on fold i + 1, cyclically). */
function validatedBy(fold: number, k: number): number {
  return fold === 1 ? k : fold - 1;
}

/**
 * Every cross-validation fold's held-out rows split by scope, before any fold trains: a fold whose
 * held-out rows are all outside the intended input is refused here, naming it, where the
 * cross-validation stopped only once it reached that fold, after the folds before it had
 * trained (as a fine-tuning's single split refuses such test rows before training). Those rows
 * are the previous fold's validation as well. `intended` is the rule the folds' own checks apply
 * before training; the fold models' validated minimum duration is known only after it.
 */
export async function heldOutInScope(plan: Pick<CvPlan, 'k' | 'folds'>, items: readonly DatasetItem[], intended: IntendedInput, signal?: AbortSignal): Promise<Map<number, ScopePartition>> {
  const partitions = new Map<number, ScopePartition>();
  for (let fold = 1; fold <= plan.k; fold++) {
    const rows = items.filter((i) => plan.folds.get(i.id) === fold);
    partitions.set(fold, await partitionByScope([intended], rows, signal));
  }
  const empty = [...partitions].filter(([, p]) => p.total > 0 && p.items.length === 0);
  if (empty.length === 0) return partitions;
  const folds = empty.map(([fold, p]) => `cross-validation fold ${fold} of ${plan.k}: none of its ${p.total} held-out records is within the model's intended input (${leftOutWhy(p)}), so it would be scored on none and fold ${validatedBy(fold, plan.k)}, which validates on them, chosen on none`);
  throw new EinthovenError('E_VALIDATION', `${folds.join('; ')}: refused before any fold trains; fewer folds, or more records the model is for`);
}
