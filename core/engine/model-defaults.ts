import type { AppState } from '../db/app-state';
import type { AuditLog } from '../db/audit';
import type { ModelEvaluations } from '../db/model-evaluations';
import { EinthovenError } from '../errors';

/** Why a model cannot be promoted yet, and what to run. */
export function promotionRefusal(modelId: string): string {
  return (
    `${modelId} has no locked-test evaluation on this site's data, so it cannot become the default for predictions. ` +
    `Evaluate it once on your locked test records: in the app, Models › the model › "Evaluate on this site's data", or ` +
    `\`ecg evaluate --model ${modelId} --data DIR --labels CSV --split test --record\` (or fine-tune it here, which ends with one), then promote it.`
  );
}

const defaultKey = 'models.default';
const previousKey = 'models.previousDefault';

/**
 * Which model this workstation offers first for predictions, and the one before it, so a
 * promotion can be rolled back. Kept in the database and audited: which model produced a
 * clinic's predictions by default is part of its record.
 */
export class ModelDefaults {
  readonly #state: AppState;
  readonly #audit: AuditLog;

  constructor(state: AppState, audit: AuditLog) {
    this.#state = state;
    this.#audit = audit;
  }

  /** The stored choices, each dropped when its model is no longer installed. */
  current(installed: readonly string[]): { defaultModelId: string | null; previousDefaultId: string | null } {
    const known = (id: string | undefined) => (id !== undefined && installed.includes(id) ? id : null);
    return { defaultModelId: known(this.#state.get(defaultKey)), previousDefaultId: known(this.#state.get(previousKey)) };
  }

  /**
   * Makes `modelId` (an installed model's id) the default; the replaced default becomes the
   * previous one. Refused unless the model has a locked-test evaluation recorded on this site's
   * data — a rollback to the previous default excepted, which was gated when it was promoted.
   * Audited under the promoter's name with both models' evaluations.
   */
  promote(modelId: string, request: { promotedBy: string; evaluations: Pick<ModelEvaluations, 'latest'> }): { defaultModelId: string; previousDefaultId: string | null } {
    const before = this.#state.get(defaultKey) ?? null;
    if (before === modelId) return { defaultModelId: modelId, previousDefaultId: this.#state.get(previousKey) ?? null };
    const rollback = modelId === (this.#state.get(previousKey) ?? null);
    const evaluation = request.evaluations.latest(modelId);
    if (!evaluation && !rollback) throw new EinthovenError('E_VALIDATION', promotionRefusal(modelId));
    const current = before === null ? null : request.evaluations.latest(before);
    this.#state.set(defaultKey, modelId);
    if (before !== null) this.#state.set(previousKey, before);
    this.#audit.append(request.promotedBy, 'model.promoted', `model:${modelId}`, {
      previous: before,
      rollback,
      evaluation: evaluation && { id: evaluation.id, n: evaluation.n, dataset: evaluation.dataset, aucMacro: evaluation.metrics.aucMacro ?? null },
      previousEvaluation: current && { id: current.id, n: current.n, dataset: current.dataset, aucMacro: current.metrics.aucMacro ?? null },
    });
    return { defaultModelId: modelId, previousDefaultId: before ?? this.#state.get(previousKey) ?? null };
  }
}
