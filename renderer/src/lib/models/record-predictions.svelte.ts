import type { EinthovenBridge } from '../../../../core/contract/bridge';
import type { StoredPrediction } from '../../../../core/contract/clinic-schemas';

/**
 * The open record's predictions: its stored history (newest first) and running a model on it.
 * Every prediction is shown from its stored row, so what the screen says is exactly what the
 * database keeps (model, weights version, operating point). Answers for a record the user has
 * left are dropped.
 */
export class RecordPredictions {
  readonly #bridge: EinthovenBridge;
  recordId = $state<number | null>(null);
  history = $state.raw<StoredPrediction[]>([]);
  running = $state(false);
  /** The history of `recordId` has been read (false while a record's history is loading). */
  loaded = $state(false);
  error = $state<string | null>(null);
  #ticket = 0;

  constructor(bridge: EinthovenBridge) {
    this.#bridge = bridge;
  }

  /** The prediction to show first: the newest one. */
  get latest(): StoredPrediction | undefined {
    return this.history[0];
  }

  async load(recordId: number): Promise<void> {
    const ticket = ++this.#ticket;
    this.recordId = recordId;
    this.history = [];
    this.loaded = false;
    this.error = null;
    this.running = false;
    await this.#reload(recordId, ticket);
  }

  /** Reads the open record's history again in place (its PE score entry changed, which decides what a PE prediction may show). */
  async refresh(): Promise<void> {
    if (this.recordId === null || this.running) return;
    await this.#reload(this.recordId, this.#ticket);
  }

  async run(modelId: string): Promise<void> {
    const recordId = this.recordId;
    if (recordId === null || this.running) return;
    const ticket = this.#ticket;
    this.running = true;
    this.error = null;
    const result = await this.#bridge.api['models:predict']({ modelId, recordId });
    if (ticket !== this.#ticket) return;
    this.running = false;
    if (!result.ok) {
      this.error = `Prediction failed: ${result.error.message}`;
      return;
    }
    await this.#reload(recordId, ticket);
  }

  async #reload(recordId: number, ticket: number): Promise<void> {
    const result = await this.#bridge.api['predictions:list']({ recordId, limit: 50 });
    if (ticket !== this.#ticket) return;
    this.loaded = true;
    if (result.ok) this.history = result.value.items;
    else this.error = `Prediction history could not be read: ${result.error.message}`;
  }
}
