import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { outOfScopeSummary } from '../evaluation-scope';
import { allowTestSeenByBaseInApp, TrainingResultSchema, type ActiveTrainingJob, type OutOfScopeSummary, type TrainFinished, type TrainingResult, type TrainProgressEvent } from '../../contract/training-schemas';
import { BackgroundJobs } from '../../background-jobs';
import { EinthovenError } from '../../errors';
import { jsonSafe } from '../finalize';
import { compareJob } from '../jobs/compare-job';
import { evaluateJob, type EvaluateSplit } from '../jobs/evaluate-job';
import { finetuneCvJob } from '../jobs/finetune-cv-job';
import { finetuneJob, type FinetuneMode } from '../jobs/finetune-job';
import { hpoJob } from '../jobs/hpo-job';
import { JudgedRecords } from '../judged-records';
import { FolderRecords } from '../rate-copy-search';
import { operatingPointJob, type OperatingPointGoal } from '../jobs/operating-point-job';
import { operatingPointByClass, type ModelManifest } from '../package/manifest';
import { trainJob } from '../jobs/train-job';
import type { DatasetSpec } from '../../data/load';
import { leftOutSummary } from '../../data/types';
import type { TrainConfigInput } from '../config';
import { predictModel } from '../ensemble/score';
import { refuseFusionAsPlainModel } from '../pe/fusion';
import type { Prediction, PredictionInput } from '../predictor';
import { explainRecord, type Saliency } from '../saliency';
import type { JobContext, TrainProgress } from '../progress';
import { ensureBackend } from '../setup';
import { onnxRunsArchitecture } from '../../ml/onnx/runtime';
import { PredictionPool } from '../../parallel/prediction-pool';
import { defaultWorkers } from '../../parallel/worker-count';
import { ActiveJobs, type JobLabel } from './active-jobs';
import { ModelDirectory, summaryOf } from './models';
import { operatingPointResult, signIfKeyed } from './operating-point-result';

type Kind = TrainProgressEvent['kind'];

/** A job's result in the contract's shape (NaN metrics become null; the shape is checked here, not in the UI). */
function asResult(value: unknown): TrainingResult {
  return TrainingResultSchema.parse(jsonSafe(value));
}

/** The validation records a trained package's epoch and operating point were not chosen on (outside its intended input), where it counted them. */
function validationScope(manifest: ModelManifest): { validationOutOfScope?: OutOfScopeSummary } {
  const outOfScope = manifest.provenance.validation.outOfScope;
  return outOfScope ? { validationOutOfScope: outOfScope } : {};
}

export interface TrainingServiceOptions {
  readonly dataDir: string;
  readonly resourcesDir?: string | undefined;
  progress(event: TrainProgressEvent): void;
  finished(event: TrainFinished): void;
}

function progressEvent(jobId: string, kind: Kind, e: TrainProgress): TrainProgressEvent {
  if (e.kind === 'phase') return { jobId, kind, phase: e.phase, message: e.message };
  if (e.kind === 'step') return { jobId, kind, epoch: e.epoch, epochs: e.epochs, step: e.step, steps: e.steps, loss: e.loss, samplesPerSecond: e.samplesPerSecond, etaSeconds: e.etaSeconds };
  return jsonSafe({ jobId, kind, epoch: e.epoch, epochs: e.epochs, loss: e.trainLoss, valLoss: e.valLoss, val: e.val, improved: e.improved, samplesPerSecond: e.samplesPerSecond, etaSeconds: e.etaSeconds });
}

/**
 * The engine's training side (issue 6 through the contract): lists and loads model packages,
 * predicts stored records, and runs train / fine-tune / search / evaluate jobs in the engine
 * process with progress and finish events. Models it trains go to <data folder>/models.
 */
export class TrainingService {
  readonly models: ModelDirectory;
  readonly #jobs = new BackgroundJobs();
  readonly #active = new ActiveJobs();
  readonly #options: TrainingServiceOptions;
  /** Worker threads for predictions (cores − 1 of them; none on a 2-core machine, where one thread predicts). */
  readonly #predictions = new PredictionPool(defaultWorkers());

  constructor(options: TrainingServiceOptions) {
    this.#options = options;
    this.models = new ModelDirectory(options.resourcesDir && path.join(options.resourcesDir, 'models'), path.join(options.dataDir, 'models'));
  }

  async listModels() {
    return (await this.models.list()).entries.map(summaryOf);
  }

  async predict(modelId: string, input: PredictionInput): Promise<Prediction> {
    await ensureBackend();
    const entry = await this.models.find(modelId);
    refuseFusionAsPlainModel(entry.manifest);
    // A model onnxruntime runs is predicted here: its one session uses every core already.
    const onOnnx = !entry.manifest.ensemble && (await onnxRunsArchitecture(entry.manifest.architecture.name));
    if (this.#predictions.enabled && !onOnnx) return this.#predictions.predict(entry.location, input);
    return predictModel(await this.models.loadAny(modelId), input);
  }

  /** Integrated-gradients saliency of one class for one record, with the package's own pipeline and inference windows. */
  async explain(modelId: string, input: PredictionInput, className: string): Promise<Saliency> {
    await ensureBackend();
    const loaded = await this.models.load(modelId);
    const { manifest } = loaded;
    const stride = manifest.inference.stride ?? Math.max(1, Math.floor((manifest.architecture.buildOptions.inputLength ?? 2) / 2));
    return explainRecord({ model: loaded.model, pipeline: loaded.pipeline, classes: manifest.classes, inference: { mode: manifest.inference.mode, stride } }, input, className);
  }

  /** Signed when the hospital created a signing key: the app then shows who produced the package. */
  async #signIfKeyed(out: string): Promise<void> {
    await signIfKeyed(this.#options.dataDir, out);
  }

  /** Where a job's named output goes inside the data folder (names are validated by the contract). */
  #outputDir(kind: string, name: string): string {
    const safe = name.trim().replace(/[^\w .-]/g, '_');
    if (!safe || safe.startsWith('.')) throw new EinthovenError('E_VALIDATION', `'${name}' is not a usable model name`);
    return path.join(this.#options.dataDir, kind, safe);
  }

  startTrain(request: { architecture: string; dataset: DatasetSpec; name: string; settings: TrainConfigInput }): string {
    const out = this.#outputDir('models', request.name);
    return this.#start('train', { name: request.name }, async (context) => {
      const r = await trainJob({ dataset: request.dataset, architecture: request.architecture, out, name: request.name, train: request.settings, checkpointDir: this.#outputDir('checkpoints', request.name) }, context);
      await this.#signIfKeyed(out);
      return asResult({ kind: 'train', modelId: r.manifest.id, name: r.manifest.name, bestEpoch: r.bestEpoch, epochs: r.history.length, cancelled: r.cancelled, validation: r.validation, ...validationScope(r.manifest) });
    });
  }

  async startFinetune(request: { baseModelId: string; dataset: DatasetSpec; mode?: FinetuneMode | undefined; name: string; settings: TrainConfigInput; crossValidation?: number | undefined; workers?: number | undefined; allowTestSeenByBase?: boolean | undefined }): Promise<string> {
    const entry = await this.models.find(request.baseModelId);
    // Refused at once, not as a failed job: the app's base list leaves fusion packages out, this says why to any other caller.
    refuseFusionAsPlainModel(entry.manifest);
    const base = entry.location;
    const out = this.#outputDir('models', request.name);
    return this.#start('finetune', { name: request.name, baseModelId: request.baseModelId }, async (context) => {
      // One request, one reading of its records: the cross-validation's judgements against the intended input, and its search of the data folder for copies at other rates, serve the fine-tuning after it.
      const judged = new JudgedRecords();
      const folderRecords = new FolderRecords();
      const common = { base, dataset: request.dataset, name: request.name, train: request.settings, judged, folderRecords, ...(request.mode ? { mode: request.mode } : {}), ...(request.workers ? { workers: request.workers } : {}) };
      // The refusal of a test split the base saw whole names the app's checkbox, not the CLI's flag: the app asks here.
      const allow = { ...(request.allowTestSeenByBase ? { allowTestSeenByBase: true } : {}), allowTestSeenControl: allowTestSeenByBaseInApp };
      // The fine-tuning that follows the folds (finalOut) refuses such a test split before the first of them.
      const cv = request.crossValidation ? await finetuneCvJob({ ...common, ...allow, folds: request.crossValidation, workDir: this.#outputDir('cv', request.name), finalOut: out }, context) : undefined;
      const crossValidation = cv ? { k: cv.k, source: cv.source, meanSd: cv.meanSd, pooled: { n: cv.pooled.n, metrics: cv.pooled.metrics, ci: cv.pooled.ci }, seenByBase: cv.seenByBase } : undefined;
      if (cv?.cancelled) return asResult({ kind: 'finetune', modelId: null, name: request.name, bestEpoch: 0, epochs: 0, cancelled: true, validation: {}, crossValidation });
      // Every record the cross-validation decoded (the test rows too) is read from there, not decoded again.
      const r = await finetuneJob({ ...common, ...allow, out, checkpointDir: this.#outputDir('checkpoints', request.name), ...(cv?.decoded ? { decoded: cv.decoded } : {}) }, context);
      await this.#signIfKeyed(out);
      const { test, comparison, validation } = r.manifest.provenance;
      return asResult({
        kind: 'finetune',
        modelId: r.manifest.id,
        name: r.manifest.name,
        bestEpoch: r.bestEpoch,
        epochs: r.epochs,
        cancelled: r.cancelled,
        validation: validation.metrics,
        ...validationScope(r.manifest),
        test: test ?? null,
        notLockedTest: test?.notLockedTest ?? null,
        comparison: comparison ?? null,
        evaluatedOn: { name: r.manifest.provenance.dataset.name, root: request.dataset.root, labels: request.dataset.labels ?? null },
        ...(crossValidation ? { crossValidation } : {}),
      });
    });
  }

  startHpo(request: { architecture: string; dataset: DatasetSpec; name: string; trials: number; settings: TrainConfigInput }): string {
    return this.#start('hpo', { name: request.name }, async (context) => {
      const r = await hpoJob({ dataset: request.dataset, architecture: request.architecture, studyDir: this.#outputDir('studies', request.name), trials: request.trials, train: request.settings, out: this.#outputDir('models', request.name) }, context);
      return asResult({
        kind: 'hpo',
        modelId: r.manifest?.id ?? null,
        name: request.name,
        bestEpoch: r.best?.bestEpoch ?? 0,
        epochs: r.best?.intermediate.length ?? 0,
        cancelled: r.cancelled,
        validation: r.manifest ? r.manifest.provenance.validation.metrics : {},
        ...(r.manifest ? validationScope(r.manifest) : {}),
        table: r.table,
      });
    });
  }

  async startEvaluate(request: { modelId: string; dataset: DatasetSpec; split: EvaluateSplit }): Promise<string> {
    const model = (await this.models.find(request.modelId)).location;
    return this.#start('evaluate', { name: request.modelId, baseModelId: request.modelId }, async (context) => {
      const r = await evaluateJob({ model, dataset: request.dataset, split: request.split }, context);
      // A fusion's network figures travel under its base's name, by class like every operating point the app shows.
      const fusion = r.fusion ? { fusion: { ...r.fusion, ecgOnly: { ...r.fusion.ecgOnly, operatingPoint: operatingPointByClass(r.fusion.ecgOnly.operatingPoint, r.classes) } } } : {};
      return asResult({
        kind: 'evaluate',
        n: r.n,
        unreadable: leftOutSummary(r.failed.map(({ id, message }) => ({ id, reason: message }))),
        classes: r.classes,
        metrics: r.metrics,
        ci: r.ci,
        calibration: r.calibration,
        split: r.split,
        dataset: r.dataset,
        modelId: r.model.id,
        operatingPoint: operatingPointByClass(r.model.operatingPoint, r.classes),
        notLockedTest: r.notLockedTest,
        trainingOverlap: r.trainingOverlap,
        outOfScope: outOfScopeSummary(r.outOfScope),
        evaluatedOn: { name: r.dataset, root: request.dataset.root, labels: request.dataset.labels ?? null },
        ...(r.peComparison ? { peComparison: r.peComparison } : {}),
        ...fusion,
      });
    });
  }

  /** A site operating point of a model, written as a new model in the models folder (core/train/jobs/operating-point-job.ts). */
  async startOperatingPoint(request: { modelId: string; dataset: DatasetSpec; goal: OperatingPointGoal; target?: number | undefined; name?: string | undefined; minValExamples?: number | undefined }): Promise<string> {
    const model = (await this.models.find(request.modelId)).location;
    return this.#start('operating-point', { name: request.name ?? `${request.modelId} (${request.goal})`, baseModelId: request.modelId }, async (context) => {
      const options = {
        model,
        dataset: request.dataset,
        goal: request.goal,
        modelsDir: path.join(this.#options.dataDir, 'models'),
        ...(request.target === undefined ? {} : { target: request.target }),
        ...(request.name ? { name: request.name } : {}),
        ...(request.minValExamples === undefined ? {} : { minValExamples: request.minValExamples }),
      };
      const r = await operatingPointJob(options, context);
      await this.#signIfKeyed(r.out);
      return operatingPointResult(r, request.dataset);
    });
  }

  async startCompare(request: { modelId: string; otherModelId: string; dataset: DatasetSpec; split: EvaluateSplit }): Promise<string> {
    const a = (await this.models.find(request.modelId)).location;
    const b = (await this.models.find(request.otherModelId)).location;
    return this.#start('compare', { name: `${request.modelId} vs ${request.otherModelId}`, baseModelId: request.modelId }, async (context) => {
      const r = await compareJob({ model: a, other: b, dataset: request.dataset, split: request.split }, context);
      return asResult({
        kind: 'compare',
        n: r.n,
        classes: r.classes,
        split: r.split,
        dataset: r.dataset,
        modelA: { id: r.modelA.id, name: r.modelA.name },
        modelB: { id: r.modelB.id, name: r.modelB.name },
        macro: r.macro.map(({ metric, a: va, b: vb, diff, ci95, p, over }) => ({ metric, a: va, b: vb, diff, ci95, p, over })),
        perClass: r.perClass.map((k) => ({ name: k.name, positives: k.positives, aucA: k.aucA, aucB: k.aucB, delong: k.delong ? { diff: k.delong.diff, ci95: k.delong.ci95, p: k.delong.p } : null, auc: k.auc })),
        bootstrap: { resamples: r.bootstrap.resamples, unit: r.bootstrap.unit },
      });
    });
  }

  /** Running jobs with their progress so far, for a window that opens (or reloads) while they run. */
  activeJobs(): ActiveTrainingJob[] {
    return this.#active.list();
  }

  cancel(jobId: string): boolean {
    return this.#jobs.cancel(jobId);
  }

  cancelAll(): void {
    this.#jobs.cancelAll();
  }

  async idle(): Promise<void> {
    await this.#jobs.idle();
  }

  dispose(): void {
    void this.#predictions.close();
    this.models.dispose();
  }

  /** Starts a job in the background; a cancelled training still reports the model it kept. */
  #start(kind: Kind, label: JobLabel, work: (context: JobContext) => Promise<TrainingResult>): string {
    const jobId = this.#jobs.start(
      async (id, signal) => {
        await mkdir(path.join(this.#options.dataDir, 'models'), { recursive: true });
        return work({ signal, onProgress: (e) => this.#progress(progressEvent(id, kind, e)) });
      },
      (id, outcome) => {
        this.#active.end(id);
        this.#options.finished({ jobId: id, kind, ...outcome });
      },
    );
    // The work starts on a later turn, so the job is listed before its first event.
    this.#active.begin(jobId, kind, label);
    return jobId;
  }

  #progress(event: TrainProgressEvent): void {
    this.#active.record(event);
    this.#options.progress(event);
  }
}
