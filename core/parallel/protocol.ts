import type { SharedSignals } from '../data/store';
import type { DatasetItem } from '../data/types';
import type { RecordProfile } from '../engine/record-profile';
import type { ErrorInfo } from '../errors';
import type { LossName } from '../ml/loss/losses';
import type { PipelineConfig } from '../signal/pipeline-config';
import type { EvalOptions } from '../train/predict';
import type { PredictionInput } from '../train/predictor';
import type { DecodeOptions, FileGroup } from '../formats/index';
import type { FileTask } from './record-files';
import type { SharedUpdateState, UpdateShare } from './shared-update';
import type { TensorLayout } from './tensor-layout';

/** What a worker thread starts with (its workerData). */
export interface WorkerStart {
  /** The compute backend to start in the worker (the engine's own, when it is wasm or cpu). */
  readonly backend: 'wasm' | 'cpu';
  readonly index: number;
}

/** A loss by name, so that a worker can build the same function. */
export interface LossSpec {
  readonly name: LossName;
  readonly posWeight?: readonly number[];
}

/**
 * A model replica: its topology (tfjs LayersModel JSON) and the shared buffer the main thread
 * publishes every weight into (trainable and not, in model.weights order). `version` counts
 * publications; a worker reloads its weights only when it changed.
 */
export interface ReplicaSpec {
  readonly topology: string;
  readonly weights: Float32Array;
  readonly layout: TensorLayout;
  readonly version: Int32Array;
}

/** Where a worker writes its gradient (trainable weights, flat) and its batch-norm running statistics. */
export interface StepSlots {
  readonly grads: Float32Array;
  readonly gradBase: number;
  readonly stats: Float32Array;
  readonly statsBase: number;
}

export type WorkerRequest =
  | { readonly kind: 'replica'; readonly spec: ReplicaSpec }
  | { readonly kind: 'store'; readonly shared: SharedSignals }
  /** Draws the training inputs of a shard ahead of its step (crop, normalise, augment). */
  | { readonly kind: 'prepare'; readonly step: number; readonly ids: readonly string[]; readonly seeds: readonly number[]; readonly labels: readonly (readonly number[])[] }
  | { readonly kind: 'step'; readonly step: number; readonly loss: LossSpec; readonly dropoutSeed: number; readonly slots: StepSlots }
  /** The shared buffers this worker's part of each step's update works on (once per trainer). */
  | { readonly kind: 'update-state'; readonly state: SharedUpdateState }
  /** Reduces this worker's range of the step's gradients and applies the update there (shared-update.ts). */
  | { readonly kind: 'update'; readonly share: UpdateShare }
  /**
   * Logits of records with the replica. `keepBytes`: a training loop's validation, the same ids
   * every epoch: the worker keeps their inputs (up to that many bytes) for the next such request.
   */
  | { readonly kind: 'logits'; readonly ids: readonly string[]; readonly evaluation: EvalOptions; readonly keepBytes?: number }
  /** `crops` random training crops per id, each drawn from its own seed; windows or centre crop when crops is 0. */
  | { readonly kind: 'features'; readonly ids: readonly string[]; readonly crops: number; readonly seeds: readonly number[]; readonly evaluation: EvalOptions; readonly batchSize: number }
  /** One record's prediction with the package at `location` (loaded and verified by the worker, then kept). */
  | { readonly kind: 'predict'; readonly location: string; readonly input: PredictionInput }
  /** Decodes file groups and predicts or measures each record (ecg predict / ecg measure over many files). */
  | { readonly kind: 'record-files'; readonly groups: readonly FileGroup[]; readonly options: DecodeOptions; readonly task: FileTask }
  | { readonly kind: 'decode'; readonly items: readonly DatasetItem[]; readonly before: PipelineConfig; readonly cacheDir: string | null };

/** A decoded record (pre-crop stages applied), or why it failed. */
export type DecodeOutcome = { readonly id: string; readonly fs: number; readonly signal: Float32Array[]; readonly contentHash: string; readonly profile?: RecordProfile; readonly seconds: number } | { readonly id: string; readonly error: string };

export interface WorkerEnvelope {
  readonly id: number;
  readonly request: WorkerRequest;
}

export type WorkerReply = { readonly id: number; readonly ok: true; readonly value: unknown } | { readonly id: number; readonly ok: false; readonly error: ErrorInfo };
