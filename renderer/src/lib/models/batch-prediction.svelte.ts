import { getContext, setContext } from 'svelte';
import type { EinthovenBridge } from '../../../../core/contract/bridge';

/**
 * Runs one model on many stored records (each prediction is stored and audited by the engine
 * exactly as a single one is), so a worklist opens with its AI output ready. As many requests
 * are in flight as the engine has prediction workers (every core but one; core/parallel), so
 * every core predicts. Stoppable between records; a record that fails is counted and the run
 * goes on.
 */
export class BatchPrediction {
  readonly #bridge: EinthovenBridge;
  running = $state(false);
  done = $state(0);
  total = $state(0);
  abstained = $state(0);
  failures = $state.raw<{ recordId: number; message: string }[]>([]);
  stopped = $state(false);
  /** Bumped after every stored prediction, so an open record's panel can reload its history. */
  version = $state(0);
  #stopRequested = false;
  /** Requests in flight: the engine's prediction workers (cores − 1, at least 1). */
  readonly lanes: number;

  constructor(bridge: EinthovenBridge, cores: number = globalThis.navigator?.hardwareConcurrency ?? 2) {
    this.#bridge = bridge;
    this.lanes = Math.max(1, cores - 1);
  }

  async run(modelId: string, recordIds: readonly number[]): Promise<void> {
    if (this.running) return;
    Object.assign(this, { running: true, done: 0, total: recordIds.length, abstained: 0, failures: [], stopped: false });
    this.#stopRequested = false;
    let next = 0;
    const lane = async () => {
      while (next < recordIds.length && !this.#stopRequested) {
        const recordId = recordIds[next++] as number;
        const result = await this.#bridge.api['models:predict']({ modelId, recordId });
        if (!result.ok) this.failures = [...this.failures, { recordId, message: result.error.message }];
        else if (result.value.abstained) this.abstained++;
        this.done++;
        this.version++;
      }
    };
    await Promise.all(Array.from({ length: this.lanes }, lane));
    Object.assign(this, { running: false, stopped: this.#stopRequested });
  }

  stop(): void {
    this.#stopRequested = true;
  }
}

const key = Symbol.for('einthoven.batch-prediction');

export function setBatchPrediction(batch: BatchPrediction): BatchPrediction {
  return setContext(key, batch);
}

export function useBatchPrediction(): BatchPrediction {
  return getContext<BatchPrediction>(key);
}
