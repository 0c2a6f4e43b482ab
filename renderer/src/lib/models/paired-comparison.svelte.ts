import { getContext, setContext } from 'svelte';
import type { EinthovenBridge } from '../../../../core/contract/bridge';
import type { RequestOf } from '../../../../core/contract/channels';
import type { ComparisonResult, TrainingResult } from '../../../../core/contract/training-schemas';
import { datasetFormProblem, datasetSpecOf, type DatasetForm } from '../training/dataset-form';
import { TrainingJobRun } from '../training/training-job-run.svelte';

type Request = RequestOf<'models:compare'>;

/** The comparison form: two models, the data both are scored on, and the split. */
export interface ComparisonForm extends DatasetForm {
  modelA: string;
  modelB: string;
  split: 'test' | 'val' | 'all';
}

/**
 * Two installed models scored on the same records, compared pairwise by the engine (a job:
 * models:compare, finished through train:finished): per class and macro, A − B with 95 % CIs
 * and p-values. Kept at app level, so a running comparison survives switching views.
 */
export class PairedComparison extends TrainingJobRun<ComparisonResult> {
  readonly #bridge: EinthovenBridge;
  form = $state<ComparisonForm>({ modelA: '', modelB: '', kind: 'ptbxl', root: '', labels: '', split: 'test' });
  protected readonly cancelledMessage = null;

  constructor(bridge: EinthovenBridge) {
    super(bridge);
    this.#bridge = bridge;
  }

  /** Why Compare is disabled, in words; null when it may start. */
  get blockedReason(): string | null {
    const f = this.form;
    if (this.status === 'running') return 'a comparison is running';
    if (!f.modelA || !f.modelB) return 'choose two models';
    if (f.modelA === f.modelB) return 'choose two different models';
    return datasetFormProblem(f);
  }

  /** `classes`: model A's, so a one-output model reads a hospital CSV's 0/1 label as its class. */
  request(classes: readonly string[] = []): Request {
    const f = this.form;
    return { modelId: f.modelA, otherModelId: f.modelB, dataset: datasetSpecOf(f, classes), split: f.split };
  }

  async start(classes: readonly string[] = []): Promise<void> {
    if (this.blockedReason) return;
    await this.begin(() => this.#bridge.api['models:compare'](this.request(classes)));
  }

  protected accept(result: TrainingResult): ComparisonResult | null {
    return result.kind === 'compare' ? result : null;
  }
}

const key = Symbol.for('einthoven.paired-comparison');

export function setPairedComparison(comparison: PairedComparison): PairedComparison {
  return setContext(key, comparison);
}

export function usePairedComparison(): PairedComparison {
  return getContext<PairedComparison>(key);
}
