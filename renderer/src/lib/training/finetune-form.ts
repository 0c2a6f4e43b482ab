import type { RequestOf } from '../../../../core/contract/channels';
import { defaultMinExamples, defaultTrainingWorkers, isAbsoluteEnginePath } from '../../../../core/contract/training-schemas';
import { wholeNumberOf } from '../forms/whole-number';

/** What the fine-tuning form holds; numbers stay text until checked, so a half-typed value is not lost. */
export interface FinetuneForm {
  baseModelId: string;
  /** Folder of the hospital's ECG files, on the computer running the engine. */
  dataRoot: string;
  /** Labels CSV: file,label[,patient_id][,split], or the PE-HSM layout filename;label. */
  labels: string;
  /** Class name for a 0/1 label column (empty: the engine's default, PE for filename;label). */
  positiveClass: string;
  name: string;
  mode: 'head' | 'full';
  epochs: string;
  batchSize: string;
  learningRate: string;
  patience: string;
  /** Fewest positives and negatives per class in training / validation (10 / 3; lower is a logged override). */
  minTrain: string;
  minVal: string;
  /** Advanced: the loss, and for BCE the weight of each class's positives ("3", or "2,4" for two classes). */
  loss: 'focal' | 'bce';
  posWeight: string;
  /** Advanced: cross-validate the fine-tuning with this many patient-grouped folds first ('' = no). */
  crossValidation: string;
  /** Worker threads; empty: the engine's default (every core but one). */
  workers: string;
  /**
   * Advanced: fine-tune even when every locked test record is among the base's training and
   * validation records (refused otherwise); its figures are then kept as no locked test. Off by
   * default, and a one-job override (oneJobOverridesOff): it does not outlive the job it was ticked for.
   */
  allowTestSeenByBase: boolean;
}

export type FinetuneRequest = RequestOf<'train:finetune'>;
export type FieldErrors = Partial<Record<keyof FinetuneForm, string>>;

/** The engine's defaults (core/train/config.ts); the learning rate defaults to the base model's. */
export const settingDefaults = { epochs: '50', batchSize: '64', patience: '10', learningRate: '0.0002', minTrain: String(defaultMinExamples.train), minVal: String(defaultMinExamples.val), loss: 'focal', posWeight: '', crossValidation: '', workers: '', allowTestSeenByBase: false } as const;

/** The engine's default worker count for a training loop on this computer (the contract's rule: the app keeps one core). */
export function defaultWorkers(batchSize: number, cores: number = globalThis.navigator?.hardwareConcurrency ?? 2): number {
  return defaultTrainingWorkers(cores, batchSize);
}

/** The form's batch size as the engine will read it: its default where the field is empty or not a whole number yet. */
export function batchSizeOf(form: Pick<FinetuneForm, 'batchSize'>): number {
  const n = wholeNumberOf(form.batchSize);
  return n !== null && n >= 1 ? n : Number(settingDefaults.batchSize);
}

const namePattern = /^[\w .-]+$/;

function integer(text: string, min: number, max: number): number | string {
  const n = wholeNumberOf(text);
  if (n === null) return 'a whole number';
  return n < min || n > max ? `between ${min} and ${max}` : n;
}

function rate(text: string): number | string {
  const n = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(n)) return 'a number such as 0.0002';
  return n <= 0 || n > 1 ? 'greater than 0 and at most 1' : n;
}

/** The contract's own rule, so the form refuses exactly what the engine would. */
export const isAbsolutePath = isAbsoluteEnginePath;

function pathError(what: string, text: string): string | undefined {
  if (text.trim() === '') return `${what} is required`;
  return isAbsolutePath(text) ? undefined : `${what} must be an absolute path on the computer running the engine (e.g. /data/ecg or C:\\ECG)`;
}

/** Every problem of the form, by field; empty when a job may start (given a clean dataset check). */
export function validateForm(form: FinetuneForm, existingNames: readonly string[]): FieldErrors {
  const errors: FieldErrors = {};
  if (!form.baseModelId) errors.baseModelId = 'choose the model to start from';
  const root = pathError('The data folder', form.dataRoot);
  if (root) errors.dataRoot = root;
  const labels = pathError('The labels CSV', form.labels);
  if (labels) errors.labels = labels;
  if (!namePattern.test(form.name.trim())) errors.name = 'a name of letters, digits, spaces, dots, dashes or underscores';
  else if (existingNames.includes(form.name.trim())) errors.name = `a model named '${form.name.trim()}' already exists`;
  const checks = {
    epochs: integer(form.epochs, 1, 1000),
    batchSize: integer(form.batchSize, 1, 4096),
    patience: integer(form.patience, 0, 1000),
    learningRate: rate(form.learningRate),
    minTrain: integer(form.minTrain, 1, 1_000_000),
    minVal: integer(form.minVal, 1, 1_000_000),
  };
  for (const [field, result] of Object.entries(checks)) if (typeof result === 'string') errors[field as keyof typeof checks] = `must be ${result}`;
  const weights = posWeightsOf(form.posWeight);
  if (typeof weights === 'string') errors.posWeight = weights;
  else if (weights && form.loss !== 'bce') errors.posWeight = 'positive-class weights apply to the BCE loss only';
  if (form.crossValidation.trim() !== '') {
    const folds = integer(form.crossValidation, 3, 20);
    if (typeof folds === 'string') errors.crossValidation = `must be ${folds} (or empty for none)`;
  }
  const workers = form.workers.trim() === '' ? 1 : integer(form.workers, 1, 64);
  if (typeof workers === 'string') errors.workers = `must be ${workers} (or empty for the default)`;
  return errors;
}

/** "3" or "2, 4" → numbers; undefined when empty; a message when not positive numbers. */
export function posWeightsOf(text: string): number[] | undefined | string {
  if (text.trim() === '') return undefined;
  const weights = text.split(',').map((part) => Number(part.trim()));
  return weights.every((w) => Number.isFinite(w) && w > 0 && w <= 1000) ? weights : 'must be positive numbers separated by commas, one per class';
}

/** The dataset part of the request, as datasets:inspect and train:finetune take it. */
export function datasetOf(form: FinetuneForm): FinetuneRequest['dataset'] {
  const positiveClass = form.positiveClass.trim();
  return { kind: 'csv', root: form.dataRoot.trim(), labels: form.labels.trim(), ...(positiveClass ? { positiveClass } : {}) };
}

/**
 * The training the dataset check estimates the memory of: the base model, mode, batch size and
 * workers the job would get; undefined until a base is chosen (the batch as the engine would read it).
 */
export function memoryTrainingOf(form: FinetuneForm): RequestOf<'datasets:inspect'>['training'] {
  if (!form.baseModelId) return undefined;
  const workers = wholeNumberOf(form.workers);
  const given = workers !== null && workers >= 1 && workers <= 64;
  return { baseModelId: form.baseModelId, mode: form.mode, batchSize: Math.min(4096, batchSizeOf(form)), ...(given ? { workers } : {}) };
}

/** The minimums the dataset check and the job use (numbers of a valid form). */
export function minExamplesOf(form: FinetuneForm): { train: number; val: number } {
  return { train: Number(form.minTrain), val: Number(form.minVal) };
}

/** Below the engine's 10 / 3: an override the audit log and the model keep. */
export function isMinimumOverride(form: FinetuneForm): boolean {
  const { train, val } = minExamplesOf(form);
  return train < Number(settingDefaults.minTrain) || val < Number(settingDefaults.minVal);
}

/**
 * The form's one-job overrides of a safety refusal, off. Each is ticked after a refusal of one
 * job, on its base and dataset: kept, it would apply unseen (under a collapsed Advanced settings)
 * to the next job, on another base or dataset, that the user never decided on. So it is off once
 * the job it was given for starts (FinetuneJob.start) or once the base or dataset changes
 * (editedForm). The lowered minimum examples are not one of them: they stay flagged in plain view
 * beside the settings, and every dataset check applies them again.
 */
export const oneJobOverridesOff = { allowTestSeenByBase: false } as const satisfies Partial<FinetuneForm>;

/** What a one-job override was given for: the base and the dataset, as the engine would read them. */
function overrideScopeOf(form: FinetuneForm): string {
  return JSON.stringify([form.baseModelId, datasetOf(form)]);
}

/** The form after `edit`: where the edit changes the base or the dataset, its one-job overrides are off. */
export function editedForm(form: FinetuneForm, edit: Partial<FinetuneForm>): FinetuneForm {
  const next = { ...form, ...edit };
  return overrideScopeOf(next) === overrideScopeOf(form) ? next : { ...next, ...oneJobOverridesOff };
}

/** The train:finetune request of a valid form. */
export function requestOf(form: FinetuneForm): FinetuneRequest {
  return {
    baseModelId: form.baseModelId,
    dataset: datasetOf(form),
    mode: form.mode,
    name: form.name.trim(),
    settings: {
      epochs: Number(form.epochs),
      batchSize: Number(form.batchSize),
      learningRate: Number(form.learningRate),
      patience: Number(form.patience),
      minExamples: minExamplesOf(form),
      ...(form.loss === 'bce' ? { loss: 'bce' as const } : {}),
      ...advancedWeights(form),
    },
    ...(form.crossValidation.trim() !== '' ? { crossValidation: Number(form.crossValidation) } : {}),
    ...(form.workers.trim() === '' ? {} : { workers: Number(form.workers) }),
    ...(form.allowTestSeenByBase ? { allowTestSeenByBase: true } : {}),
  };
}

function advancedWeights(form: FinetuneForm): { posWeight?: number[] } {
  const weights = posWeightsOf(form.posWeight);
  return Array.isArray(weights) && form.loss === 'bce' ? { posWeight: weights } : {};
}

/** A default model name that is valid and not taken: "<base> fine-tuned 2026-11-25 14.02" (then " 2", " 3" …). */
export function defaultName(baseName: string, taken: readonly string[] = [], at: number = Date.now()): string {
  const now = new Date(at);
  const stamp = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')} ${String(now.getHours()).padStart(2, '0')}.${String(now.getMinutes()).padStart(2, '0')}`;
  const name = `${baseName.replace(/[^\w .-]/g, '_').slice(0, 80)} fine-tuned ${stamp}`;
  let n = 1;
  while (taken.includes(n === 1 ? name : `${name} ${n}`)) n += 1;
  return n === 1 ? name : `${name} ${n}`;
}
