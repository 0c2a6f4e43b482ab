import type * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { engineVersion } from '../../engine/version';
import { EinthovenError, toErrorInfo } from '../../errors';
import type { BuildOptions } from '../../ml/models/registry';
import { recordedAugmentation } from '../augmentation';
import { buildRecordFilter } from '../record-filter';
import { duplicatesProvenance } from '../duplicates';
import { defaultIntendedInput, withValidatedDuration, type IntendedInput } from '../scope';
import type { TrainConfig } from '../config';
import { calibrateOnValidation, jsonSafe, patientIdsOf, type Calibrated } from '../finalize';
import type { TrainLoopResult } from '../loop';
import { saveModelPackage } from '../package/archive';
import type { ModelManifest, Provenance } from '../package/manifest';
import type { EvalOptions } from '../predict';
import { logitsOn, withInferencePool } from '../../parallel/inference';
import { datasetSha256, evalOptionsOf, splitCounts, splitPolicy, type PreparedData } from './prepare';
import { validationOutOfScope } from './validation-scope';

export interface PackageTrainedArgs {
  readonly out: string;
  readonly model: tf.LayersModel;
  readonly prepared: PreparedData;
  readonly config: TrainConfig;
  /** How validation logits are made for calibration (the paper-exact random mode included). */
  readonly evaluation: EvalOptions;
  readonly architecture: string;
  readonly buildOptions: BuildOptions;
  readonly result: TrainLoopResult;
  readonly backend: string;
  /** Worker threads for the validation pass (default 1: this thread). */
  readonly workers?: number;
  readonly name?: string | undefined;
  readonly description?: string | undefined;
  readonly demonstration?: boolean | undefined;
  readonly hyperParameters: Record<string, unknown>;
  readonly base?: Provenance['base'];
  /** The training-record filters of the bases the weights started from (a head or full fine-tuning's): kept with the package's own. */
  readonly baseTrainingRecords?: Provenance['baseTrainingRecords'];
  /** The input the model is for; default: adults, no pacing, every lead, one window, the model's rate or faster. */
  readonly intendedInput?: IntendedInput;
  /**
   * Run once the operating point is fixed, before the package is written: a fine-tuning's
   * locked-test evaluation and comparison (a cross-validation fold's: on its held-out rows, kept
   * under provenance.cvFold, never as a locked test), given the package's name and the intended
   * input it records, which the evaluation holds the records to as `ecg evaluate` does.
   */
  readonly closing?: (calibrated: Calibrated, model: ClosingModel) => Promise<Pick<Provenance, 'test' | 'comparison'>>;
}

/** What a closing evaluation needs to know of the package being written: its name and intended input. */
export interface ClosingModel {
  readonly name: string;
  readonly intendedInput: IntendedInput;
}

/** The durations of the validation records that decoded. */
function secondsOf(store: PreparedData['store'], ids: readonly string[]): number[] {
  return ids.flatMap((id) => {
    const seconds = store.seconds(id);
    return seconds === undefined ? [] : [seconds];
  });
}

/**
 * The intended input a package states: `intended` (default: the pipeline's) with the minimum
 * duration measured on the validation records it chooses on (withValidatedDuration). They are
 * decoded before training, so rows a closing evaluation holds to it are checked before then.
 */
export function statedIntendedInput(prepared: Pick<PreparedData, 'store' | 'val' | 'pipeline'>, intended: IntendedInput = defaultIntendedInput(prepared.pipeline)): IntendedInput {
  return withValidatedDuration(intended, prepared.pipeline, secondsOf(prepared.store, prepared.val.ids));
}

/** The filter of the content hashes of every record the model trained or validated on. */
function trainingRecordFilter(prepared: PreparedData) {
  const hashes = [...prepared.train.ids, ...prepared.val.ids].flatMap((id) => {
    const hash = prepared.store.contentHash(id);
    return hash ? [hash] : [];
  });
  return buildRecordFilter(hashes);
}

export const noEpochMessage = 'interrupted before the first epoch ended: no model written';

/**
 * A cancel before the first epoch ended leaves the initial weights (a fresh network, or the base
 * model with a fresh head), selected on nothing: such a package was saved as a model ("best epoch
 * 0/0"). The job keeps nothing and ends E_CANCELLED instead, as the app's form already said.
 */
export function requireCompletedEpoch(result: Pick<TrainLoopResult, 'bestEpoch'>): void {
  if (result.bestEpoch === 0) throw new EinthovenError('E_CANCELLED', noEpochMessage);
}

/** A cross-validation fold's training, or undefined when it was cancelled before it kept anything. */
export async function unlessCancelledEarly<T>(work: Promise<T>): Promise<T | undefined> {
  try {
    return await work;
  } catch (error) {
    if (toErrorInfo(error).code === 'E_CANCELLED') return undefined;
    throw error;
  }
}

/**
 * Where a package keeps its closing evaluation: a cross-validation fold's (its dataset marked
 * `cvFold`) under provenance.cvFold with the fold, since its test rows are the fold's held-out
 * rows, not a locked test; any other package's as its locked test. Every fold package says
 * which fold it is, a train --cv fold's (no closing evaluation) too.
 */
function closingProvenance(dataset: PreparedData['dataset'], closing: Pick<Provenance, 'test' | 'comparison'>): Pick<Provenance, 'test' | 'comparison' | 'cvFold'> {
  if (!dataset.cvFold) return closing;
  const { test, comparison } = closing;
  return { cvFold: { ...dataset.cvFold, ...(test ? { heldOut: test } : {}), ...(comparison ? { comparison } : {}) } };
}

/** The name a package is written under: the one given, else its folder's. */
export function packageName(args: { readonly name?: string | undefined; readonly out: string }): string {
  return args.name ?? path.basename(path.resolve(args.out));
}

/**
 * After training: fits temperature and per-class thresholds on the validation split, then
 * writes the package with its full provenance. Reads no test data.
 */
export async function calibrateAndPackage(args: PackageTrainedArgs): Promise<{ manifest: ModelManifest; calibrated: Calibrated; secondsPerEpoch: number }> {
  const { prepared, config, result } = args;
  const { dataset, store, val } = prepared;
  const logits = await withInferencePool(args.workers ?? 1, (pool) => logitsOn(pool, args.model, store, val.ids, args.evaluation));
  const calibrated = calibrateOnValidation(logits, val.labels, dataset.classes, config, patientIdsOf(dataset.items, val.ids));
  const secondsPerEpoch = result.history.reduce((s, h) => s + h.seconds, 0) / Math.max(1, result.history.length);
  const name = packageName(args);
  const intendedInput = statedIntendedInput(prepared, args.intendedInput);
  const closing = closingProvenance(dataset, args.closing ? await args.closing(calibrated, { name, intendedInput }) : {});
  const selection = `${config.selection} on ${config.paperExact ? 'test (paperExact)' : 'validation'}${result.cancelled ? '; cancelled, best epoch kept' : ''}${result.stoppedEarly ? '; stopped early' : ''}`;
  const manifest = await saveModelPackage(
    args.out,
    args.model,
    jsonSafe({
      name,
      description: args.description ?? '',
      demonstration: args.demonstration ?? false,
      architecture: { name: args.architecture, buildOptions: args.buildOptions },
      hyperParameters: args.hyperParameters,
      classes: [...dataset.classes],
      preprocessing: { ...prepared.pipeline, augmentation: null },
      augmentation: recordedAugmentation(prepared.pipeline),
      inference: evalOptionsOf(config, args.buildOptions.inputLength ?? 1),
      intendedInput,
      operatingPoint: calibrated.operatingPoint,
      provenance: {
        dataset: { name: dataset.name, sha256: datasetSha256(dataset), records: splitCounts(dataset), split: splitPolicy(dataset, config.paperExact) },
        epochs: { run: result.history.length, best: result.bestEpoch, planned: config.epochs },
        seed: config.seed,
        backend: args.backend,
        workers: result.workers,
        secondsPerEpoch,
        selection,
        validation: { n: val.ids.length, metrics: calibrated.metrics as unknown as Record<string, unknown>, ci: calibrated.ci, ...(prepared.valLeftOut ? { outOfScope: validationOutOfScope(prepared.valLeftOut, name) } : {}) },
        trainingRecords: trainingRecordFilter(prepared),
        ...(args.baseTrainingRecords ? { baseTrainingRecords: args.baseTrainingRecords } : {}),
        // Always, copies or none: a card tells a package that found none from one made before the check was kept.
        duplicates: duplicatesProvenance(prepared.duplicates, prepared.duplicatesChecked),
        ...closing,
        ...(args.base ? { base: args.base } : {}),
        history: result.history.map((h) => ({ ...h })),
      },
    }),
    engineVersion,
  );
  return { manifest, calibrated, secondsPerEpoch };
}
