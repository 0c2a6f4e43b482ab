import { createHash } from 'node:crypto';
import { EinthovenError } from '../../errors';
import { crossValidationPlan, foldDataset } from '../cv';
import { loadDataset, type DatasetSpec } from '../../data/load';
import { decodedView, type SignalStore } from '../../data/store';
import { itemsOf, leftOutText, type Dataset, type DatasetItem, type Split } from '../../data/types';
import type { PipelineConfig } from '../../signal/pipeline-config';
import type { TrainConfig } from '../config';
import type { EvalOptions, evalModes } from '../predict';

type EvalModeName = (typeof evalModes)[number];
import { sameSplitCopies, sameSplitWarning, type DuplicateGroup, type HashedRow } from '../duplicates';
import { assertLearnable, minimumOverride } from '../learnability';
import type { JobContext } from '../progress';
import { loadStore, selectionItems, usable } from '../setup';
import { defaultIntendedInput, type IntendedInput } from '../scope';
import type { JudgedRecords } from '../judged-records';
import { inScopeValidation, validationOutOfScope, type ValidationLeftOut } from './validation-scope';

/** Records of one split that decoded, side by side with their labels. */
export interface LabelledIds {
  readonly ids: string[];
  readonly labels: number[][];
}

/** A dataset ready for training: decoded and filtered once, split into train and validation. */
export interface PreparedData {
  readonly dataset: Dataset;
  readonly store: SignalStore;
  readonly train: LabelledIds;
  readonly val: LabelledIds;
  /** The pipeline with any training-set statistics (standardisation) fitted. */
  readonly pipeline: PipelineConfig;
  /** Recordings listed in more than one row of one split (kept, weighing twice): recorded in the package's provenance. */
  readonly duplicates: readonly DuplicateGroup[];
  /** The splits whose rows were compared for them: the package records the check, copies found or not. */
  readonly duplicatesChecked: readonly Split[];
  /**
   * Validation rows left out as outside the model's intended input (validation-scope.ts), kept in
   * the package's provenance, worded there with its name; absent where validation was not held to
   * it (--paper-exact).
   */
  readonly valLeftOut?: ValidationLeftOut;
}

/** SHA-256 of a dataset's index (classes, then id, split and labels of every item): what the model saw. */
export function datasetSha256(dataset: Dataset): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(dataset.classes));
  for (const item of dataset.items) hash.update(`\n${JSON.stringify([item.id, item.split, item.labels])}`);
  return hash.digest('hex');
}

/**
 * SHA-256 over what a PE fusion saw (id, split, labels and score items of every row): a fusion
 * package's provenance.dataset digest, as its score items are inputs and change what it was fitted on.
 */
export function fusionDatasetSha256(items: readonly DatasetItem[]): string {
  const hash = createHash('sha256');
  for (const item of items) hash.update(`${JSON.stringify([item.id, item.split, item.labels, item.peScores?.items ?? null])}\n`);
  return hash.digest('hex');
}

/** PTB-XL's own rate folder matching a pipeline's resample stage (records100 for 100 Hz). */
export function ptbxlRateFor(pipeline: PipelineConfig): 100 | 500 {
  const stage = pipeline.stages.find((s) => s.kind === 'resample');
  return stage?.kind === 'resample' && stage.targetHz <= 100 ? 100 : 500;
}

/** Indexes a dataset for a pipeline (PTB-XL at the pipeline's rate; unlabeled records kept only by `paperExact`). */
export async function indexDataset(spec: DatasetSpec, pipeline: PipelineConfig, paperExact: boolean): Promise<Dataset> {
  const dataset = await loadDataset({
    ...spec,
    ...(spec.kind === 'ptbxl' && !spec.fs ? { fs: ptbxlRateFor(pipeline) } : {}),
    keepUnlabeled: spec.keepUnlabeled ?? paperExact,
  });
  if (!spec.cvFold) return dataset;
  const { k, fold, seed, copies } = spec.cvFold;
  if (!Number.isInteger(fold) || fold < 1 || fold > k) throw new EinthovenError('E_VALIDATION', `cross-validation fold ${fold} is not 1..${k}`);
  return foldDataset(dataset, crossValidationPlan(dataset, k, seed, copies), fold);
}

/**
 * Whose intended input validation is held to: the package's (default: the pipeline's), and its
 * name where known, for the note; `judged`: the verdicts the job reached on its records before.
 */
export interface ValidationScopeOf {
  readonly intended?: IntendedInput;
  readonly modelName?: string;
  readonly judged?: JudgedRecords;
}

/**
 * Indexes the dataset, decodes train + validation records once (the test split is never
 * loaded), and fits training-set statistics. `paperExact` validates on the test split, as the
 * paper's code does. Validation keeps only the rows within `scope.intended` (the package's
 * intended input; default: the pipeline's), as `ecg predict` would give them a number
 * (validation-scope.ts). `decoded`: the records the job it is part of decoded already (a
 * cross-validation's), read from there where it holds them all, nothing decoded again.
 */
export async function prepareTraining(spec: DatasetSpec, pipeline: PipelineConfig, config: TrainConfig, context: JobContext, cacheDir?: string, inMemory = true, workers = 1, scope: ValidationScopeOf = {}, decoded?: SignalStore): Promise<PreparedData> {
  const dataset = await indexDataset(spec, pipeline, config.paperExact);
  const { train, val } = selectionItems(dataset, config.paperExact);
  // Checked on the index first (no record decoded for a dataset that cannot train), then on what decoded.
  const check = (t: readonly { labels: readonly number[] }[], v: readonly { labels: readonly number[] }[]) =>
    assertLearnable(dataset.name, dataset.classes, { train: t.map((i) => i.labels), val: v.map((i) => i.labels) }, config.minExamples);
  check(train, val);
  const override = minimumOverride(config.minExamples);
  if (override) context.onProgress?.({ kind: 'phase', phase: 'loading', message: override });
  // A labels CSV naming a file that is not there trained on the rest without a word.
  const leftOut = leftOutText(dataset.dropped);
  if (leftOut) context.onProgress?.({ kind: 'phase', phase: 'loading', message: leftOut });
  // Before any record is decoded for training: a validation split the model is not for is refused here.
  const scoped = await validationInScope(dataset.name, { intended: scope.intended ?? defaultIntendedInput(pipeline), modelName: scope.modelName, judged: scope.judged }, pipeline, val, config.paperExact, context);
  // Every validation row is decoded (and hashed) all the same: a copy of a training record is refused, in scope or not.
  const store = decodedView(decoded, [...train, ...val], pipeline) ?? (await loadStore([...train, ...val], pipeline, context, cacheDir, inMemory, workers));
  const trainSet = usable(train, store);
  const valSet = usable(scoped.items, store);
  check(trainSet.labels.map((labels) => ({ labels })), valSet.labels.map((labels) => ({ labels })));
  // The store hashed and profiled every record as it decoded it: a copy across train and validation
  // (the same file, or the same ECG at another rate) is refused here, without decoding anything again.
  const duplicates = sameSplitCopies(hashedRows(store, [...train, ...val]));
  const warning = sameSplitWarning(duplicates);
  if (warning) context.onProgress?.({ kind: 'phase', phase: 'loading', message: warning });
  return { dataset, store, train: trainSet, val: valSet, pipeline: store.fitStandardisation(trainSet.ids), duplicates, duplicatesChecked: ['train', 'val'], ...(scoped.leftOut ? { valLeftOut: scoped.leftOut } : {}) };
}

/**
 * The validation rows the epoch and operating point are chosen on: those within the intended
 * input, said in the progress when any is left out. --paper-exact keeps every one, since it
 * reproduces the paper code, which selects on its whole test split.
 */
async function validationInScope(name: string, scope: { intended: IntendedInput; modelName: string | undefined; judged: JudgedRecords | undefined }, pipeline: PipelineConfig, val: readonly DatasetItem[], paperExact: boolean, context: JobContext): Promise<{ items: readonly DatasetItem[]; leftOut?: ValidationLeftOut }> {
  if (paperExact) return { items: val };
  const scoped = await inScopeValidation(name, scope.intended, pipeline, val, context.signal, scope.judged);
  if (scoped.leftOut.count > 0) context.onProgress?.({ kind: 'phase', phase: 'loading', message: `note: ${validationOutOfScope(scoped.leftOut, scope.modelName).note}` });
  return scoped;
}

/** The rows the store decoded, with their content hashes and profiles (the same ECG at another rate). */
export function hashedRows(store: SignalStore, items: readonly { id: string; split: Split }[]): HashedRow[] {
  return items.flatMap((i) => {
    const hash = store.contentHash(i.id);
    const profile = store.profile(i.id);
    return hash ? [{ id: i.id, split: i.split, hash, ...(profile ? { profile } : {}) }] : [];
  });
}

/** Split sizes for provenance. */
export function splitCounts(dataset: Dataset): Record<Split, number> {
  return { train: itemsOf(dataset, 'train').length, val: itemsOf(dataset, 'val').length, test: itemsOf(dataset, 'test').length };
}

/**
 * A human description of the split policy, for the manifest. A cross-validation fold's says its
 * test rows are the fold's held-out rows, where it once called them a locked test (or, on
 * PTB-XL, strat_fold 10).
 */
export function splitPolicy(dataset: Dataset, paperExact: boolean): string {
  if (dataset.cvFold) {
    const { k, fold } = dataset.cvFold;
    const training = k === 3 ? 'the other fold' : `the other ${k - 2} folds`;
    return `${dataset.name}: cross-validation fold ${fold} of ${k} held out, fold ${(fold % k) + 1} validation, ${training} training; selection and calibration on validation; the held-out fold is not a locked test split`;
  }
  const ptbxl = dataset.name.startsWith('ptbxl');
  // With paperExact the test split chose the epoch: no longer a locked test, and not called one.
  if (paperExact) return `${ptbxl ? 'PTB-XL strat_fold 1–8 train / 10 test' : `${dataset.name}: train / test`}; paperExact: selection on the test split, so no locked test (reproduction only)`;
  const base = ptbxl ? 'PTB-XL strat_fold 1–8 train / 9 validation / 10 test' : `${dataset.name}: train / validation / locked test`;
  return `${base}; selection and calibration on validation, test never read`;
}

/** The evaluation a training config asks for, with the stride defaulting to half a crop. */
export function evalOptionsOf(config: TrainConfig, inputLength: number): EvalOptions & { mode: EvalModeName; aggregate: 'mean' | 'max' } {
  return { mode: config.evaluation.mode, aggregate: config.evaluation.aggregate, stride: config.evaluation.stride ?? Math.max(1, Math.floor(inputLength / 2)) };
}

/**
 * Evaluation during training (validation each epoch, calibration). With `paperExact` on a
 * dataset other than PTB-XL this is the paper code's: random crops and augmentation (seeded),
 * as its CPSC and HSM loaders run with test=False. The package still predicts by `evalOptionsOf`.
 */
export function selectionEvalOptions(config: TrainConfig, inputLength: number, dataset: Dataset): EvalOptions {
  if (config.paperExact && !dataset.name.startsWith('ptbxl')) return { mode: 'random', seed: config.seed };
  return evalOptionsOf(config, inputLength);
}
