import type { EinthovenBridge } from '../../../../core/contract/bridge';
import type { RequestOf } from '../../../../core/contract/channels';
import { isAbsoluteEnginePath, type OperatingPointResult, type TrainFinished } from '../../../../core/contract/training-schemas';

type DatasetKind = RequestOf<'train:operating-point'>['dataset']['kind'];
export type OperatingPointGoal = RequestOf<'train:operating-point'>['goal'];
type Status = 'idle' | 'running' | 'succeeded' | 'failed';

/** The goals the form offers, with what each one chooses. */
export const goalChoices: readonly { readonly goal: OperatingPointGoal; readonly label: string }[] = [
  { goal: 'rule-out', label: 'rule-out: highest threshold with validation sensitivity ≥ target' },
  { goal: 'rule-in', label: 'rule-in: lowest threshold with validation specificity ≥ target' },
  { goal: 'f1', label: 'F1-optimal thresholds' },
  { goal: 'youden', label: "Youden's J thresholds" },
];

export interface SiteOperatingPointForm {
  goal: OperatingPointGoal;
  /** rule-out / rule-in: the validation sensitivity / specificity to reach, as typed. */
  target: string;
  kind: DatasetKind;
  root: string;
  /** csv datasets: the labels CSV. */
  labels: string;
}

const targeted = (goal: OperatingPointGoal) => goal === 'rule-out' || goal === 'rule-in';

/**
 * A site operating point for one model (train:operating-point, a job finished through
 * train:finished): the engine refits its temperature and thresholds on the dataset's validation
 * rows, evaluates the locked test rows once beside the base's own operating point, and writes a
 * new model, which the catalog lists as soon as the job ends.
 */
export class SiteOperatingPointRun {
  readonly #bridge: EinthovenBridge;
  form = $state<SiteOperatingPointForm>({ goal: 'rule-out', target: '0.95', kind: 'csv', root: '', labels: '' });
  status = $state<Status>('idle');
  jobId = $state<string | null>(null);
  phase = $state<string | null>(null);
  error = $state<string | null>(null);
  result = $state.raw<OperatingPointResult | null>(null);

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

  /** Stops listening (the card went away; a running job still ends, and the engine records it). */
  dispose(): void {
    this.#unsubscribe.forEach((off) => off());
  }

  /** The target as a number, or null when the goal takes none or it is not one from 0.5 to 0.999. */
  get target(): number | null {
    const value = Number(this.form.target.trim());
    return targeted(this.form.goal) && this.form.target.trim() !== '' && value >= 0.5 && value <= 0.999 ? value : null;
  }

  /** Why Start is disabled, in words; null when it may start. */
  get blockedReason(): string | null {
    const f = this.form;
    if (this.status === 'running') return 'an operating point is being chosen';
    if (targeted(f.goal) && this.target === null) return 'the target must be a number from 0.5 to 0.999';
    if (!isAbsoluteEnginePath(f.root)) return 'give the data folder as an absolute path on the computer running the engine';
    if (f.kind === 'csv' && !isAbsoluteEnginePath(f.labels)) return 'a labels CSV (absolute path) is needed for a hospital dataset';
    return null;
  }

  request(modelId: string): RequestOf<'train:operating-point'> {
    const f = this.form;
    const target = this.target;
    return { modelId, goal: f.goal, ...(target === null ? {} : { target }), dataset: { kind: f.kind, root: f.root.trim(), ...(f.kind === 'csv' ? { labels: f.labels.trim() } : {}) } };
  }

  async start(modelId: string): Promise<void> {
    if (this.blockedReason) return;
    Object.assign(this, { status: 'running', jobId: null, phase: null, error: null, result: null });
    const started = await this.#bridge.api['train:operating-point'](this.request(modelId));
    if (!started.ok) {
      Object.assign(this, { status: 'failed', error: started.error.message });
      return;
    }
    this.jobId = started.value.jobId;
  }

  #finished(e: TrainFinished): void {
    if (e.jobId !== this.jobId) return;
    if (e.status === 'succeeded' && e.result.kind === 'operating-point') Object.assign(this, { status: 'succeeded', result: e.result });
    else if (e.status === 'failed') Object.assign(this, { status: 'failed', error: e.error.message });
    else Object.assign(this, { status: 'idle', error: 'Cancelled: no model was written.' });
  }
}
