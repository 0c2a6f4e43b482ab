import os from 'node:os';
import { garbageCollectionReport } from '../engine/v8-flags';
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
  /** Workers a training or evaluation job uses unless told otherwise. */
  readonly default: number;
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
    max: maxWorkers,
    mode: 'data-parallel worker threads, one wasm backend and model replica each (--workers N)',
    gc: garbageCollectionReport(),
  };
}
