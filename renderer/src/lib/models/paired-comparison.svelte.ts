import { getContext, setContext } from 'svelte';
import type { EinthovenBridge } from '../../../../core/contract/bridge';
import type { RequestOf } from '../../../../core/contract/channels';
import { isAbsoluteEnginePath, type ComparisonResult, type TrainFinished } from '../../../../core/contract/training-schemas';

type Status = 'idle' | 'running' | 'succeeded' | 'failed';
type Request = RequestOf<'models:compare'>;

/** The comparison form: two models, the data both are scored on, and the split. */
export interface ComparisonForm {
  modelA: string;
  modelB: string;
  kind: Request['dataset']['kind'];
  root: string;
  /** csv datasets: the labels CSV. */
  labels: string;
  split: 'test' | 'val' | 'all';
}

/**
 * Two installed models scored on the same records, compared pairwise by the engine (a job:
 * models:compare, finished through train:finished): per class and macro, A − B with 95 % CIs
 * and p-values. Kept at app level, so a running comparison survives switching views.
 */
export class PairedComparison {
  readonly #bridge: EinthovenBridge;
  form = $state<ComparisonForm>({ modelA: '', modelB: '', kind: 'ptbxl', root: '', labels: '', split: 'test' });
  status = $state<Status>('idle');
  jobId = $state<string | null>(null);
  phase = $state<string | null>(null);
  result = $state.raw<ComparisonResult | null>(null);
  error = $state<string | null>(null);

  constructor(bridge: EinthovenBridge) {
    this.#bridge = bridge;
    bridge.on('train:progress', (e) => {
      if (e.jobId === this.jobId && e.message) this.phase = e.message;
    });
    bridge.on('train:finished', (e) => this.#finished(e));
  }

  /** Why Compare is disabled, in words; null when it may start. */
  get blockedReason(): string | null {
    const f = this.form;
    if (this.status === 'running') return 'a comparison is running';
    if (!f.modelA || !f.modelB) return 'choose two models';
    if (f.modelA === f.modelB) return 'choose two different models';
    if (!isAbsoluteEnginePath(f.root)) return 'give the data folder as an absolute path on the computer running the engine';
    if (f.kind === 'csv' && !isAbsoluteEnginePath(f.labels)) return 'a labels CSV (absolute path) is needed for a csv dataset';
    return null;
  }

  request(): Request {
    const f = this.form;
    const dataset = { kind: f.kind, root: f.root.trim(), ...(f.kind === 'csv' ? { labels: f.labels.trim() } : {}) };
    return { modelId: f.modelA, otherModelId: f.modelB, dataset, split: f.split };
  }

  async start(): Promise<void> {
    if (this.blockedReason) return;
    Object.assign(this, { status: 'running', jobId: null, phase: null, result: null, error: null });
    const started = await this.#bridge.api['models:compare'](this.request());
    if (!started.ok) {
      Object.assign(this, { status: 'failed', error: started.error.message });
      return;
    }
    this.jobId = started.value.jobId;
  }

  #finished(e: TrainFinished): void {
    if (e.jobId !== this.jobId) return;
    if (e.status === 'succeeded' && e.result.kind === 'compare') Object.assign(this, { status: 'succeeded', result: e.result });
    else if (e.status === 'failed') Object.assign(this, { status: 'failed', error: e.error.message });
    else Object.assign(this, { status: 'idle' });
  }
}

const key = Symbol.for('einthoven.paired-comparison');

export function setPairedComparison(comparison: PairedComparison): PairedComparison {
  return setContext(key, comparison);
}

export function usePairedComparison(): PairedComparison {
  return getContext<PairedComparison>(key);
}
