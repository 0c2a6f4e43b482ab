import type { EinthovenBridge } from '../../../../core/contract/bridge';
import type { PeComparisonInfo } from '../../../../core/contract/pe-schemas';
import type { EvaluationResult } from '../../../../core/contract/training-schemas';

/**
 * Runs the PE comparison of one model on a site's dataset (an evaluation job on its locked test
 * split) and keeps the result for the figure. The labels CSV must carry the score items.
 */
export class PeComparisonRun {
  readonly #bridge: EinthovenBridge;
  dataRoot = $state('');
  labels = $state('');
  running = $state(false);
  jobId = $state<string | null>(null);
  comparison = $state.raw<PeComparisonInfo | null>(null);
  /** The whole evaluation: its warnings and, for a fusion package, its own headline and its network's figures. */
  result = $state.raw<EvaluationResult | null>(null);
  dataset = $state('');
  error = $state<string | null>(null);

  constructor(bridge: EinthovenBridge) {
    this.#bridge = bridge;
    bridge.on('train:finished', (e) => {
      if (e.jobId !== this.jobId) return;
      this.running = false;
      if (e.status === 'failed') this.error = e.error.message;
      else if (e.result?.kind === 'evaluate') {
        this.result = e.result;
        this.comparison = e.result.peComparison ?? null;
        this.dataset = e.result.dataset;
        if (!e.result.peComparison) this.error = 'The labels CSV has no PE score columns: nothing to compare (see README, "Hospital labels CSV").';
      } else this.error = 'The evaluation was cancelled.';
    });
  }

  async run(modelId: string): Promise<void> {
    if (this.running) return;
    Object.assign(this, { running: true, error: null, comparison: null, result: null });
    const result = await this.#bridge.api['models:evaluate']({ modelId, dataset: { kind: 'csv', root: this.dataRoot.trim(), labels: this.labels.trim(), positiveClass: 'PE' }, split: 'test' });
    if (result.ok) this.jobId = result.value.jobId;
    else Object.assign(this, { running: false, error: result.error.message });
  }
}
