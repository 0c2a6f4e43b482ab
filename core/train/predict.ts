import * as tf from '@tensorflow/tfjs';
import { EinthovenError } from '../errors';
import { readRows } from '../ml/backend/read';
import { microBatchSize } from '../ml/backend/webgpu-memory';
import { onnxLogits, onnxSessionFor } from '../ml/onnx/runtime';
import { chunk, packChannelsLast } from '../data/batches';
import type { SignalStore } from '../data/store';
import { createRng } from '../signal/rng';

export const evalModes = ['centre', 'windows'] as const;
/** 'random': the paper code's CPSC/HSM evaluation (random crop + augmentation, seeded); paperExact only. */
export type EvalMode = (typeof evalModes)[number] | 'random';

/** How records are turned into model inputs at evaluation. */
export interface EvalOptions {
  /** 'centre': the paper's single centre crop; 'windows': every window over the record. */
  readonly mode: EvalMode;
  /** Window stride in samples (windows mode); half the crop length is the usual choice. */
  readonly stride?: number;
  /** How window outputs combine: mean or max of the logits (max = Strodthoff's aggregate). */
  readonly aggregate?: 'mean' | 'max';
  readonly batchSize?: number;
  /** Seed of the 'random' mode's crops and augmentation. */
  readonly seed?: number;
}

/**
 * Runs the model on packed inputs in batches and returns logits per input: on onnxruntime where
 * the model exports and tfjs runs on a CPU backend (core/ml/onnx/runtime.ts), else on tfjs.
 */
export async function logitsOf(model: tf.LayersModel, inputs: readonly (readonly Float32Array[])[], batchSize: number): Promise<number[][]> {
  const out: number[][] = [];
  const session = inputs.length > 0 ? await onnxSessionFor(model) : null;
  if (session) {
    for (const part of chunk(inputs, batchSize, false)) {
      const { data, shape } = packChannelsLast(part);
      out.push(...(await onnxLogits(session, data, shape)));
    }
    return out;
  }
  // Smaller batches where the GPU's buffer limits require them (webgpu only).
  const size = Math.min(batchSize, microBatchSize(model, batchSize) ?? batchSize);
  for (const part of chunk(inputs, size, false)) {
    const { data, shape } = packChannelsLast(part);
    const y = tf.tidy(() => model.predict(tf.tensor3d(data, shape)) as tf.Tensor);
    try {
      out.push(...(await readRows(y)));
    } finally {
      y.dispose();
    }
  }
  return out;
}

/** One record's logits from its windows' logits: mean or max per class. */
export function aggregateLogits(windows: readonly (readonly number[])[], aggregate: 'mean' | 'max' = 'mean'): number[] {
  const classes = windows[0]?.length ?? 0;
  return Array.from({ length: classes }, (_, j) => {
    const values = windows.map((w) => w[j] as number);
    return aggregate === 'max' ? Math.max(...values) : values.reduce((a, b) => a + b, 0) / values.length;
  });
}

/**
 * Logits of each record (one row per id): from its centre crop, or aggregated (mean or max) over
 * windows across its whole length — in windows mode, and in centre mode for a record longer than
 * the padded length when the pipeline keeps long records whole (the app's predictor reads records
 * the same way, through `Pipeline.evalInputs`). Inputs of several records share batches.
 */
export async function recordLogits(model: tf.LayersModel, store: SignalStore, ids: readonly string[], options: EvalOptions): Promise<number[][]> {
  const batchSize = options.batchSize ?? 32;
  if (options.mode === 'random') {
    const rng = createRng(options.seed ?? 0);
    return logitsOf(model, ids.map((id) => store.sample(id, 'train', rng)), batchSize);
  }
  const stride = options.stride ?? (options.mode === 'centre' ? defaultStride(store) : undefined);
  if (!stride || stride < 1) throw new EinthovenError('E_VALIDATION', 'sliding-window evaluation needs a positive stride');
  const out: number[][] = [];
  // Records go through the model a few at a time, so a long record's windows never pile up in memory.
  for (const part of chunk(ids, Math.max(1, batchSize), false)) {
    const inputs = part.map((id) => store.evalInputs(id, { mode: options.mode === 'windows' ? 'windows' : 'centre', stride }));
    const logits = await logitsOf(model, inputs.flat(), batchSize);
    let next = 0;
    for (const windows of inputs) {
      out.push(aggregateLogits(logits.slice(next, next + windows.length), options.aggregate));
      next += windows.length;
    }
  }
  return out;
}

/** Half the crop: the stride a centre-crop model uses on a record it reads by windows. */
function defaultStride(store: SignalStore): number {
  const crop = store.pipelineConfig.stages.find((s) => s.kind === 'crop');
  return crop?.kind === 'crop' ? Math.max(1, Math.floor(crop.length / 2)) : 1;
}
