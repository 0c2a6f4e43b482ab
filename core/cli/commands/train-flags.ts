import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { datasetKinds, type DatasetKind, type DatasetSpec } from '../../data/load';
import { ptbxlTasks, type PtbxlTask } from '../../data/ptbxl';
import { EinthovenError } from '../../errors';
import { backendNames, type BackendName } from '../../ml/backend/init';
import { minRowsPerTrainingWorker } from '../../contract/training-schemas';
import { defaultWorkers, maxWorkers } from '../../parallel/worker-count';
import { normalisations, type Normalisation } from '../../signal/normalise';
import { augmentChoices } from '../../train/augmentation';
import type { TrainConfigInput } from '../../train/config';
import type { TrainProgress } from '../../train/progress';
import { checkedNumber, type NumberBounds } from '../args';
import type { CliIO } from '../command';
import { textColumn } from '../text-column';

/** Flags shared by train, hpo and finetune to describe a dataset. */
export const datasetFlags = {
  data: { type: 'string' },
  dataset: { type: 'string' },
  labels: { type: 'string' },
  'test-labels': { type: 'string' },
  mapping: { type: 'string' },
  task: { type: 'string' },
  fs: { type: 'string' },
  'keep-unlabeled': { type: 'boolean' },
  class: { type: 'string' },
} as const;

/** The backends --backend takes, for every command's help: one list, so a backend added is named everywhere. */
export const backendChoices = backendNames.join(' | ');

export const datasetUsage = `Dataset:
  --data DIR          dataset folder (required)
  --dataset KIND      ptbxl | cpsc | cinc | csv (default: detected from the folder)
  --labels CSV        csv: file,label[,patient_id][,split][,sex][,age][,PE score columns (README)] or PE-HSM
                      filename;label (files relative to DIR)
  --test-labels CSV   csv: a second labels file whose rows form the locked test split
  --class NAME        csv with 0/1 labels: the class name (default PE for filename;label, else positive)
  --mapping CSV       cinc: SNOMED mapping (SNOMEDCTCode,Abbreviation); default the CPSC 9 classes
  --task T            ptbxl: superclass | subclass | all (default superclass)
  --fs 100|500        ptbxl: which records folder (default: the model's rate)
  --keep-unlabeled    keep records without a label of the task (the paper's behaviour)`;

function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new EinthovenError('E_VALIDATION', `${flag} must be one of ${allowed.join(', ')}, got '${value}'`);
  return value as T;
}

/** An optional numeric flag ('--epochs'), checked by the CLI's one number check. */
export function numberFlag(value: string | undefined, flag: string, bounds: NumberBounds = {}): number | undefined {
  return value === undefined ? undefined : checkedNumber(flag.replace(/^--/, ''), value, bounds);
}

/** The dataset kind of a folder: PTB-XL, CPSC (REFERENCE.csv), a labels CSV, or CinC headers. */
export function detectDatasetKind(root: string, labels: string | undefined): DatasetKind {
  if (!existsSync(root)) throw new EinthovenError('E_NOT_FOUND', `${root}: no such folder`);
  if (labels) return 'csv';
  if (existsSync(path.join(root, 'ptbxl_database.csv'))) return 'ptbxl';
  if (existsSync(path.join(root, 'REFERENCE.csv'))) return 'cpsc';
  if (existsSync(root) && readdirSync(root).some((f) => f.endsWith('.hea'))) return 'cinc';
  throw new EinthovenError('E_VALIDATION', `${root}: cannot tell the dataset kind; pass --dataset ptbxl|cpsc|cinc|csv (and --labels for csv)`);
}

type DatasetValues = { [K in keyof typeof datasetFlags]?: (typeof datasetFlags)[K]['type'] extends 'boolean' ? boolean : string };

export function datasetSpecFrom(values: DatasetValues): DatasetSpec {
  if (!values.data) throw new EinthovenError('E_VALIDATION', '--data DIR is required');
  const root = path.resolve(values.data);
  const kind = values.dataset ? oneOf(values.dataset, datasetKinds, '--dataset') : detectDatasetKind(root, values.labels);
  const fs = numberFlag(values.fs, '--fs');
  if (fs !== undefined && fs !== 100 && fs !== 500) throw new EinthovenError('E_VALIDATION', `--fs must be 100 or 500, got '${values.fs}'`);
  return {
    kind,
    root,
    ...(values.task ? { task: oneOf<PtbxlTask>(values.task, ptbxlTasks, '--task') } : {}),
    ...(fs ? { fs } : {}),
    ...(values['keep-unlabeled'] ? { keepUnlabeled: true } : {}),
    ...(values.labels ? { labels: path.resolve(values.labels) } : {}),
    ...(values['test-labels'] ? { testLabels: path.resolve(values['test-labels']) } : {}),
    ...(values.mapping ? { mapping: path.resolve(values.mapping) } : {}),
    ...(values.class ? { positiveClass: values.class } : {}),
  };
}

/** Flags of the training configuration. */
export const trainFlags = {
  epochs: { type: 'string' },
  batch: { type: 'string' },
  lr: { type: 'string' },
  'weight-decay': { type: 'string' },
  loss: { type: 'string' },
  'pos-weight': { type: 'string' },
  schedule: { type: 'string' },
  patience: { type: 'string' },
  selection: { type: 'string' },
  thresholds: { type: 'string' },
  eval: { type: 'string' },
  stride: { type: 'string' },
  aggregate: { type: 'string' },
  seed: { type: 'string' },
  augment: { type: 'string' },
  'min-examples': { type: 'string' },
  'no-calibration': { type: 'boolean' },
  'paper-exact': { type: 'boolean' },
  backend: { type: 'string' },
  workers: { type: 'string' },
  checkpoint: { type: 'string' },
  cache: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
} as const;

export const trainUsage = `Training:
  --epochs N          epochs (default 50, the paper's)
  --batch N           batch size (default 64)
  --lr X              learning rate (default 2e-4; finetune: the base model's)
  --weight-decay X    AdamW decoupled weight decay (default 0.01)
  --loss focal|bce    sigmoid focal loss α 0.7 γ 2 (default) or BCE
  --pos-weight W,…    BCE only: weight of each class's positives, one per class in the dataset's
                      class order (e.g. the paper's PTB-XL example 2,4,2,1,2; a single number for a
                      one-output task)
  --schedule S        constant (default, the paper's) | onecycle
  --patience N        early stopping after N epochs without a better validation score (0 = off; default 10)
  --selection M       validation score that selects the epoch: f1Macro (default) | aucMacro | mapMacro | valLoss
  --thresholds T      per-class thresholds tuned on validation: f1 (default) | youden | fixed (0.5);
                      with f1 or youden, a class without discrimination on validation is never flagged
  --no-calibration    skip temperature scaling on validation
  --eval centre|windows  evaluation: the paper's centre crop (default) or sliding windows
  --stride N          windows: stride in samples (default half a crop)
  --aggregate mean|max   windows: how window outputs combine (default mean)
  --seed N            seed of crops, augmentation, dropout and initial weights (default 20)
  --augment none|paper  training-time augmentation, recorded in the manifest: none (random crops
                      only) or the paper's scheme; default paper for the paper's architectures,
                      none for xresnet1d (Strodthoff); finetune: none
  --min-examples T,V  fewest positives and negatives each class needs in training (T) and
                      validation (V) before training starts (default 10,3; down to 1,1 as an
                      override that is logged and kept in the manifest)
  --paper-exact       the paper's flawed protocol (selection on the test split, unlabeled records kept); reproduction only
  --backend B         ${backendChoices} (default: the best that starts)
  --workers N         data-parallel worker threads on wasm/cpu (default: cores − 1 = ${defaultWorkers()},
                      for the training loop at most one per ${minRowsPerTrainingWorker} rows of the batch);
                      a checkpoint resumes with any N
  --checkpoint DIR    checkpoint every epoch into DIR; an interrupted run resumes from it
  --cache DIR         cache decoded, filtered records on disk
  --json              print the result as JSON on stdout
  --quiet             no progress on stderr`;

type TrainValues = { [K in keyof typeof trainFlags]?: (typeof trainFlags)[K]['type'] extends 'boolean' ? boolean : string };

export function trainConfigFrom(values: TrainValues): TrainConfigInput {
  const n = (flag: keyof TrainValues, o: Parameters<typeof numberFlag>[2] = {}) => numberFlag(values[flag] as string | undefined, `--${flag}`, o);
  const config: Record<string, unknown> = {};
  const set = (key: string, value: unknown) => value !== undefined && (config[key] = value);
  set('epochs', n('epochs', { integer: true, min: 1, max: 1000 }));
  set('batchSize', n('batch', { integer: true, min: 1, max: 4096 }));
  set('learningRate', n('lr', { min: 1e-9, max: 1 }));
  set('weightDecay', n('weight-decay', { min: 0, max: 1 }));
  set('patience', n('patience', { integer: true, min: 0 }));
  set('seed', n('seed', { integer: true, min: 0 }));
  if (values.loss) set('loss', oneOf(values.loss, ['focal', 'bce'] as const, '--loss'));
  if (values['pos-weight'] !== undefined) set('posWeight', posWeightFrom(values['pos-weight']));
  if (values.schedule) set('schedule', oneOf(values.schedule, ['constant', 'onecycle'] as const, '--schedule'));
  if (values.selection) set('selection', oneOf(values.selection, ['f1Macro', 'aucMacro', 'mapMacro', 'valLoss'] as const, '--selection'));
  if (values.thresholds) set('thresholds', oneOf(values.thresholds, ['f1', 'youden', 'fixed'] as const, '--thresholds'));
  if (values.augment) set('augment', oneOf(values.augment, augmentChoices, '--augment'));
  if (values['min-examples'] !== undefined) set('minExamples', minExamplesFrom(values['min-examples']));
  if (values['no-calibration']) set('calibrate', false);
  if (values['paper-exact']) set('paperExact', true);
  if (values.eval || values.stride || values.aggregate) {
    config.evaluation = {
      mode: values.eval ? oneOf(values.eval, ['centre', 'windows'] as const, '--eval') : 'centre',
      ...(values.stride ? { stride: n('stride', { integer: true, min: 1 }) } : {}),
      aggregate: values.aggregate ? oneOf(values.aggregate, ['mean', 'max'] as const, '--aggregate') : 'mean',
    };
  }
  return config as TrainConfigInput;
}

/** `--min-examples 10,3` (or one number for both splits). */
function minExamplesFrom(text: string): { train: number; val: number } {
  const parts = text.split(',').map((p) => numberFlag(p.trim(), '--min-examples', { integer: true, min: 1, max: 1_000_000 }) as number);
  if (parts.length === 1) return { train: parts[0] as number, val: parts[0] as number };
  if (parts.length !== 2) throw new EinthovenError('E_VALIDATION', `--min-examples takes TRAIN,VAL (e.g. 10,3), got '${text}'`);
  return { train: parts[0] as number, val: parts[1] as number };
}

/** "2,4,2,1,2" → [2, 4, 2, 1, 2]: positive, finite weights. */
export function posWeightFrom(text: string): number[] {
  const weights = text.split(',').map((part) => Number(part.trim()));
  if (weights.length === 0 || weights.some((w) => !Number.isFinite(w) || w <= 0)) throw new EinthovenError('E_VALIDATION', `--pos-weight must be positive numbers separated by commas, got '${text}'`);
  return weights;
}

/** `--force-memory`: ecg train, finetune and hpo print a memory estimate first and refuse a job that does not fit (core/train/memory-estimate.ts). */
export const memoryFlags = { 'force-memory': { type: 'boolean' } } as const;

export const memoryUsage = `Memory: before it trains, the job prints its memory estimate (weights, gradients, AdamW moments
and activations per worker) against this computer's memory, and refuses with E_VALIDATION when
it does not fit (over the total memory, or over 4 GiB per worker on wasm): lower --batch or --workers.
  --force-memory      start it anyway`;

/** --workers N: 1..64; absent → the job's default (cores − 1). */
export function workersFrom(value: string | undefined): { workers?: number } {
  const workers = numberFlag(value, '--workers', { integer: true, min: 1, max: maxWorkers });
  return workers === undefined ? {} : { workers };
}

export function backendFrom(value: string | undefined): BackendName | undefined {
  return value === undefined ? undefined : oneOf(value, backendNames, '--backend');
}

export function normalisationFrom(value: string | undefined): Normalisation | undefined {
  return value === undefined ? undefined : oneOf(value, normalisations, '--norm');
}

/** Prints training progress on stderr, one line per epoch and every 10th step. */
export function progressPrinter(io: CliIO, quiet: boolean | undefined): (e: TrainProgress) => void {
  return (e) => {
    if (quiet) return;
    if (e.kind === 'phase') io.stderr(`[${e.phase}] ${textColumn(e.message)}`);
    else if (e.kind === 'epoch') {
      io.stderr(`epoch ${e.epoch}/${e.epochs}  loss ${e.trainLoss.toFixed(4)}  val loss ${e.valLoss.toFixed(4)}  F1 ${e.val.f1Macro.toFixed(3)}  AUC ${e.val.aucMacro.toFixed(3)}  MAP ${e.val.mapMacro.toFixed(3)}  ${e.samplesPerSecond.toFixed(1)} samples/s  ETA ${Math.round(e.etaSeconds)} s${e.improved ? '  *' : ''}`);
    } else if (e.step === e.steps || e.step % 10 === 0) io.stderr(`  step ${e.step}/${e.steps}  loss ${e.loss.toFixed(4)}  ${e.samplesPerSecond.toFixed(1)} samples/s  ETA ${Math.round(e.etaSeconds)} s`);
  };
}

/**
 * Copies of one Ctrl-C arrive this close together: the terminal sends SIGINT to the whole
 * foreground group (npm, its shell, node), and npm forwards its copy to the child as well; while a
 * training step holds the event loop, every copy is handled at the end of that step.
 */
export const sameInterruptMs = 1000;

/**
 * A cancel on Ctrl-C: the job stops at the next step and keeps its best model. Every SIGINT within
 * `sameInterruptMs` of the first is the same Ctrl-C (exiting on the second copy lost the model); one
 * later is the user's second Ctrl-C and quits at once.
 */
export function interruptSignal(io: CliIO): AbortSignal {
  const controller = new AbortController();
  let first: number | undefined;
  process.on('SIGINT', () => {
    if (first === undefined) {
      first = Date.now();
      io.stderr('interrupted: stopping after this step, keeping the best model so far (Ctrl-C again to quit now)');
      controller.abort();
    } else if (Date.now() - first > sameInterruptMs) process.exit(130);
  });
  return controller.signal;
}
