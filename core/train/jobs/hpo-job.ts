import { existsSync, statSync } from 'node:fs';
import type * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DatasetSpec } from '../../data/load';
import { EinthovenError } from '../../errors';
import { resolveTrainingWorkers, resolveWorkers } from '../../parallel/worker-count';
import type { BackendName } from '../../ml/backend/init';
import { makeLoss } from '../../ml/loss/losses';
import { architectureInfo, buildModel, type BuildOptions } from '../../ml/models/registry';
import type { Normalisation } from '../../signal/normalise';
import type { PipelineConfig } from '../../signal/pipeline-config';
import { createRng } from '../../signal/rng';
import { checkPosWeight, trainConfigSchema, type TrainConfig, type TrainConfigInput } from '../config';
import { recordTrainingData } from '../data-source';
import { paperSearchSpace, type Params, type SearchSpace } from '../hpo/space';
import { openStudy, resultsTable, saveStudy, type Study, type Trial } from '../hpo/study';
import { shouldPrune } from '../hpo/pruner';
import { sampleTpe } from '../hpo/tpe';
import { checkpointGeneration } from '../checkpoint';
import { adamWGroup, trainableVariables, trainLoop, type EpochRecord } from '../loop';
import type { ModelManifest } from '../package/manifest';
import { announceMemory, checkTrainingMemory } from '../memory-estimate';
import { augmentChoiceOf, defaultAugment, withAugmentation } from '../augmentation';
import { defaultPipeline, pipelineCrop } from '../pipelines';
import type { JobContext } from '../progress';
import { ensureBackend, fingerprint } from '../setup';
import { withSeededRandom } from '../step';
import { loadModelWeights } from '../weights-io';
import { calibrateAndPackage } from './package-trained';
import { datasetSha256, evalOptionsOf, prepareTraining, type PreparedData } from './prepare';
import { requireNewOutput } from '../../storage/new-output';
import { counted } from '../../contract/counted';

export interface HpoJobOptions {
  readonly dataset: DatasetSpec;
  readonly architecture: string;
  /** Folder of the study (study.json, one checkpoint folder per trial); rerunning resumes it. */
  readonly studyDir: string;
  /** Trials to finish in total (completed, pruned or failed), as Optuna's n_trials. */
  readonly trials: number;
  /** Base configuration; the search overrides the learning rate (and builds the RNN part). */
  readonly train?: TrainConfigInput;
  /** Stop starting new trials after this many seconds (Optuna's timeout). */
  readonly timeoutSeconds?: number;
  /** Package the best trial's model here at the end. */
  readonly out?: string;
  readonly seed?: number;
  /** Median pruning starts after this many epochs (Optuna's n_warmup_steps, default 0). */
  readonly pruneWarmupEpochs?: number;
  readonly backend?: BackendName;
  /** Data-parallel worker threads per trial (default: cores − 1). */
  readonly workers?: number;
  readonly cacheDir?: string;
  /** Search even when the memory estimate of its largest trial says it does not fit this workstation (`--force-memory`). */
  readonly forceMemory?: boolean;
}

export interface HpoJobResult {
  readonly study: Study;
  readonly best: Trial | undefined;
  readonly table: string;
  readonly cancelled: boolean;
  readonly manifest?: ModelManifest;
}

/** The trial's pipeline: the architecture's default with the searched per-lead normalisation. */
function trialPipeline(base: PipelineConfig, normalisation: Normalisation): PipelineConfig {
  return { ...base, stages: base.stages.map((s) => (s.kind === 'normalise' || s.kind === 'standardise' ? { kind: 'normalise' as const, method: normalisation } : s)) };
}

function rnnOf(params: Params): BuildOptions['rnn'] | undefined {
  if (!('rnnLayers' in params)) return undefined;
  return { layers: Number(params.rnnLayers), hidden: Number(params.rnnHidden), dropout: Number(params.rnnDropout), bidirectional: params.bidirectional === true };
}

interface TrialSetup {
  readonly model: tf.LayersModel;
  readonly config: TrainConfig;
  readonly prepared: PreparedData;
  readonly buildOptions: BuildOptions;
}

function setUpTrial(options: HpoJobOptions, base: TrainConfig, shared: PreparedData, basePipeline: PipelineConfig, params: Params): TrialSetup {
  const pipeline = trialPipeline(basePipeline, params.normalisation as Normalisation);
  const prepared: PreparedData = { ...shared, store: shared.store.withPipeline(pipeline), pipeline };
  const config: TrainConfig = { ...base, learningRate: Number(params.learningRate) };
  const buildOptions = trialBuildOptions(options.architecture, shared.dataset.classes.length, pipeline, params);
  const model = withSeededRandom(createRng(config.seed), () => buildModel(options.architecture, buildOptions));
  return { model, config, prepared, buildOptions };
}

function trialBuildOptions(architecture: string, numClasses: number, pipeline: PipelineConfig, params: Params): BuildOptions {
  const rnn = rnnOf(params);
  return { numClasses, inputLength: pipelineCrop(pipeline) ?? architectureInfo(architecture).inputLength, ...(rnn ? { rnn } : {}) };
}

/**
 * The search space's largest model: every numeric choice at its largest (recurrent layers and
 * width) and both directions where direction is searched. Floats (the learning rate) and the
 * normalisation change no tensor's size. Every trial the search can sample needs at most its memory.
 */
export function largestTrialParams(space: SearchSpace): Params {
  return Object.fromEntries(Object.entries(space).map(([name, spec]) => [name, spec.kind === 'float' ? spec.low : largestChoice(spec.choices)]));
}

function largestChoice(choices: readonly (string | number | boolean)[]): string | number | boolean {
  const numbers = choices.filter((c): c is number => typeof c === 'number');
  if (numbers.length === choices.length) return Math.max(...numbers);
  if (choices.includes(true)) return true;
  return choices[0] as string | number | boolean;
}

/**
 * Checks the largest trial against this workstation before the first trial starts: a study runs
 * for hours, and one that cannot fit must be refused now, not when TPE first samples a wide RNN.
 */
function checkStudyMemory(options: HpoJobOptions, base: TrainConfig, shared: PreparedData, basePipeline: PipelineConfig, space: SearchSpace, backend: string, context: JobContext): void {
  const params = largestTrialParams(space);
  const buildOptions = trialBuildOptions(options.architecture, shared.dataset.classes.length, trialPipeline(basePipeline, params.normalisation as Normalisation), params);
  const model = buildModel(options.architecture, buildOptions);
  try {
    const check = checkTrainingMemory({ model, batchSize: base.batchSize, trainRecords: shared.train.ids.length, workers: resolveTrainingWorkers(options.workers, base.batchSize), mode: 'scratch', backend });
    announceMemory(check, options.forceMemory, { ...context, onProgress: (event) => context.onProgress?.(event.kind === 'phase' ? { ...event, message: `largest trial: ${event.message}` } : event) });
  } finally {
    model.dispose();
  }
}

/**
 * Hyper-parameter search (issue 6 item 5): TPE over the paper's space with median pruning,
 * maximising the best-epoch validation macro-F1. Every trial trains on the train split and is
 * scored on validation only; the test split is never loaded. The study is saved after every
 * epoch and every trial checkpoints, so an interrupted search resumes where it stopped.
 */
export async function hpoJob(options: HpoJobOptions, context: JobContext = {}): Promise<HpoJobResult> {
  if (!Number.isInteger(options.trials) || options.trials < 1 || options.trials > 10_000) throw new EinthovenError('E_VALIDATION', `trials must be 1..10000, got ${options.trials}`);
  // It was parsed away without a word, while the shared help says it selects on the test split: refused, as cross-validation refuses it.
  if (options.train?.paperExact) throw new EinthovenError('E_VALIDATION', 'the search scores every trial on the validation split; --paper-exact (selection on the test split, the paper code\'s search) does not apply');
  // Every trial trains at the rate the search samples, so a rate given was overwritten in each, unsaid.
  if (options.train?.learningRate !== undefined) throw new EinthovenError('E_VALIDATION', `the search samples each trial's learning rate (log-uniform on [1e-6, 1e-2]), so a learning rate of ${options.train.learningRate} would apply to none: leave --lr out, or train at that rate with ecg train`);
  // Checked before any record is decoded: a study folder that is a file failed only at the first save.
  if (existsSync(options.studyDir) && !statSync(options.studyDir).isDirectory()) throw new EinthovenError('E_VALIDATION', `${options.studyDir} is a file: the study is kept in a folder (new, or the study's own to resume it)`);
  // The best trial's package is written only when the study completes, so a resumed study has none yet.
  if (options.out) requireNewOutput(options.out, 'the best trial\'s model package');
  const backend = await ensureBackend(options.backend);
  const base = trainConfigSchema.parse(options.train ?? {});
  const seed = options.seed ?? base.seed;
  const space = paperSearchSpace(options.architecture);
  // One augmentation for the whole study (recorded in every trial), so trials differ only in what the search samples.
  const augment = base.augment ?? defaultAugment(options.architecture);
  const basePipeline = withAugmentation(defaultPipeline(options.architecture, { normalisation: 'zscore' }), augment);
  const shared = await prepareTraining(options.dataset, basePipeline, base, context, options.cacheDir, true, resolveWorkers(options.workers));
  checkPosWeight(base, shared.dataset.classes.length);
  checkStudyMemory(options, base, shared, basePipeline, space, backend.active, context);
  // Trials see the records through views with their own normalisation: packed for workers once, here.
  if (resolveWorkers(options.workers) > 1) shared.store.share();
  const key = fingerprint({ a: options.architecture, d: datasetSha256(shared.dataset), base, space, seed, augment });
  const study = await openStudy(options.studyDir, key, `${options.architecture} on ${shared.dataset.name}`);
  const started = performance.now();
  // Saves are chained: an epoch's save must never race the trial's own (same temp file).
  let saving: Promise<void> = Promise.resolve();
  const persist = (): Promise<void> => (saving = saving.then(() => saveStudy(options.studyDir, study)));
  const finished = () => study.trials.filter((t) => t.state !== 'running').length;
  let cancelled = false;
  while (finished() < options.trials && !cancelled) {
    if (options.timeoutSeconds && (performance.now() - started) / 1000 > options.timeoutSeconds) break;
    const resumed = study.trials.find((t) => t.state === 'running');
    // As Optuna: completed and pruned trials both inform (and end) the start-up phase; a pruned
    // trial is ranked below every completed one, by how far it got and its last value (tpe.ts).
    const observations = study.trials.filter((t) => (t.state === 'complete' || t.state === 'pruned') && t.value !== null).map((t) => ({ params: t.params, value: t.value as number, ...(t.state === 'pruned' ? { pruned: { step: t.intermediate.length, last: t.intermediate[t.intermediate.length - 1] ?? Number.NaN } } : {}) }));
    const number = resumed?.number ?? study.trials.length;
    const trial: Trial = resumed ?? { number, params: sampleTpe(space, observations, seed, number), augmentation: augment, state: 'running', value: null, intermediate: [], bestEpoch: 0, seconds: 0 };
    if (!resumed) study.trials.push(trial);
    await persist();
    context.onProgress?.({ kind: 'phase', phase: 'training', message: `trial ${number} (${finished() + 1}/${options.trials}): ${JSON.stringify(trial.params)}` });
    const t0 = performance.now();
    const setup = setUpTrial(options, base, shared, basePipeline, trial.params);
    try {
      const evaluation = evalOptionsOf(setup.config, setup.buildOptions.inputLength ?? 1);
      const result = await trainLoop(
        {
          model: setup.model,
          data: recordTrainingData(setup.prepared.store, shared.train, shared.val, evaluation),
          config: setup.config,
          loss: makeLoss(setup.config.loss, setup.config.posWeight ? { posWeight: setup.config.posWeight } : {}),
          groups: [adamWGroup(trainableVariables(setup.model), setup.config.learningRate, setup.config.weightDecay)],
          jobKey: fingerprint({ key, number, params: trial.params }),
          checkpointDir: path.join(options.studyDir, 'trials', String(number)),
          workers: resolveTrainingWorkers(options.workers, setup.config.batchSize),
          lossSpec: { name: setup.config.loss, ...(setup.config.posWeight ? { posWeight: setup.config.posWeight } : {}) },
          shouldStop: () =>
            shouldPrune(
              trial.intermediate.map((v) => v ?? Number.NaN),
              study.trials.filter((t) => t !== trial).map((t) => ({ state: t.state, intermediate: t.intermediate.map((v) => v ?? Number.NaN) })),
              { warmupSteps: options.pruneWarmupEpochs ?? 0 },
            ),
        },
        {
          ...(context.signal ? { signal: context.signal } : {}),
          onProgress: (e) => {
            if (e.kind === 'epoch') {
              trial.intermediate = [...trial.intermediate.slice(0, e.epoch - 1), e.val.f1Macro];
              void persist();
            }
            context.onProgress?.(e);
          },
        },
      );
      trial.intermediate = result.history.map((h) => h.f1Macro);
      trial.seconds += (performance.now() - t0) / 1000;
      cancelled = result.cancelled;
      if (!cancelled) {
        trial.state = result.pruned ? 'pruned' : 'complete';
        trial.bestEpoch = result.bestEpoch;
        const values = trial.intermediate.filter((v): v is number => v !== null && Number.isFinite(v));
        trial.value = values.length > 0 ? Math.max(...values) : null;
      }
    } catch (error) {
      if (context.signal?.aborted) cancelled = true;
      else {
        trial.state = 'failed';
        trial.error = error instanceof Error ? error.message : String(error);
      }
    } finally {
      setup.model.dispose();
    }
    await persist();
  }
  const best = [...study.trials].filter((t) => t.state === 'complete' && t.value !== null).sort((a, b) => (b.value as number) - (a.value as number))[0];
  const manifest = options.out && best && !cancelled ? await packageBest(options, base, shared, basePipeline, best, finished(), backend.active) : undefined;
  return { study, best, table: resultsTable(study), cancelled, ...(manifest ? { manifest } : {}) };
}

/**
 * The best trial's package description. Its figure is the search's objective, macro-F1 at the
 * 0.5 rule: it said only 'validation macro-F1', beside a manifest whose validation macro-F1 is at
 * the package's tuned thresholds (another figure), and counted 'best.number + 1+' trials.
 */
export function bestTrialDescription(best: Pick<Trial, 'number' | 'value'>, trials: number): string {
  const value = best.value?.toFixed(4) ?? '?';
  return `Best of ${counted(trials, 'TPE trial')} (trial ${best.number}): validation macro-F1 ${value} at the 0.5 rule, the search's objective; the package's validation figures are at its own tuned thresholds`;
}

/** Rebuilds the best trial's model from its checkpoint and packages it (calibrated on validation). */
async function packageBest(options: HpoJobOptions, base: TrainConfig, shared: PreparedData, basePipeline: PipelineConfig, best: Trial, trials: number, backend: string): Promise<ModelManifest> {
  const setup = setUpTrial(options, base, shared, basePipeline, best.params);
  try {
    const trialDir = path.join(options.studyDir, 'trials', String(best.number));
    const generation = await checkpointGeneration(trialDir);
    if (!generation) throw new EinthovenError('E_NOT_FOUND', `${trialDir}: the best trial has no checkpoint`);
    await loadModelWeights(setup.model, path.join(generation, 'best'));
    const state = JSON.parse(await readFile(path.join(generation, 'state.json'), 'utf8')) as { history?: EpochRecord[] };
    const rnn = rnnOf(best.params);
    const { manifest } = await calibrateAndPackage({
      out: options.out as string,
      model: setup.model,
      prepared: setup.prepared,
      config: setup.config,
      evaluation: evalOptionsOf(setup.config, setup.buildOptions.inputLength ?? 1),
      architecture: options.architecture,
      buildOptions: setup.buildOptions,
      result: { history: state.history ?? [], bestEpoch: best.bestEpoch, bestScore: best.value ?? 0, stoppedEarly: false, pruned: false, cancelled: false, resumedFromEpoch: 0, workers: 1 },
      backend,
      workers: resolveWorkers(options.workers),
      name: `${options.architecture}-hpo-trial-${best.number}`,
      description: bestTrialDescription(best, trials),
      hyperParameters: { ...setup.config, augment: augmentChoiceOf(basePipeline), normalisation: best.params.normalisation, ...(rnn ? { rnn } : {}), hpoTrial: best.number },
    });
    return manifest;
  } finally {
    setup.model.dispose();
  }
}
