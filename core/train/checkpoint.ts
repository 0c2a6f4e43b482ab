import type * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { EinthovenError } from '../errors';
import type { ParamGroup } from './step';
import { loadModelWeights, readTensors, saveModelWeights, writeTensors } from './weights-io';

/** One epoch's figures, as the loop records them. */
export const epochRecordSchema = z.object({
  epoch: z.number().int().positive(),
  trainLoss: z.number(),
  valLoss: z.number(),
  f1Macro: z.number(),
  aucMacro: z.number(),
  mapMacro: z.number(),
  seconds: z.number(),
  samplesPerSecond: z.number(),
});
export type EpochRecord = z.infer<typeof epochRecordSchema>;

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
export type TrainState = Omit<z.infer<typeof trainStateSchema>, 'bestScore'> & { readonly bestScore: number };

interface CheckpointTarget {
  readonly model: tf.LayersModel;
  readonly groups: readonly ParamGroup[];
  readonly jobKey: string;
}

/**
 * Saves the last epoch's weights and optimizer state (and the best weights when they improved),
 * then the state file last, so a crash mid-save leaves the previous checkpoint valid.
 */
export async function saveCheckpoint(dir: string, state: TrainState, target: CheckpointTarget, improved: boolean): Promise<void> {
  await mkdir(dir, { recursive: true });
  await saveModelWeights(target.model, path.join(dir, 'last'));
  const steps: number[] = [];
  for (const [i, group] of target.groups.entries()) {
    const { step, moments } = group.optimizer.exportState(group.variables);
    steps.push(step);
    await writeTensors(path.join(dir, `optimizer-${i}`), moments.map((tensor, k) => ({ name: `${group.name}/${k}`, tensor })));
    moments.forEach((t) => t.dispose());
  }
  if (improved) await saveModelWeights(target.model, path.join(dir, 'best'));
  const saved = { ...state, bestScore: Number.isFinite(state.bestScore) ? state.bestScore : null, optimizerSteps: steps };
  await writeFile(path.join(dir, 'state.json.tmp'), JSON.stringify(saved));
  await rename(path.join(dir, 'state.json.tmp'), path.join(dir, 'state.json'));
}

/**
 * Restores model, optimizers and loop state from a checkpoint of the same job. Returns the best
 * weights (for the caller to own), or undefined when there is nothing to resume.
 */
export async function loadCheckpoint(dir: string, target: CheckpointTarget): Promise<{ state: TrainState; best: tf.Tensor[] } | undefined> {
  const stateFile = path.join(dir, 'state.json');
  if (!existsSync(stateFile)) return undefined;
  const parsed = trainStateSchema.safeParse(JSON.parse(await readFile(stateFile, 'utf8')));
  if (!parsed.success) throw new EinthovenError('E_IO', `${stateFile}: not a training checkpoint (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  const raw = parsed.data;
  if (raw.jobKey !== target.jobKey) {
    throw new EinthovenError('E_VALIDATION', `${dir} holds a checkpoint of a different job; use another checkpoint folder or delete it`);
  }
  if (raw.optimizerSteps.length !== target.groups.length) throw new EinthovenError('E_IO', `${dir}: checkpoint has ${raw.optimizerSteps.length} optimizer groups, the job ${target.groups.length}`);
  await loadModelWeights(target.model, path.join(dir, 'best'));
  const best = target.model.getWeights().map((w) => w.clone());
  await loadModelWeights(target.model, path.join(dir, 'last'));
  for (const [i, group] of target.groups.entries()) {
    const moments = (await readTensors(path.join(dir, `optimizer-${i}`))).map((t) => t.tensor);
    group.optimizer.importState(group.variables, { step: raw.optimizerSteps[i] as number, moments });
    moments.forEach((t) => t.dispose());
  }
  return { state: { ...raw, bestScore: raw.bestScore ?? -Infinity }, best };
}
