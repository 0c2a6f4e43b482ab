import type { EinthovenBridge } from '../../../../core/contract/bridge';
import type { EvaluationResult, TrainingResult } from '../../../../core/contract/training-schemas';
import { datasetFormProblem, datasetSpecOf, type DatasetForm } from '../training/dataset-form';
import { TrainingJobRun } from '../training/training-job-run.svelte';

/**
 * One model evaluated on this site's locked test records (models:evaluate on the test split, a
 * job finished through train:finished). The engine records the result as the model's site
 * evaluation, the evidence a promotion needs; the catalog reloads on every finished job, so the
 * card shows it from there. Only the split is fixed: a figure shown as the model's quality must
 * come from records nothing was chosen on.
 */
export class SiteEvaluationRun extends TrainingJobRun<EvaluationResult> {
  readonly #bridge: EinthovenBridge;
  form = $state<DatasetForm>({ kind: 'csv', root: '', labels: '' });
  protected readonly cancelledMessage = 'The evaluation was cancelled; nothing was recorded.';

  constructor(bridge: EinthovenBridge) {
    super(bridge);
    this.#bridge = bridge;
  }

  /** Why Evaluate is disabled, in words; null when it may start. */
  get blockedReason(): string | null {
    return this.status === 'running' ? 'an evaluation is running' : datasetFormProblem(this.form);
  }

  async start(model: { readonly id: string; readonly classes: readonly string[] }): Promise<void> {
    if (this.blockedReason) return;
    await this.begin(() => this.#bridge.api['models:evaluate']({ modelId: model.id, dataset: datasetSpecOf(this.form, model.classes), split: 'test' }));
  }

  protected accept(result: TrainingResult): EvaluationResult | null {
    return result.kind === 'evaluate' ? result : null;
  }
}
