import type { ModelSummary } from '../../../../core/contract/training-schemas';

/**
 * What the app offers to do with a model, matched to what the engine accepts: a model the
 * engine refuses for a use is not offered for it (left out of a list, or a form replaced by the
 * reason), so no one fills in a form or picks a model only to be refused.
 */
type ModelKind = Pick<ModelSummary, 'name' | 'architecture' | 'fusion'>;

/**
 * A PE fusion package's number needs clinical score items, which a record's prediction does not
 * have: the engine refuses it (core/train/pe/fusion.ts `refuseFusionAsPlainModel`).
 */
export function predictsRecords(model: ModelKind): boolean {
  return !model.fusion;
}

/** The models the prediction panel offers: every one the engine predicts a record with. */
export function predictionModels<M extends ModelKind>(models: readonly M[]): M[] {
  return models.filter(predictsRecords);
}

/** Why a model cannot be the default for predictions, or null: one the engine predicts no record with. */
export function promotionRefusal(model: ModelKind): string | null {
  if (!predictsRecords(model)) return `${model.name} is a PE fusion: its probability needs clinical score items, so it predicts no record by itself and cannot be the default for predictions`;
  return null;
}

/**
 * Why a model cannot be a fine-tuning's base, or null: a fusion's network is its base model's
 * (refuseFusionAsPlainModel), and an ensemble has no single network (finetune-job.ts).
 */
export function finetuneBaseRefusal(model: ModelKind): string | null {
  if (model.fusion) return `${model.name} is a PE fusion of ${model.fusion.baseModel.name}: fine-tune ${model.fusion.baseModel.name}, its ECG network`;
  if (model.architecture === 'ensemble') return `${model.name} is an ensemble: fine-tune one of its members, then build the ensemble again`;
  return null;
}

/** The models a fine-tuning may start from. */
export function finetuneBases<M extends ModelKind>(models: readonly M[]): M[] {
  return models.filter((m) => finetuneBaseRefusal(m) === null);
}

/**
 * Why the card offers no site operating point for a model, or null when it does: the engine
 * refuses both kinds (core/train/jobs/operating-point-job.ts `loadSingle`).
 */
export function siteOperatingPointRefusal(model: ModelKind): string | null {
  if (model.fusion) {
    const { name } = model.fusion.baseModel;
    return `No site operating point for a PE fusion package: its fusion was fitted on the calibrated probabilities of its network (${name}), which a new temperature would change. Its own operating point is fitted with it, on the validation rows of the data it is fused on (ecg pe-fuse).`;
  }
  if (model.architecture === 'ensemble') return 'No site operating point for an ensemble: its operating point is fitted when it is built (ecg ensemble --thresholds).';
  return null;
}
