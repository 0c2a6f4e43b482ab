import os from 'node:os';
import { garbageCollectionReport } from '../engine/v8-flags';
import { defaultTrainingWorkers, minRowsPerTrainingWorker } from '../contract/training-schemas';
import { EinthovenError } from '../errors';

/** Most workers a job may ask for: more replicas than cores only adds memory and contention. */
export const maxWorkers = 64;

/** Cores this process may use (cgroup/affinity aware where Node knows it). */
export function availableCores(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

/**
 * The default number of training workers: every core but one, which stays with the UI and the
 * engine's main thread (SQLite, progress, validation bookkeeping); at least 1.
 */
export function defaultWorkers(cores = availableCores()): number {
  return Math.max(1, cores - 1);
}

/**
 * Workers for a training loop: a requested count as asked (validated); by default every core
 * but one, but no more than one per `minRowsPerTrainingWorker` rows of the batch. Every worker
 * adds fixed costs to a step (its weights reloaded, its gradient in the reduction), so past some
 * count more workers make a step slower. Measured on a 16-core host at batch 64
 * (docs/benchmarks.md "The CPU engine on 16 cores"): xresnet1d50, the starter's architecture,
 * 299 ms a step on 8 workers and 360 ms on 15; ResNet18-1D 809 and 766 ms, for 3.0 s more CPU
 * time a step and 1.3 GB more memory. Decoding and inference pools are not capped: their work is
 * whole records, not shards of one step.
 */
export function resolveTrainingWorkers(requested: number | undefined, batchSize: number, cores = availableCores()): number {
  if (requested !== undefined) return resolveWorkers(requested, cores);
  return defaultTrainingWorkers(cores, batchSize);
}

/** A requested worker count, validated; undefined → the default. */
export function resolveWorkers(requested: number | undefined, cores = availableCores()): number {
  if (requested === undefined) return defaultWorkers(cores);
  if (!Number.isInteger(requested) || requested < 1 || requested > maxWorkers) {
    throw new EinthovenError('E_VALIDATION', `workers must be an integer from 1 to ${maxWorkers}, got ${requested}`);
  }
  return requested;
}

/** What `ecg backend --json` reports about parallelism. */
export interface WorkersReport {
  readonly cores: number;
  /** Workers a job uses unless told otherwise (a training loop: also at most one per `minRowsPerTrainingWorker` rows of its batch). */
  readonly default: number;
  readonly minRowsPerTrainingWorker: number;
  readonly max: number;
  /** How the work is split. */
  readonly mode: string;
  /** Where garbage collection runs: on each worker's own thread when the engine started with its flags (core/engine/v8-flags.ts). */
  readonly gc: string;
}

export function workersReport(cores = availableCores()): WorkersReport {
  return {
    cores,
    default: defaultWorkers(cores),
    minRowsPerTrainingWorker,
    max: maxWorkers,
    mode: 'data-parallel worker threads, one wasm backend and model replica each (--workers N)',
    gc: garbageCollectionReport(),
  };
}
