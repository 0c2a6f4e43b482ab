import type { AppState } from '../db/app-state';
import type { AuditLog } from '../db/audit';

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

  /** Makes `modelId` (an installed model's id) the default; the replaced default becomes the previous one. */
  promote(modelId: string): { defaultModelId: string; previousDefaultId: string | null } {
    const before = this.#state.get(defaultKey) ?? null;
    if (before === modelId) return { defaultModelId: modelId, previousDefaultId: this.#state.get(previousKey) ?? null };
    this.#state.set(defaultKey, modelId);
    if (before !== null) this.#state.set(previousKey, before);
    this.#audit.append('user', 'model.promoted', `model:${modelId}`, { previous: before });
    return { defaultModelId: modelId, previousDefaultId: before ?? this.#state.get(previousKey) ?? null };
  }
}
