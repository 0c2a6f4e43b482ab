import type { ErrorInfo } from '../errors';
import { decodeFileGroup, type DecodeOptions, type DecodeOutcome, type FileGroup } from '../formats/index';
import { measurementJson } from '../cli/commands/measure';
import { voltageLeads } from '../formats/leads';
import { analyseEcg } from '../signal/measure';
import type { LoadedModel } from '../train/ensemble/package';
import { predictModel } from '../train/ensemble/score';
import * as tf from '@tensorflow/tfjs';
import { WorkerPool } from './pool';
import { parallelBackend } from './runner';

/** What to do with each record of a list of files: predict it with a package, or measure it. */
export type FileTask = { readonly kind: 'predict'; readonly model: string } | { readonly kind: 'measure' };

/** One record's answer, or why its files could not be read. */
export type FileResult = { readonly file: string; readonly ok: true; readonly value: unknown } | { readonly file: string; readonly ok: false; readonly error: ErrorInfo };

/** Decodes one group and runs the task on it (in a worker or in this thread). */
export async function runFileTask(group: FileGroup, options: DecodeOptions, task: FileTask, packageAt: (location: string) => Promise<LoadedModel>): Promise<FileResult> {
  const outcome: DecodeOutcome = decodeFileGroup(group, options);
  const file = outcome.files[0] ?? '?';
  if (!outcome.ok) return { file, ok: false, error: outcome.error };
  if (task.kind === 'predict') return { file, ok: true, value: await predictModel(await packageAt(task.model), outcome.record) };
  return { file, ok: true, value: measurementJson(file, outcome.record, analyseEcg(voltageLeads(outcome.record.leads), outcome.record.fs, { sex: outcome.record.patient.sex })) };
}

/**
 * Runs the task over the groups — on `workers` threads when that is more than one and there
 * are enough files to share, else here — emitting results in the files' order.
 */
export async function forEachFileResult(groups: readonly FileGroup[], options: DecodeOptions, task: FileTask, workers: number, emit: (result: FileResult) => void, packageAt: (location: string) => Promise<LoadedModel>): Promise<void> {
  const backend = parallelBackend(tf.getBackend());
  const size = Math.min(workers, Math.ceil(groups.length / chunkSize));
  if (size > 1 && backend) {
    const pool = WorkerPool.start(size, backend);
    try {
      await fileTaskOnPool(pool, groups, options, task, emit);
    } finally {
      await pool.close();
    }
    return;
  }
  for (const group of groups) emit(await runFileTask(group, options, task, packageAt));
}

/** Groups per request: small, so that results print steadily and in order. */
const chunkSize = 4;

/**
 * Runs the task over every group on the pool's workers (two requests in flight per worker) and
 * hands the results to `emit` in the groups' order as soon as every earlier one is in.
 */
export async function fileTaskOnPool(pool: WorkerPool, groups: readonly FileGroup[], options: DecodeOptions, task: FileTask, emit: (result: FileResult) => void): Promise<void> {
  const chunks: FileGroup[][] = [];
  for (let i = 0; i < groups.length; i += chunkSize) chunks.push(groups.slice(i, i + chunkSize));
  const done = new Map<number, FileResult[]>();
  let next = 0;
  let printed = 0;
  let turn = 0;
  const flush = () => {
    while (done.has(printed)) {
      for (const result of done.get(printed) as FileResult[]) emit(result);
      done.delete(printed++);
    }
  };
  const lane = async () => {
    while (next < chunks.length) {
      const index = next++;
      done.set(index, await pool.call<FileResult[]>(turn++ % pool.size, { kind: 'record-files', groups: chunks[index] as FileGroup[], options, task }));
      flush();
    }
  };
  await Promise.all(Array.from({ length: pool.size * 2 }, lane));
}
