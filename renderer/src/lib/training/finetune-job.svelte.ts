import { getContext, setContext } from 'svelte';
import type { EinthovenBridge } from '../../../../core/contract/bridge';
import { readingsTaskFor, type DatasetInspection, type ReadingsDataset, type ReadingsTask } from '../../../../core/contract/clinic-schemas';
import { withNotice } from '../../../../core/contract/training-notices';
import type { TrainFinished, TrainProgressEvent } from '../../../../core/contract/training-schemas';
import { EarlyJobEvents } from '../jobs/early-events';
import type { ModelCatalog } from '../models/model-catalog.svelte';
import { ReadingsExport } from './readings-export.svelte';
import { datasetOf, defaultName, editedForm, memoryTrainingOf, minExamplesOf, oneJobOverridesOff, requestOf, settingDefaults, validateForm, type FieldErrors, type FinetuneForm } from './finetune-form';

const key = Symbol.for('einthoven.finetune-job');

type Status = 'idle' | 'starting' | 'running' | 'cancelling' | 'succeeded' | 'cancelled' | 'failed';
type Result = Extract<TrainFinished, { status: 'succeeded' }>['result'];

/**
 * One fine-tuning at a time, kept at app level so it runs on while the user reads ECGs: the
 * form, the dataset check that must pass before Start, then live progress from train:progress,
 * cancel (the engine keeps the best epoch) and the result. A finished job refreshes the catalog,
 * so the new model is offered everywhere.
 */
export class FinetuneJob {
  readonly #bridge: EinthovenBridge;
  readonly #catalog: ModelCatalog;
  form = $state<FinetuneForm>({ baseModelId: '', dataRoot: '', labels: '', positiveClass: '', name: '', mode: 'head', ...settingDefaults });
  inspection = $state.raw<DatasetInspection | null>(null);
  /** The dataset the inspection describes; a later edit makes it stale. */
  inspectedKey = $state<string | null>(null);
  inspecting = $state(false);
  inspectError = $state<string | null>(null);
  /** The dataset made from this workstation's signed readings: its export's progress, cancel and summary. */
  readonly readings: ReadingsExport;
  status = $state<Status>('idle');
  jobId = $state<string | null>(null);
  phase = $state<string | null>(null);
  /** Its notes and warnings, kept in view after later phases replace the phase line. */
  notices = $state.raw<readonly string[]>([]);
  step = $state.raw<TrainProgressEvent | null>(null);
  /** One entry per finished epoch (loss, validation loss and metrics). */
  epochs = $state.raw<TrainProgressEvent[]>([]);
  result = $state.raw<Result | null>(null);
  error = $state<string | null>(null);
  /** Events that arrived before the job's id did. */
  readonly #early = new EarlyJobEvents<TrainProgressEvent | TrainFinished>();

  constructor(bridge: EinthovenBridge, catalog: ModelCatalog) {
    this.#bridge = bridge;
    this.#catalog = catalog;
    this.readings = new ReadingsExport(bridge);
    bridge.on('train:progress', (e) => this.#route(e, () => this.#progress(e)));
    bridge.on('train:finished', (e) => this.#route(e, () => void this.#finished(e)));
  }

  get active(): boolean {
    return this.status === 'starting' || this.status === 'running' || this.status === 'cancelling';
  }

  get errors(): FieldErrors {
    return validateForm(this.form, this.#names());
  }

  #names(): string[] {
    return this.#catalog.models.map((m) => m.name);
  }

  /** What a dataset check depends on: the dataset, the minimums it checks against, and what its memory estimate is of. */
  #checkKey(): string {
    return JSON.stringify([datasetOf(this.form), minExamplesOf(this.form), memoryTrainingOf(this.form) ?? null]);
  }

  get checkedCurrentData(): boolean {
    return this.inspection !== null && this.inspectedKey === this.#checkKey();
  }

  /** Why Start is disabled, in words; null when it may start. */
  get blockedReason(): string | null {
    if (this.active) return 'a fine-tuning is already running';
    if (this.readings.active) return 'the dataset from the signed readings is still being written';
    const errors = Object.values(this.errors);
    if (errors.length > 0) return `Fix the form first: ${errors[0]}`;
    if (!this.checkedCurrentData) return 'Check the data first (the check reads the labels, counts records per split and estimates the memory the training needs)';
    const blockers = this.inspection?.blockers ?? [];
    return blockers.length > 0 ? `The data cannot train a model: ${blockers[0]}` : null;
  }

  /** Changes fields of the form; another base or dataset turns off a one-job override given for the earlier one. */
  edit(change: Partial<FinetuneForm>): void {
    Object.assign(this.form, editedForm(this.form, change));
  }

  /** Picks the base model; its architecture's paper default decides head/full, its rate the LR. */
  async chooseBase(id: string): Promise<void> {
    this.edit({ baseModelId: id });
    const base = this.#catalog.byId(id);
    if (base && !this.form.name) this.form.name = defaultName(base.name, this.#names());
    const detail = id ? await this.#catalog.detail(id) : null;
    if (!detail?.ok || this.form.baseModelId !== id) return;
    this.form.mode = detail.value.finetuneDefaultMode;
    if (detail.value.training.learningRate !== null) this.form.learningRate = String(detail.value.training.learningRate);
  }

  /** Which classes the signed readings are labelled with for the chosen base model (its own task's). */
  get readingsTask(): ReadingsTask {
    return readingsTaskFor(this.#catalog.byId(this.form.baseModelId)?.classes ?? []);
  }

  /**
   * Makes a dataset of the signed readings (de-identified ECGs and a labels CSV under the data
   * folder, allowed for reading) and puts it in the form; true when it did (the caller checks it).
   */
  async useSignedReadings(): Promise<boolean> {
    const made = await this.readings.run(this.readingsTask);
    if (!made) return false;
    this.#useReadingsDataset(made);
    return true;
  }

  #useReadingsDataset(made: ReadingsDataset): void {
    this.edit({ dataRoot: made.folder, labels: made.labels, positiveClass: '' });
  }

  async inspect(): Promise<void> {
    const dataset = datasetOf(this.form);
    const key = this.#checkKey();
    Object.assign(this, { inspecting: true, inspectError: null, inspection: null });
    const training = memoryTrainingOf(this.form);
    const result = await this.#bridge.api['datasets:inspect']({ dataset, minExamples: minExamplesOf(this.form), ...(training ? { training } : {}) });
    this.inspecting = false;
    if (!result.ok) {
      this.inspectError = result.error.message;
      return;
    }
    this.inspection = result.value;
    this.inspectedKey = key;
  }

  async start(): Promise<void> {
    if (this.blockedReason) return;
    Object.assign(this, { status: 'starting', jobId: null, phase: null, notices: [], step: null, epochs: [], result: null, error: null });
    this.#early.clear();
    const request = requestOf(this.form);
    // Asked for this job only: the next one is refused again unless the user asks again.
    Object.assign(this.form, oneJobOverridesOff);
    const started = await this.#bridge.api['train:finetune'](request);
    if (!started.ok) {
      Object.assign(this, { status: 'failed', error: started.error.message });
      return;
    }
    this.jobId = started.value.jobId;
    this.status = 'running';
    this.#replayEarly(started.value.jobId);
  }

  /**
   * The job's events that arrived before its id did, straight to their handlers (not through
   * #route, so without its check that the job is still active), in the order they came.
   */
  #replayEarly(jobId: string): void {
    for (const e of this.#early.release(jobId)) {
      if ('status' in e) void this.#finished(e);
      else this.#progress(e);
    }
  }

  /**
   * Shows a fine-tuning that is already running in the engine (the window was reloaded or
   * reopened mid-run): its name, base model, progress so far, then live events as usual.
   */
  async reattach(): Promise<void> {
    // An export of the signed readings still running (this window was reloaded) is followed again; its dataset fills the form when it ends.
    void this.readings.reattach().then((made) => made && this.#useReadingsDataset(made));
    if (this.status !== 'idle') return;
    this.status = 'starting'; // buffers events that arrive while the engine answers
    this.#early.clear();
    const active = await this.#bridge.api['train:active']({});
    const job = active.ok ? active.value.jobs.find((j) => j.kind === 'finetune') : undefined;
    if (!job) {
      this.status = 'idle';
      this.#early.clear();
      return;
    }
    Object.assign(this, { jobId: job.jobId, status: 'running', phase: null, notices: job.notices, step: null, epochs: [], result: null, error: null });
    Object.assign(this.form, { name: job.name, ...(job.baseModelId ? { baseModelId: job.baseModelId } : {}) });
    // The snapshot first, then what came while the engine answered (#progress shows a repeated epoch once).
    for (const e of [job.phase, job.step, ...job.epochs]) if (e) this.#progress(e);
    this.#replayEarly(job.jobId);
  }

  async cancel(): Promise<void> {
    if (!this.jobId || this.status !== 'running') return;
    this.status = 'cancelling';
    await this.#bridge.api['jobs:cancel']({ jobId: this.jobId });
  }

  #route(event: TrainProgressEvent | TrainFinished, handle: () => void): void {
    if (this.status === 'starting') this.#early.hold(event);
    else if (event.jobId === this.jobId && this.active) handle();
  }

  #progress(e: TrainProgressEvent): void {
    if (e.phase !== undefined) {
      this.phase = e.message ? `${e.phase}: ${e.message}` : e.phase;
      this.notices = withNotice(this.notices, e.message);
    }
    // An epoch both in a reattach snapshot and in a buffered event is shown once.
    if (e.valLoss !== undefined) this.epochs = this.epochs.some((x) => x.epoch === e.epoch) ? this.epochs : [...this.epochs, e];
    else if (e.step !== undefined) this.step = e;
  }

  async #finished(e: TrainFinished): Promise<void> {
    if (e.status === 'failed') {
      Object.assign(this, { status: 'failed', error: e.error.message });
      return;
    }
    this.result = e.result ?? null;
    this.status = e.status;
    await this.#catalog.refresh();
    // The name is now taken; propose the next one so another run needs no retyping.
    const base = this.#catalog.byId(this.form.baseModelId);
    if (base && this.#names().includes(this.form.name.trim())) this.form.name = defaultName(base.name, this.#names());
  }
}

export function setFinetuneJob(job: FinetuneJob): FinetuneJob {
  return setContext(key, job);
}

export function useFinetuneJob(): FinetuneJob {
  return getContext<FinetuneJob>(key);
}
