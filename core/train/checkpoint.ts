import type * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { readFile, writeFile, rename, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { EinthovenError } from '../errors';
import type { EpochRecord } from './loop';
import { loadModelWeights, readTensors, saveModelWeights, writeTensors } from './weights-io';

/** Loop state saved beside the weights after every epoch. */
export interface TrainState {
  readonly jobKey: string;
  readonly epoch: number;
  readonly bestEpoch: number;
  readonly bestScore: number;
  readonly history: readonly EpochRecord[];
}

interface CheckpointTarget {
  readonly model: tf.LayersModel;
  readonly groups: readonly { readonly optimizer: tf.Optimizer }[];
  readonly jobKey: string;
}

/**
 * Saves the last epoch's weights and optimizer state (and the best weights when they improved),
 * then the state file last, so a crash mid-save leaves the previous checkpoint valid.
 */
export async function saveCheckpoint(dir: string, state: TrainState, target: CheckpointTarget, improved: boolean): Promise<void> {
  await mkdir(dir, { recursive: true });
  await saveModelWeights(target.model, path.join(dir, 'last'));
  for (const [i, group] of target.groups.entries()) {
    const weights = await group.optimizer.getWeights();
    await writeTensors(path.join(dir, `optimizer-${i}`), weights);
  }
  if (improved) await saveModelWeights(target.model, path.join(dir, 'best'));
  await writeFile(path.join(dir, 'state.json.tmp'), JSON.stringify({ ...state, bestScore: Number.isFinite(state.bestScore) ? state.bestScore : null }));
  await rename(path.join(dir, 'state.json.tmp'), path.join(dir, 'state.json'));
}

/**
 * Restores model, optimizers and loop state from a checkpoint of the same job. Returns the best
 * weights (for the caller to own), or undefined when there is nothing to resume.
 */
export async function loadCheckpoint(dir: string, target: CheckpointTarget): Promise<{ state: TrainState; best: tf.Tensor[] } | undefined> {
  const stateFile = path.join(dir, 'state.json');
  if (!existsSync(stateFile)) return undefined;
  const raw = JSON.parse(await readFile(stateFile, 'utf8')) as TrainState & { bestScore: number | null };
  if (raw.jobKey !== target.jobKey) {
    throw new EinthovenError('E_VALIDATION', `${dir} holds a checkpoint of a different job; use another checkpoint folder or delete it`);
  }
  await loadModelWeights(target.model, path.join(dir, 'best'));
  const best = target.model.getWeights().map((w) => w.clone());
  await loadModelWeights(target.model, path.join(dir, 'last'));
  for (const [i, group] of target.groups.entries()) {
    const weights = await readTensors(path.join(dir, `optimizer-${i}`));
    await group.optimizer.setWeights(weights);
  }
  return { state: { ...raw, bestScore: raw.bestScore ?? -Infinity }, best };
}
