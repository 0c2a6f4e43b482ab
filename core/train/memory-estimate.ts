import * as tf from '@tensorflow/tfjs';
import os from 'node:os';
import { EinthovenError } from '../errors';
import { buildModel, type BuildOptions } from '../ml/models/registry';
import { outputLayer } from './head';
import type { JobContext } from './progress';
import { counted } from '../contract/counted';

/** The modes of a training job: a fine-tuning's head/full, or a training (and a fine-tuning baseline) from scratch. */
export type MemoryMode = 'head' | 'full' | 'scratch';

const bytesPerFloat = 4;

/**
 * Moments the optimizer keeps per trainable weight: every job trains with AdamW (core/train/step.ts
 * `adamWGroup`), whose first and second moments are each one float per weight.
 */
export const optimizerMomentsPerWeight = 2;

/**
 * Bytes a training step holds per float of the layers' outputs, in units of those outputs: the
 * forward pass keeps every layer's output (and the tensors inside a layer: batch norm's centred
 * and normalised values, a residual's sum, ReLU's input) for the backward pass, and the backward
 * pass allocates a gradient for each of them, all alive until the step's tidy ends. Fitted to
 * the peak of `tf.memory().numBytes` in real steps on the wasm backend at two batch sizes
 * (core/train/memory-estimate.test.ts; docs/benchmarks.md "Training memory estimate"): the
 * peak's slope per row was 4.94× (xresnet1d50) and 5.08× (ResNet18-1D) the summed layer outputs.
 */
export const activationFactor = 5;

/**
 * Floats per trainable weight that the backward pass holds besides the gradient itself (a
 * convolution's kernel flipped and transposed for the input gradient, its kernel gradient in the
 * kernel's layout before it is reshaped): the same fit's intercept, less weights, gradients and
 * moments, was 2.9 (xresnet1d50) and 3.0 (ResNet18-1D) floats per trainable weight.
 */
export const backwardBuffersPerWeight = 3;

export interface MemoryEstimateOptions {
  /** A built model, or what builds one (built here, only to read its layers, then disposed). */
  readonly model: tf.LayersModel | { readonly architecture: string; readonly buildOptions: BuildOptions };
  /** Samples per lead of a training row; the model's own input length when absent. */
  readonly inputLength?: number;
  readonly leads?: number;
  /** The global batch, split across the workers. */
  readonly batchSize: number;
  /**
   * The training records, where known: a step never holds more rows than there are (the loop's
   * batch is the smaller of the two), so a small site's estimate is not its batch size's.
   */
  readonly trainRecords?: number;
  /** Data-parallel training workers (core/parallel): each holds a replica and its shard of the batch. */
  readonly workers: number;
  readonly mode: MemoryMode;
}

/** Bytes by what holds them, summed over the main thread and every worker; `perWorker` is one worker's share. */
export interface MemoryBreakdown {
  readonly weights: number;
  readonly gradients: number;
  readonly optimizer: number;
  readonly activations: number;
  readonly inputs: number;
  /** What one worker (one replica, one wasm instance) holds at its peak. */
  readonly perWorker: number;
  readonly total: number;
}

export interface MemoryEstimate {
  readonly mode: MemoryMode;
  readonly batchSize: number;
  readonly workers: number;
  /** Rows of the batch each replica runs forward and backward (batch ÷ workers, rounded up). */
  readonly rowsPerReplica: number;
  readonly parameters: number;
  readonly trainableParameters: number;
  /** Summed output values of the layers that keep activations for the backward pass, per row. */
  readonly activationValuesPerRow: number;
  readonly bytes: MemoryBreakdown;
}

function product(shape: readonly (number | null)[]): number {
  return shape.reduce<number>((n, d) => n * (d ?? 1), 1);
}

/** One row's output values of every layer but the input (a layer with several outputs counts each). */
export function layerOutputValuesPerRow(model: tf.LayersModel): number {
  let total = 0;
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    const shape = layer.outputShape;
    const shapes = Array.isArray(shape[0]) ? (shape as (number | null)[][]) : [shape as (number | null)[]];
    // The leading dimension is the batch (null): product() counts it as 1.
    for (const s of shapes) total += product(s);
  }
  return total;
}

function countParameters(weights: readonly tf.LayerVariable[]): number {
  return weights.reduce((n, w) => n + product(w.shape), 0);
}

function withModel<T>(spec: MemoryEstimateOptions['model'], read: (model: tf.LayersModel) => T): T {
  if (spec instanceof tf.LayersModel) return read(spec);
  const model = buildModel(spec.architecture, spec.buildOptions);
  try {
    return read(model);
  } finally {
    model.dispose();
  }
}

interface ModelFigures {
  parameters: number;
  trainable: number;
  headParameters: number;
  headInputs: number;
  activationValuesPerRow: number;
  inputLength: number;
}

function figuresOf(model: tf.LayersModel): ModelFigures {
  const head = outputLayer(model);
  const headInput = head.input as tf.SymbolicTensor;
  return {
    parameters: countParameters(model.weights),
    trainable: countParameters(model.trainableWeights),
    headParameters: countParameters(head.trainableWeights),
    headInputs: product(headInput.shape),
    activationValuesPerRow: layerOutputValuesPerRow(model),
    inputLength: model.inputs[0]?.shape[1] ?? 1,
  };
}

/**
 * Bytes a training job needs at the peak of a step, before it starts (LM Studio's --estimate-only):
 *   weights      parameters × 4 B in every replica, plus the main thread's copy when workers > 1
 *   gradients    trainable × 4 B × (1 + `backwardBuffersPerWeight`) in every replica, plus the main
 *                thread's reduced sum (trainable × 4 B) when workers > 1
 *   optimizer    trainable × 4 B × 2 AdamW moments, once (the workers update in shared memory)
 *   activations  Σ layer outputs per row × ⌈batch ÷ workers⌉ rows × 4 B × `activationFactor`, per replica
 *   inputs       the batch's signals (and 0/1 targets, negligible) × 4 B
 * Head mode trains only the output layer, in one thread, on trunk features cached once by an
 * inference pool (core/train/jobs/finetune-job.ts `trainHead`): the trunk keeps no activations
 * (inference frees each layer's output once it is consumed), but every inference worker holds
 * the whole model's weights.
 */
export function estimateTrainingMemory(options: MemoryEstimateOptions): MemoryEstimate {
  const figures = withModel(options.model, figuresOf);
  const workers = Math.max(1, Math.floor(options.workers));
  const batchSize = Math.max(1, Math.floor(options.batchSize));
  const rowsPerStep = Math.min(batchSize, Math.max(1, Math.floor(options.trainRecords ?? batchSize)));
  const leads = options.leads ?? 12;
  const inputLength = options.inputLength ?? figures.inputLength;
  const copies = workers > 1 ? workers + 1 : workers;
  const weightBytes = figures.parameters * bytesPerFloat;
  if (options.mode === 'head') {
    const head = figures.headParameters * bytesPerFloat;
    const rows = rowsPerStep;
    const activations = rows * figures.headInputs * bytesPerFloat * activationFactor;
    const inputs = rows * figures.headInputs * bytesPerFloat;
    const bytes = {
      weights: weightBytes * copies,
      gradients: head,
      optimizer: head * optimizerMomentsPerWeight,
      activations,
      inputs,
      perWorker: weightBytes,
    };
    return { mode: 'head', batchSize, workers, rowsPerReplica: rows, parameters: figures.parameters, trainableParameters: figures.headParameters, activationValuesPerRow: figures.headInputs, bytes: { ...bytes, total: bytes.weights + bytes.gradients + bytes.optimizer + activations + inputs } };
  }
  const rows = Math.ceil(rowsPerStep / workers);
  const gradientBytes = figures.trainable * bytesPerFloat;
  const backwardBytes = gradientBytes * (1 + backwardBuffersPerWeight);
  const activationsPerReplica = figures.activationValuesPerRow * rows * bytesPerFloat * activationFactor;
  const inputsPerReplica = rows * inputLength * leads * bytesPerFloat;
  const bytes = {
    weights: weightBytes * copies,
    gradients: backwardBytes * workers + (workers > 1 ? gradientBytes : 0),
    optimizer: gradientBytes * optimizerMomentsPerWeight,
    activations: activationsPerReplica * workers,
    inputs: inputsPerReplica * workers,
    // One replica's wasm memory; the in-process runner (1 worker) also holds the optimizer there.
    perWorker: weightBytes + backwardBytes + activationsPerReplica + inputsPerReplica + (workers === 1 ? gradientBytes * optimizerMomentsPerWeight : 0),
  };
  const total = bytes.weights + bytes.gradients + bytes.optimizer + bytes.activations + bytes.inputs;
  return { mode: options.mode, batchSize, workers, rowsPerReplica: rows, parameters: figures.parameters, trainableParameters: figures.trainable, activationValuesPerRow: figures.activationValuesPerRow, bytes: { ...bytes, total } };
}

/** The share of the workstation's free memory above which an estimate is a warning, not a pass. */
export const tightShareOfFree = 0.6;

/** One wasm instance's address space (32-bit): a replica on the wasm backend cannot use more. */
export const wasmAddressSpaceBytes = 4 * 2 ** 30;

export type MemoryVerdict = 'fits' | 'tight' | 'does-not-fit';

export interface WorkstationMemory {
  readonly totalBytes: number;
  readonly freeBytes: number;
}

/** The workstation's memory as the engine's process sees it now. */
export function workstationMemory(): WorkstationMemory {
  return { totalBytes: os.totalmem(), freeBytes: os.freemem() };
}

/** An estimate held against the workstation: the verdict, a one-line summary and, unless it fits, why and what to lower. */
export interface MemoryCheck {
  readonly estimate: MemoryEstimate;
  readonly machine: WorkstationMemory;
  readonly backend: string;
  readonly verdict: MemoryVerdict;
  /** "Estimated memory: 1.3 GB (activations 0.9 GB across 3 workers) of this computer's 15.6 GB, 9.1 GB free". */
  readonly line: string;
  /** Why it is tight or does not fit, and what to lower; null when it fits. */
  readonly advice: string | null;
}

/** Bytes in decimal gigabytes with one decimal (two below 0.1 GB), as an IT department reads them. */
export function formatGigabytes(bytes: number): string {
  const gb = bytes / 1e9;
  return `${gb >= 0.1 ? gb.toFixed(1) : gb.toFixed(2)} GB`;
}

function lineOf(estimate: MemoryEstimate, machine: WorkstationMemory): string {
  const across = estimate.mode === 'head' ? 'head only, on cached trunk features' : `across ${counted(estimate.workers, 'worker')}`;
  return `Estimated memory: ${formatGigabytes(estimate.bytes.total)} (activations ${formatGigabytes(estimate.bytes.activations)} ${across}) of this computer's ${formatGigabytes(machine.totalBytes)}, ${formatGigabytes(machine.freeBytes)} free`;
}

/** What to lower, for the mode: a head trains on one thread, so only the inference workers' weights can shrink. */
function lowerWhat(estimate: MemoryEstimate): string {
  return estimate.mode === 'head' ? 'lower the workers' : 'lower the batch size or the workers';
}

/**
 * The verdict: does not fit when the total is over the workstation's memory, or one replica is
 * over a wasm instance's 4 GiB address space on the wasm backend; tight (a warning) over 60 % of
 * the memory free now (other programs, the OS cache and the app itself need the rest); else fits.
 */
export function checkMemory(estimate: MemoryEstimate, machine: WorkstationMemory, backend: string): MemoryCheck {
  const total = estimate.bytes.total;
  const line = lineOf(estimate, machine);
  let verdict: MemoryVerdict = 'fits';
  let advice: string | null = null;
  if (total > machine.totalBytes) {
    verdict = 'does-not-fit';
    advice = `the training needs about ${formatGigabytes(total)}, more than this computer's ${formatGigabytes(machine.totalBytes)}: ${lowerWhat(estimate)}`;
  } else if (backend === 'wasm' && estimate.bytes.perWorker > wasmAddressSpaceBytes) {
    verdict = 'does-not-fit';
    advice = `each worker needs about ${formatGigabytes(estimate.bytes.perWorker)}, more than the 4 GiB a wasm worker can address: lower the batch size or raise the workers`;
  } else if (total > tightShareOfFree * machine.freeBytes) {
    verdict = 'tight';
    advice = `the training needs about ${formatGigabytes(total)}, over 60 % of the ${formatGigabytes(machine.freeBytes)} free now: close other programs, or ${lowerWhat(estimate)}`;
  }
  return { estimate, machine, backend, verdict, line, advice };
}

/** E_VALIDATION when a check does not fit, unless forced (`--force-memory`); says why and what to lower. */
export function assertMemoryFits(check: MemoryCheck, force: boolean): void {
  if (check.verdict !== 'does-not-fit' || force) return;
  throw new EinthovenError('E_VALIDATION', `not enough memory: ${check.advice ?? check.line} (${check.line}; --force-memory starts it anyway)`);
}

/** The estimate of a job about to start, held against this workstation now. */
export function checkTrainingMemory(options: MemoryEstimateOptions & { readonly backend: string }): MemoryCheck {
  return checkMemory(estimateTrainingMemory(options), workstationMemory(), options.backend);
}

/** The line a job prints before it trains: the estimate and, unless it fits, the verdict and advice. */
export function memoryReport(check: MemoryCheck): string {
  return check.verdict === 'fits' ? check.line : `${check.line} — ${check.verdict === 'tight' ? 'tight' : 'does not fit'}: ${check.advice ?? ''}`;
}

/** Says the estimate before a job trains (the CLI prints it), then refuses one that does not fit unless forced. */
export function announceMemory(check: MemoryCheck, force: boolean | undefined, context: JobContext): void {
  context.onProgress?.({ kind: 'phase', phase: 'loading', message: memoryReport(check) });
  assertMemoryFits(check, force === true);
}
