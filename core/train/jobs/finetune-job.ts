import path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { DatasetSpec } from '../../data/load';
import { EinthovenError } from '../../errors';
import type { BackendName } from '../../ml/backend/init';
import { makeLoss } from '../../ml/loss/losses';
import { resolveTrainingWorkers, resolveWorkers } from '../../parallel/worker-count';
import { withInferencePool } from '../../parallel/inference';
import { buildModel } from '../../ml/models/registry';
import { createRng } from '../../signal/rng';
import { checkPosWeight, trainConfigSchema, type TrainConfig, type TrainConfigInput } from '../config';
import { recordTrainingData, type TrainingData } from '../data-source';
import { augmentChoiceOf, withAugmentation } from '../augmentation';
import { copyTrunkWeights } from '../finalize';
import { buildHead, cachedFeatureData, installHead, outputLayer, trunkOf } from '../head';
import { adamWGroup, trainableVariables, trainLoop, type TrainLoopResult } from '../loop';
import { loadPackage } from '../package/archive';
import { intendedInputOf, type ModelManifest } from '../package/manifest';
import type { JobContext } from '../progress';
import { announceMemory, checkTrainingMemory } from '../memory-estimate';
import { ensureBackend, fingerprint } from '../setup';
import { withSeededRandom, type ParamGroup } from '../step';
import { assertTestRows, assertTestRowsInScope, checkTestAgainstBase, closingEvaluation, type AllowAllSeen } from './finetune-closing';
import { calibrateAndPackage, packageName, requireCompletedEpoch, statedIntendedInput } from './package-trained';
import { isEnsemblePackage } from '../ensemble/package';
import { refuseFusionAsPlainModel } from '../pe/fusion';
import { datasetSha256, evalOptionsOf, hashedRows, prepareTraining, type PreparedData } from './prepare';
import { hashRows, sameSplitCopies, sameSplitWarning, type HashedRow } from '../duplicates';
import { requireNewOutput } from '../../storage/new-output';
import { JudgedRecords } from '../judged-records';
import { baseTrainingRecordsFrom } from '../base-records';
import type { FolderRecords, RateCopySearch } from '../rate-copy-search';
import type { SignalStore } from '../../data/store';
import { itemsOf, type Dataset } from '../../data/types';
import { keptSeconds, readScope } from '../evaluation-scope';
import { withValidatedDuration } from '../scope';
import { validationRule } from './validation-scope';

/**
 * The fine-tuning's configuration: the base model's learning rate and inference mode (centre
 * crop or sliding windows, with its stride and aggregate) unless the caller sets them, so a
 * fine-tuned model reads records as its base did unless chosen otherwise.
 */
export function finetuneConfig(base: ModelManifest, train: TrainConfigInput | undefined): TrainConfig {
  const baseRate = Number(base.hyperParameters.learningRate);
  const { mode, stride, aggregate } = base.inference;
  return trainConfigSchema.parse({
    ...(Number.isFinite(baseRate) ? { learningRate: baseRate } : {}),
    evaluation: { mode, aggregate, ...(stride ? { stride } : {}) },
    ...train,
  });
}

/** `head`: new output layer on a frozen trunk; `full`: every weight, the trunk at a lower rate; `scratch`: same architecture, random start (the baseline). */
export const finetuneModes = ['head', 'full', 'scratch'] as const;
export type FinetuneMode = (typeof finetuneModes)[number];

/**
 * The paper's finding (§8): a new head alone transferred best for ResNet18 and the CRNNs (and so
 * the other convolutional models), all weights for the attention models.
 */
export function defaultFinetuneMode(architecture: string): Exclude<FinetuneMode, 'scratch'> {
  return ['attresnet', 'transformer', 'restransformer'].includes(architecture) ? 'full' : 'head';
}

export interface FinetuneJobOptions {
  /** Model package (folder or single file) to start from. */
  readonly base: string;
  readonly dataset: DatasetSpec;
  readonly mode?: FinetuneMode;
  readonly out: string;
  readonly train?: TrainConfigInput;
  /** head mode: random training crops per record whose trunk features are cached. */
  readonly featureCrops?: number;
  readonly checkpointDir?: string;
  readonly cacheDir?: string;
  readonly backend?: BackendName;
  /** Data-parallel worker threads for full/scratch fine-tuning and head-mode feature caching (default: cores − 1). */
  readonly workers?: number;
  /** Train even when the memory estimate says the job does not fit this workstation (`--force-memory`). */
  readonly forceMemory?: boolean;
  /**
   * Train even when every test row is among the base's training and validation records
   * (`--allow-test-seen-by-base`): its closing figures are then kept as no locked test, with a warning.
   */
  readonly allowTestSeenByBase?: boolean;
  /**
   * How the caller's user asks for allowTestSeenByBase, as the refusal names it ("ecg finetune
   * --allow-test-seen-by-base", the app's checkbox): an app user cannot give a CLI flag. Absent:
   * named generically.
   */
  readonly allowTestSeenControl?: string;
  readonly name?: string;
  readonly description?: string;
  /** The verdicts on the records reached before this fine-tuning by the job it is part of (a cross-validation's), given again where they stand. */
  readonly judged?: JudgedRecords;
  /** The data folder's records read by the searches for copies at other rates of the job it is part of (a cross-validation's earlier folds), given again where unchanged. */
  readonly folderRecords?: FolderRecords;
  /**
   * The search of the data folder for copies at other rates that the cross-validation it is a fold
   * of made once, of every record taking part (its held-out and validation rows among them): its
   * closing evaluation reads it rather than searching again. Only for a fold's dataset, which
   * lists the records that search left out of the folder's.
   */
  readonly rateCopies?: RateCopySearch;
  /**
   * The records the job it is part of decoded once (a cross-validation's participating records,
   * under the base's stages before the crop): its training, validation and test rows are read from
   * there, nothing decoded again.
   */
  readonly decoded?: SignalStore;
}

export interface FinetuneJobResult {
  readonly out: string;
  readonly mode: FinetuneMode;
  readonly manifest: ModelManifest;
  readonly bestEpoch: number;
  readonly epochs: number;
  readonly cancelled: boolean;
  readonly secondsTotal: number;
  readonly featureSeconds: number;
}

/** Head mode: train a fresh Dense on cached trunk features, then install it in the model. */
async function trainHead(model: tf.LayersModel, prepared: PreparedData, config: TrainConfig, options: FinetuneJobOptions, context: JobContext, jobKey: string) {
  const evaluation = evalOptionsOf(config, model.inputs[0]?.shape[1] ?? 1);
  const started = performance.now();
  context.onProgress?.({ kind: 'phase', phase: 'features', message: `trunk features of ${prepared.train.ids.length} + ${prepared.val.ids.length} records, computed once` });
  const trunk = trunkOf(model);
  const data = await withInferencePool(resolveWorkers(options.workers), (pool) =>
    cachedFeatureData(trunk, prepared.store, prepared.train, prepared.val, evaluation, options.featureCrops ?? 8, config.seed, pool),
  );
  const featureSeconds = (performance.now() - started) / 1000;
  const head = withSeededRandom(createRng(config.seed), () => buildHead(data.featureCount, prepared.dataset.classes.length));
  try {
    const groups = [adamWGroup(trainableVariables(head), config.learningRate, config.weightDecay, 'head')];
    const result = await runLoop(head, data, config, groups, options.checkpointDir, jobKey, context);
    installHead(model, head);
    return { result, featureSeconds };
  } finally {
    head.dispose();
  }
}

function runLoop(model: tf.LayersModel, data: TrainingData, config: TrainConfig, groups: ParamGroup[], checkpointDir: string | undefined, jobKey: string, context: JobContext, workers = 1): Promise<TrainLoopResult> {
  checkPosWeight(config, data.trainLabels[0]?.length ?? 0);
  const loss = makeLoss(config.loss, config.posWeight ? { posWeight: config.posWeight } : {});
  const lossSpec = { name: config.loss, ...(config.posWeight ? { posWeight: config.posWeight } : {}) };
  return trainLoop({ model, data, config, loss, lossSpec, groups, jobKey, workers, ...(checkpointDir ? { checkpointDir } : {}) }, context);
}

/** Full / scratch: train every weight on records; in `full` the trunk learns at trunkLrFactor × the rate. */
function parameterGroups(model: tf.LayersModel, config: TrainConfig, mode: FinetuneMode): ParamGroup[] {
  if (mode === 'scratch') return [adamWGroup(trainableVariables(model), config.learningRate, config.weightDecay)];
  const headNames = new Set(outputLayer(model).trainableWeights.map((w) => (w.read() as tf.Variable).name));
  const variables = trainableVariables(model);
  return [
    adamWGroup(variables.filter((v) => !headNames.has(v.name)), config.learningRate * config.trunkLrFactor, config.weightDecay, 'trunk'),
    adamWGroup(variables.filter((v) => headNames.has(v.name)), config.learningRate, config.weightDecay, 'head'),
  ];
}

/**
 * A locked test row holding a training or validation recording under another name (a copy with a
 * new patient ID) scored the model on what it learned. The test rows are decoded once here to hash
 * them, before any training, so such a dataset is refused before the hours it would take.
 */
async function refuseTestCopies(prepared: PreparedData, context: JobContext): Promise<{ prepared: PreparedData; test: HashedRow[] }> {
  const { items } = prepared.dataset;
  const testRows = items.filter((i) => i.split === 'test');
  // A cross-validation's fold store holds its test rows too (decoded once for the job, and hashed then): read from it.
  const test = prepared.store.readEvery(testRows) ? hashedRows(prepared.store, testRows) : await hashRows(testRows, context.signal);
  // Copies within train and validation were reported by prepareTraining; here only those a test row is part of
  // (by content hash, or the same ECG at another sampling rate).
  const seen = hashedRows(prepared.store, items.filter((i) => i.split !== 'test'));
  const copies = sameSplitCopies([...seen, ...test], 'test');
  const warning = sameSplitWarning(copies);
  if (warning) context.onProgress?.({ kind: 'phase', phase: 'loading', message: warning });
  // Copies within the test split weigh twice in the closing figures: kept in the package's provenance with the others.
  return { prepared: { ...prepared, duplicates: [...prepared.duplicates, ...copies], duplicatesChecked: [...prepared.duplicatesChecked, 'test'] }, test };
}

/** Whether the fine-tuning goes ahead where its base saw every test record, and the control its refusal names. */
function allowAllSeenOf(options: Pick<FinetuneJobOptions, 'allowTestSeenByBase' | 'allowTestSeenControl'>): AllowAllSeen {
  return { allow: options.allowTestSeenByBase === true, ...(options.allowTestSeenControl ? { control: options.allowTestSeenControl } : {}) };
}

/**
 * The refusals of its test split that a fine-tuning (`options`) makes before training, made
 * before the folds of the cross-validation it follows in the same request (the app's
 * "Cross-validate first"), where they came only after every fold had trained: no locked test rows
 * (assertTestRows), none within the intended input it will state, and every one seen by its base
 * (checkTestAgainstBase). The same test rows are checked: those within the intended input the
 * fine-tuning will state, whose minimum duration its validation rows within the rest of it set (as
 * fold-scope.ts measures a fold's), read from their files, and hashed (from `decoded` where it
 * holds them, else decoded here). Only refused here: the warning and the note the check gives
 * otherwise are said once, by the fine-tuning as it starts. No check of the base where the
 * fine-tuning makes none (--paper-exact).
 */
export async function refuseTestSplitBeforeFolds(options: Pick<FinetuneJobOptions, 'name' | 'out' | 'train' | 'allowTestSeenByBase' | 'allowTestSeenControl'>, dataset: Dataset, manifest: ModelManifest, signal: AbortSignal | undefined, judged: JudgedRecords, decoded?: SignalStore): Promise<void> {
  // As finetuneJob, before its --paper-exact check: a fine-tuning with no test rows is refused whatever its protocol.
  assertTestRows(dataset);
  const test = itemsOf(dataset, 'test');
  if (finetuneConfig(manifest, options.train).paperExact) return;
  const intended = intendedInputOf(manifest);
  const validation = await readScope([validationRule(intended, manifest.preprocessing)], itemsOf(dataset, 'val'), signal, judged);
  const stated = withValidatedDuration(intended, manifest.preprocessing, keptSeconds(validation));
  const inScope = await assertTestRowsInScope(dataset, { name: packageName(options), intendedInput: stated }, signal, judged);
  const checked = test.filter((i) => inScope.has(i.id));
  // Where the cross-validation decoded the test rows with its own (for the fine-tuning that follows), their hashes are read from there.
  const rows = decoded?.readEvery(checked) ? hashedRows(decoded, checked) : await hashRows(checked, signal);
  checkTestAgainstBase({ manifest }, dataset, rows, signal ? { signal } : {}, allowAllSeenOf(options));
}

/**
 * --paper-exact selects on the test rows, as the paper's code does (its PE-HSM validation is its
 * test CSV): evaluating them again afterwards printed the same figures as a "locked test".
 */
export const paperExactNoTest = 'no locked-test evaluation: --paper-exact chose the epoch on the test rows (the paper code\'s protocol), so their figures are the validation\'s, optimistic; compare with the base model by ecg evaluate --compare on rows neither model saw';

/** An ensemble has no single network to start from (it failed as 'model.json missing'). */
async function refuseEnsembleBase(location: string): Promise<void> {
  if (await isEnsemblePackage(location)) {
    throw new EinthovenError('E_VALIDATION', `${location} is an ensemble, which has no single network to fine-tune: fine-tune one of its members (${path.join(location, 'members', '01')}, …), then build the ensemble again with ecg ensemble`);
  }
}

/**
 * Transfer learning (issue 6 item 4): starts from a package, replaces its output layer for the
 * dataset's classes (e.g. one PE output) and trains in the chosen mode, selecting on validation.
 * The base package's preprocessing (fitted statistics included) is kept unchanged.
 */
export async function finetuneJob(options: FinetuneJobOptions, context: JobContext = {}): Promise<FinetuneJobResult> {
  // A run with a checkpoint may be the same command again, resuming: its own package is written again.
  if (!options.checkpointDir) requireNewOutput(options.out, 'a fine-tuned model package');
  const backend = await ensureBackend(options.backend);
  await refuseEnsembleBase(options.base);
  const base = await loadPackage(options.base);
  const started = performance.now();
  const architecture = base.manifest.architecture.name;
  const mode = options.mode ?? defaultFinetuneMode(architecture);
  const config = finetuneConfig(base.manifest, options.train);
  // Its test rows are judged against the package's intended input before training and again in its closing evaluation.
  const judged = options.judged ?? new JudgedRecords();
  let prepared: PreparedData;
  let model: tf.LayersModel;
  try {
    // A fusion package's network is its base model's: fine-tuned from here, the new model would claim to come from the fusion.
    refuseFusionAsPlainModel(base.manifest);
    // The base's preprocessing (fitted statistics included), with the augmentation chosen here (none unless asked).
    // Validation held to the base's intended input, which the fine-tuned package keeps (prepare.ts).
    prepared = await prepareTraining(options.dataset, withAugmentation(base.manifest.preprocessing, config.augment ?? 'none'), config, context, options.cacheDir, true, resolveWorkers(options.workers), { intended: intendedInputOf(base.manifest), modelName: packageName(options), judged }, options.decoded);
    // Once the training records are known (a step holds no more rows than there are), as the form's dataset check
    // estimates it before Start; the base model is the same network but for its output layer's classes (a few hundred bytes).
    const workers = mode === 'head' ? resolveWorkers(options.workers) : resolveTrainingWorkers(options.workers, config.batchSize);
    announceMemory(checkTrainingMemory({ model: base.model, batchSize: config.batchSize, trainRecords: prepared.train.ids.length, workers, mode, backend: backend.active }), options.forceMemory, context);
    const numClasses = prepared.dataset.classes.length;
    model = withSeededRandom(createRng(config.seed), () => buildModel(architecture, { ...base.manifest.architecture.buildOptions, numClasses }));
    if (mode !== 'scratch' && copyTrunkWeights(base.model, model) === 0) {
      model.dispose();
      throw new EinthovenError('E_MODEL', `${options.base}: no trunk weights could be copied`);
    }
    assertTestRows(prepared.dataset);
    // Not after a --paper-exact run, which makes no closing evaluation.
    const inScope = config.paperExact ? null : await assertTestRowsInScope(prepared.dataset, { name: packageName(options), intendedInput: statedIntendedInput(prepared, intendedInputOf(base.manifest)) }, context.signal, judged);
    const copiesChecked = await refuseTestCopies(prepared, context);
    prepared = copiesChecked.prepared;
    // What the closing evaluation would find of the base's records among the test rows, found before training, not after it.
    if (inScope) checkTestAgainstBase(base, prepared.dataset, copiesChecked.test.filter((r) => inScope.has(r.id)), context, allowAllSeenOf(options));
  } catch (error) {
    base.model.dispose();
    throw error;
  }
  const { dataset } = prepared;
  const buildOptions = { ...base.manifest.architecture.buildOptions, numClasses: dataset.classes.length };
  try {
    const jobKey = fingerprint({ base: base.manifest.id, mode, d: datasetSha256(dataset), config });
    const evaluation = evalOptionsOf(config, buildOptions.inputLength ?? 1);
    context.onProgress?.({ kind: 'phase', phase: 'training', message: `${mode} fine-tuning of ${base.manifest.name} on ${prepared.train.ids.length} records (${backend.active})` });
    const { result, featureSeconds } =
      mode === 'head'
        ? await trainHead(model, prepared, config, options, context, jobKey)
        : { result: await runLoop(model, recordTrainingData(prepared.store, prepared.train, prepared.val, evaluation), config, parameterGroups(model, config, mode), options.checkpointDir, jobKey, context, resolveTrainingWorkers(options.workers, config.batchSize)), featureSeconds: 0 };
    requireCompletedEpoch(result);
    if (config.paperExact) context.onProgress?.({ kind: 'phase', phase: 'evaluating', message: paperExactNoTest });
    const { manifest } = await calibrateAndPackage({
      out: options.out,
      model,
      prepared,
      config,
      evaluation,
      architecture,
      buildOptions,
      result,
      backend: backend.active,
      workers: resolveWorkers(options.workers),
      name: options.name,
      description: options.description ?? `${mode} fine-tuning of ${base.manifest.name}`,
      demonstration: base.manifest.demonstration,
      hyperParameters: { ...config, augment: augmentChoiceOf(prepared.pipeline), finetuneMode: mode, featureCrops: mode === 'head' ? (options.featureCrops ?? 8) : null },
      base: { id: base.manifest.id, name: base.manifest.name, mode, inference: base.manifest.inference },
      // The network learned its base's records (and its base's bases'), unless it started from random weights.
      ...(mode === 'scratch' ? {} : { baseTrainingRecords: baseTrainingRecordsFrom(base.manifest) }),
      intendedInput: intendedInputOf(base.manifest),
      // A cancelled run keeps its best model without a test evaluation (it says so); a finished one always gets it,
      // unless it chose its epoch on those very rows (--paper-exact): then there is no locked test to evaluate.
      ...(result.cancelled || config.paperExact ? {} : { closing: closingEvaluation({ base, model, prepared, config, evaluation, context, judged, ...(options.folderRecords ? { folder: options.folderRecords } : {}), ...(options.rateCopies ? { copies: options.rateCopies } : {}) }) }),
    });
    const secondsTotal = (performance.now() - started) / 1000;
    return { out: options.out, mode, manifest, bestEpoch: result.bestEpoch, epochs: result.history.length, cancelled: result.cancelled, secondsTotal, featureSeconds };
  } finally {
    model.dispose();
    base.model.dispose();
  }
}
