import { getContext, setContext } from 'svelte';
import type { EinthovenBridge } from '../../../../core/contract/bridge';

/**
 * Runs one model on many stored records, one request at a time (each prediction is stored and
 * audited by the engine exactly as a single one is), so a worklist opens with its AI output
 * ready. Stoppable between records; a record that fails is counted and the run goes on.
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

  constructor(bridge: EinthovenBridge) {
    this.#bridge = bridge;
  }

  async run(modelId: string, recordIds: readonly number[]): Promise<void> {
    if (this.running) return;
    Object.assign(this, { running: true, done: 0, total: recordIds.length, abstained: 0, failures: [], stopped: false });
    this.#stopRequested = false;
    for (const recordId of recordIds) {
      if (this.#stopRequested) break;
      const result = await this.#bridge.api['models:predict']({ modelId, recordId });
      if (!result.ok) this.failures = [...this.failures, { recordId, message: result.error.message }];
      else if (result.value.abstained) this.abstained++;
      this.done++;
      this.version++;
    }
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
