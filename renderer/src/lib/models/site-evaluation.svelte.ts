import type { EinthovenBridge } from '../../../../core/contract/bridge';
import type { RequestOf } from '../../../../core/contract/channels';
import { isAbsoluteEnginePath, type TrainFinished } from '../../../../core/contract/training-schemas';

type DatasetKind = RequestOf<'models:evaluate'>['dataset']['kind'];
type Status = 'idle' | 'running' | 'succeeded' | 'failed';

/** Where the site's labelled records are: the same choices as fine-tuning and the paired comparison. */
export interface SiteEvaluationForm {
  kind: DatasetKind;
  root: string;
  /** csv datasets: the labels CSV. */
  labels: string;
}

/**
 * One model evaluated on this site's locked test records (models:evaluate on the test split, a
 * job finished through train:finished). The engine records the result as the model's site
 * evaluation, the evidence a promotion needs; the catalog reloads on every finished job, so the
 * card shows it from there. Only the split is fixed: a figure shown as the model's quality must
 * come from records nothing was chosen on.
 */
export class SiteEvaluationRun {
  readonly #bridge: EinthovenBridge;
  form = $state<SiteEvaluationForm>({ kind: 'csv', root: '', labels: '' });
  status = $state<Status>('idle');
  jobId = $state<string | null>(null);
  phase = $state<string | null>(null);
  error = $state<string | null>(null);
  /** Records the evaluation read, once it ended. */
  evaluated = $state<number | null>(null);

  readonly #unsubscribe: (() => void)[];

  constructor(bridge: EinthovenBridge) {
    this.#bridge = bridge;
    this.#unsubscribe = [
      bridge.on('train:progress', (e) => {
        if (e.jobId === this.jobId && e.message) this.phase = e.message;
      }),
      bridge.on('train:finished', (e) => this.#finished(e)),
    ];
  }

  /** Stops listening (the card showing it went away; a running job still ends and is recorded by the engine). */
  dispose(): void {
    this.#unsubscribe.forEach((off) => off());
  }

  /** Why Evaluate is disabled, in words; null when it may start. */
  get blockedReason(): string | null {
    const f = this.form;
    if (this.status === 'running') return 'an evaluation is running';
    if (!isAbsoluteEnginePath(f.root)) return 'give the data folder as an absolute path on the computer running the engine';
    if (f.kind === 'csv' && !isAbsoluteEnginePath(f.labels)) return 'a labels CSV (absolute path) is needed for a hospital dataset';
    return null;
  }

  request(modelId: string): RequestOf<'models:evaluate'> {
    const f = this.form;
    return { modelId, dataset: { kind: f.kind, root: f.root.trim(), ...(f.kind === 'csv' ? { labels: f.labels.trim() } : {}) }, split: 'test' };
  }

  async start(modelId: string): Promise<void> {
    if (this.blockedReason) return;
    Object.assign(this, { status: 'running', jobId: null, phase: null, error: null, evaluated: null });
    const started = await this.#bridge.api['models:evaluate'](this.request(modelId));
    if (!started.ok) {
      Object.assign(this, { status: 'failed', error: started.error.message });
      return;
    }
    this.jobId = started.value.jobId;
  }

  #finished(e: TrainFinished): void {
    if (e.jobId !== this.jobId) return;
    if (e.status === 'succeeded' && e.result.kind === 'evaluate') Object.assign(this, { status: 'succeeded', evaluated: e.result.n });
    else if (e.status === 'failed') Object.assign(this, { status: 'failed', error: e.error.message });
    else Object.assign(this, { status: 'idle', error: 'The evaluation was cancelled; nothing was recorded.' });
  }
}
