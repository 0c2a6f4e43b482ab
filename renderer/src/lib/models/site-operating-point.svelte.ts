import type { EinthovenBridge } from '../../../../core/contract/bridge';
import type { RequestOf } from '../../../../core/contract/channels';
import type { OperatingPointResult, TrainingResult } from '../../../../core/contract/training-schemas';
import { datasetFormProblem, datasetSpecOf, type DatasetForm } from '../training/dataset-form';
import { TrainingJobRun } from '../training/training-job-run.svelte';
import { defaultMinVal, minValOf, minValRequest } from './site-operating-point-form';

export type OperatingPointGoal = RequestOf<'train:operating-point'>['goal'];

/** The goals the form offers, with what each one chooses. */
export const goalChoices: readonly { readonly goal: OperatingPointGoal; readonly label: string }[] = [
  { goal: 'rule-out', label: 'rule-out: highest threshold with validation sensitivity ≥ target' },
  { goal: 'rule-in', label: 'rule-in: lowest threshold with validation specificity ≥ target' },
  { goal: 'f1', label: 'F1-optimal thresholds' },
  { goal: 'youden', label: "Youden's J thresholds" },
];

export interface SiteOperatingPointForm extends DatasetForm {
  goal: OperatingPointGoal;
  /** rule-out / rule-in: the validation sensitivity / specificity to reach, as typed. */
  target: string;
  /** Fewest validation positives and negatives per class, as typed (the engine's default unless lowered: an override). */
  minVal: string;
}

const targeted = (goal: OperatingPointGoal) => goal === 'rule-out' || goal === 'rule-in';

/**
 * A site operating point for one model (train:operating-point, a job finished through
 * train:finished): the engine refits its temperature and thresholds on the dataset's validation
 * rows, evaluates the locked test rows once beside the base's own operating point, and writes a
 * new model, which the catalog lists as soon as the job ends.
 */
export class SiteOperatingPointRun extends TrainingJobRun<OperatingPointResult> {
  readonly #bridge: EinthovenBridge;
  form = $state<SiteOperatingPointForm>({ goal: 'rule-out', target: '0.95', minVal: defaultMinVal, kind: 'csv', root: '', labels: '' });
  protected readonly cancelledMessage = 'Cancelled: no model was written.';

  constructor(bridge: EinthovenBridge) {
    super(bridge);
    this.#bridge = bridge;
  }

  /** The target as a number, or null when the goal takes none or it is not one from 0.5 to 0.999. */
  get target(): number | null {
    const value = Number(this.form.target.trim());
    return targeted(this.form.goal) && this.form.target.trim() !== '' && value >= 0.5 && value <= 0.999 ? value : null;
  }

  /** Why Start is disabled, in words; null when it may start. */
  get blockedReason(): string | null {
    if (this.status === 'running') return 'an operating point is being chosen';
    if (targeted(this.form.goal) && this.target === null) return 'the target must be a number from 0.5 to 0.999';
    if (minValOf(this.form.minVal) === null) return 'the minimum validation positives and negatives per class must be a whole number from 1';
    return datasetFormProblem(this.form);
  }

  request(model: { readonly id: string; readonly classes: readonly string[] }): RequestOf<'train:operating-point'> {
    const target = this.target;
    return { modelId: model.id, goal: this.form.goal, ...(target === null ? {} : { target }), ...minValRequest(this.form.minVal), dataset: datasetSpecOf(this.form, model.classes) };
  }

  async start(model: { readonly id: string; readonly classes: readonly string[] }): Promise<void> {
    if (this.blockedReason) return;
    await this.begin(() => this.#bridge.api['train:operating-point'](this.request(model)));
  }

  protected accept(result: TrainingResult): OperatingPointResult | null {
    return result.kind === 'operating-point' ? result : null;
  }
}
