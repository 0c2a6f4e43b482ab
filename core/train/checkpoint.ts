import type * as tf from '@tensorflow/tfjs';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { EinthovenError } from '../errors';
import { copyFileSynced, fsyncDir, writeFileAtomic } from '../storage/atomic';
import type { ParamGroup } from './step';
import { loadModelWeights, readTensors, saveModelWeights, writeTensors } from './weights-io';

/** A metric JSON cannot hold (NaN AUC of a class without positives, ±∞) is stored as null and read back as NaN. */
const metric = z.number().nullable().transform((v) => v ?? Number.NaN);

/** One epoch's figures, as the loop records them. */
export const epochRecordSchema = z.object({
  epoch: z.number().int().positive(),
  trainLoss: metric,
  valLoss: metric,
  f1Macro: metric,
  aucMacro: metric,
  mapMacro: metric,
  seconds: metric,
  samplesPerSecond: metric,
});
export type EpochRecord = z.output<typeof epochRecordSchema>;

/** Loop state saved beside the weights after every epoch. */
const trainStateSchema = z.object({
  jobKey: z.string(),
  epoch: z.number().int().nonnegative(),
  bestEpoch: z.number().int().nonnegative(),
  /** null stands for −∞ (JSON has no infinities). */
  bestScore: z.number().nullable(),
  history: z.array(epochRecordSchema),
  optimizerSteps: z.array(z.number().int().nonnegative()),
});
export type TrainState = Omit<z.output<typeof trainStateSchema>, 'bestScore'> & { readonly bestScore: number };

interface CheckpointTarget {
  readonly model: tf.LayersModel;
  readonly groups: readonly ParamGroup[];
  readonly jobKey: string;
}

/** The pointer file naming the complete generation to resume from. */
const pointerFile = 'checkpoint.json';
const pointerSchema = z.object({ generation: z.string().regex(/^epoch-\d+$/) });
const generationName = (epoch: number) => `epoch-${String(epoch).padStart(4, '0')}`;

/** JSON with non-finite numbers as null (JSON has no NaN or infinities). */
function finiteJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
}

/** The folder holding the checkpoint to resume from: a complete generation, or the folder itself (older layout). */
export async function checkpointGeneration(dir: string): Promise<string | undefined> {
  const pointer = path.join(dir, pointerFile);
  if (existsSync(pointer)) {
    const parsed = pointerSchema.safeParse(JSON.parse(await readFile(pointer, 'utf8')));
    if (!parsed.success) throw new EinthovenError('E_IO', `${pointer}: not a training checkpoint pointer`);
    return path.join(dir, parsed.data.generation);
  }
  return existsSync(path.join(dir, 'state.json')) ? dir : undefined;
}

/** Where a checkpoint's `last` or `best` weights are (for tools and tests that read them). */
export async function checkpointWeightsPath(dir: string, which: 'last' | 'best'): Promise<string> {
  const generation = await checkpointGeneration(dir);
  if (!generation) throw new EinthovenError('E_NOT_FOUND', `${dir}: no checkpoint`);
  return path.join(generation, which);
}

/**
 * Saves the epoch as a new generation folder (last weights, optimizer state, best weights,
 * state), every file fsynced, then atomically points checkpoint.json at it and removes older
 * generations. A kill -9 at any moment leaves the previous complete generation in charge.
 */
export async function saveCheckpoint(dir: string, state: TrainState, target: CheckpointTarget, improved: boolean): Promise<void> {
  await mkdir(dir, { recursive: true });
  const previous = await checkpointGeneration(dir);
  const name = generationName(state.epoch);
  const generation = path.join(dir, name);
  await rm(generation, { recursive: true, force: true });
  await mkdir(generation);
  await saveModelWeights(target.model, path.join(generation, 'last'));
  const steps: number[] = [];
  for (const [i, group] of target.groups.entries()) {
    const { step, moments } = group.optimizer.exportState(group.variables);
    steps.push(step);
    await writeTensors(path.join(generation, `optimizer-${i}`), moments.map((tensor, k) => ({ name: `${group.name}/${k}`, tensor })));
    moments.forEach((t) => t.dispose());
  }
  if (improved || !previous) await saveModelWeights(target.model, path.join(generation, 'best'));
  else for (const ext of ['.bin', '.json']) await copyFileSynced(path.join(previous, `best${ext}`), path.join(generation, `best${ext}`));
  await writeFileAtomic(path.join(generation, 'state.json'), finiteJson({ ...state, optimizerSteps: steps }));
  fsyncDir(generation);
  await writeFileAtomic(path.join(dir, pointerFile), JSON.stringify({ generation: name }));
  await removeStale(dir, name);
}

/** Older generations, the older flat layout's files and leftovers of interrupted saves. */
async function removeStale(dir: string, keep: string): Promise<void> {
  for (const entry of readdirSync(dir)) {
    const stale = (/^epoch-\d+$/.test(entry) && entry !== keep) || /^(last|best|optimizer-\d+)\.(bin|json)$/.test(entry) || entry === 'state.json';
    if (stale) await rm(path.join(dir, entry), { recursive: true, force: true });
  }
}

/**
 * Restores model, optimizers and loop state from a checkpoint of the same job. Returns the best
 * weights (for the caller to own), or undefined when there is nothing to resume.
 */
export async function loadCheckpoint(dir: string, target: CheckpointTarget): Promise<{ state: TrainState; best: tf.Tensor[] } | undefined> {
  const generation = await checkpointGeneration(dir);
  if (!generation) return undefined;
  const stateFile = path.join(generation, 'state.json');
  let json: unknown;
  try {
    json = JSON.parse(await readFile(stateFile, 'utf8'));
  } catch (error) {
    throw new EinthovenError('E_IO', `${stateFile}: unreadable training checkpoint (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = trainStateSchema.safeParse(json);
  if (!parsed.success) throw new EinthovenError('E_IO', `${stateFile}: not a training checkpoint (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  const raw = parsed.data;
  if (raw.jobKey !== target.jobKey) {
    throw new EinthovenError('E_VALIDATION', `${dir} holds a checkpoint of a different job; use another checkpoint folder or delete it`);
  }
  if (raw.optimizerSteps.length !== target.groups.length) throw new EinthovenError('E_IO', `${dir}: checkpoint has ${raw.optimizerSteps.length} optimizer groups, the job ${target.groups.length}`);
  await loadModelWeights(target.model, path.join(generation, 'best'));
  const best = target.model.getWeights().map((w) => w.clone());
  await loadModelWeights(target.model, path.join(generation, 'last'));
  for (const [i, group] of target.groups.entries()) {
    const moments = (await readTensors(path.join(generation, `optimizer-${i}`))).map((t) => t.tensor);
    group.optimizer.importState(group.variables, { step: raw.optimizerSteps[i] as number, moments });
    moments.forEach((t) => t.dispose());
  }
  return { state: { ...raw, bestScore: raw.bestScore ?? -Infinity }, best };
}
