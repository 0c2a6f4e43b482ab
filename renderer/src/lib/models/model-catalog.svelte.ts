import { getContext, setContext } from 'svelte';
import type { EinthovenBridge } from '../../../../core/contract/bridge';
import type { ModelDetail } from '../../../../core/contract/clinic-schemas';
import type { ModelSummary } from '../../../../core/contract/training-schemas';
import { predictionModels } from './model-uses';

const key = Symbol.for('einthoven.model-catalog');

/**
 * The installed models (bundled and trained here), shared by the prediction panel, the models
 * view and fine-tuning: a model a fine-tuning produces appears everywhere after one refresh.
 */
export class ModelCatalog {
  readonly #bridge: EinthovenBridge;
  /** Not reactive on purpose: a cache the UI never renders directly. */
  readonly #details: Record<string, ModelDetail> = {};
  models = $state.raw<ModelSummary[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  /** The model the prediction panel runs; kept across records. */
  chosenId = $state<string | null>(null);
  /** The workstation's default model (offered first) and the one it replaced, for a rollback. */
  defaultModelId = $state<string | null>(null);
  previousDefaultId = $state<string | null>(null);

  constructor(bridge: EinthovenBridge) {
    this.#bridge = bridge;
    // Any training, fine-tuning or search that ends may have written a model (this window's or another's):
    // the list follows without a reload.
    bridge.on('train:finished', () => void this.refresh());
  }

  get chosen(): ModelSummary | undefined {
    return this.models.find((m) => m.id === this.chosenId);
  }

  byId(id: string): ModelSummary | undefined {
    return this.models.find((m) => m.id === id);
  }

  async refresh(): Promise<void> {
    const result = await this.#bridge.api['models:list']({});
    this.loaded = true;
    if (!result.ok) {
      this.error = `Models could not be listed: ${result.error.message}`;
      return;
    }
    this.error = null;
    this.models = result.value.models;
    this.defaultModelId = result.value.defaultModelId;
    this.previousDefaultId = result.value.previousDefaultId;
    // The first choice is one the engine predicts a record with (a PE fusion package it refuses).
    const offered = predictionModels(this.models);
    if (!this.chosen) this.chosenId = offered.find((m) => m.id === this.defaultModelId)?.id ?? offered[0]?.id ?? null;
  }

  /**
   * Makes a model the default for predictions under the promoter's name (promoting the previous
   * default rolls back); the prediction panel switches to it. The engine refuses a model without
   * a locked-test evaluation on this site's data. True when it changed.
   */
  async promote(id: string, promotedBy: string): Promise<boolean> {
    const result = await this.#bridge.api['models:promote']({ modelId: id, promotedBy, confirmed: true });
    if (!result.ok) {
      this.error = `The default model could not be changed: ${result.error.message}`;
      return false;
    }
    this.error = null;
    this.defaultModelId = result.value.defaultModelId;
    this.previousDefaultId = result.value.previousDefaultId;
    this.chosenId = result.value.defaultModelId;
    return true;
  }

  /** One model's full description (cached: a model id names fixed weights and manifest). */
  async detail(id: string): Promise<{ ok: true; value: ModelDetail } | { ok: false; message: string }> {
    const cached = this.#details[id];
    if (cached) return { ok: true, value: cached };
    const result = await this.#bridge.api['models:get']({ modelId: id });
    if (!result.ok) return { ok: false, message: result.error.message };
    this.#details[id] = result.value;
    return { ok: true, value: result.value };
  }
}

export function setModelCatalog(catalog: ModelCatalog): ModelCatalog {
  return setContext(key, catalog);
}

export function useModelCatalog(): ModelCatalog {
  return getContext<ModelCatalog>(key);
}
