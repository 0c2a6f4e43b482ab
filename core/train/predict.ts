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
 * the same way, through `Pipeline.evalInputs`). Inputs of several records share batches. With a
 * `cache`, the inputs of a call on the same records are kept (within its bound) and the next
 * call's are taken from it: a training loop validates the same records every epoch.
 */
export async function recordLogits(model: tf.LayersModel, store: SignalStore, ids: readonly string[], options: EvalOptions, cache?: EvalInputCache): Promise<number[][]> {
  const batchSize = options.batchSize ?? 32;
  if (options.mode === 'random') {
    const rng = createRng(options.seed ?? 0);
    return logitsOf(model, ids.map((id) => store.sample(id, 'train', rng)), batchSize);
  }
  const stride = options.stride ?? (options.mode === 'centre' ? defaultStride(store) : undefined);
  if (!stride || stride < 1) throw new EinthovenError('E_VALIDATION', 'sliding-window evaluation needs a positive stride');
  const mode = options.mode === 'windows' ? 'windows' : 'centre';
  const kept = cache?.held(store, ids, options);
  const keeping = kept ? undefined : cache?.start(store, ids, options);
  const out: number[][] = [];
  // Records go through the model a few at a time, so a long record's windows never pile up in memory.
  for (const [p, part] of chunk(ids, Math.max(1, batchSize), false).entries()) {
    const inputs = kept?.[p] ?? part.map((id) => store.evalInputs(id, { mode, stride }));
    keeping?.add(inputs);
    const logits = await logitsOf(model, inputs.flat(), batchSize);
    let next = 0;
    for (const windows of inputs) {
      out.push(aggregateLogits(logits.slice(next, next + windows.length), options.aggregate));
      next += windows.length;
    }
  }
  keeping?.finish();
  return out;
}

/** One part of recordLogits' records: each record's inputs (its centre crop, or its windows), each input its leads. */
type InputPart = readonly (readonly (readonly Float32Array[])[])[];

/** Bytes of a part's inputs. */
function partBytes(part: InputPart): number {
  let bytes = 0;
  for (const windows of part) for (const input of windows) for (const lead of input) bytes += lead.byteLength;
  return bytes;
}

/**
 * The evaluation inputs of one call of recordLogits (its records, options and store, whose
 * pipeline is fixed once training starts), kept for the calls after it on the same records, so
 * that a training loop crops and normalises its validation records once, not every epoch.
 * Evaluation inputs are deterministic (centre crop or windows, no augmentation), so kept inputs
 * are the very ones a call would compute. Bounded: inputs over `maxBytes` in all are not kept
 * (every call then computes its own, as without a cache). `release` drops them.
 */
export class EvalInputCache {
  #key: string | undefined;
  #store: SignalStore | undefined;
  #config: SignalStore['pipelineConfig'] | undefined;
  #parts: InputPart[] | undefined;
  #bytes = 0;

  constructor(readonly maxBytes: number) {}

  /** Bytes of the inputs held now. */
  get bytes(): number {
    return this.#bytes;
  }

  /** The kept inputs of exactly this call, part by part, or undefined. */
  held(store: SignalStore, ids: readonly string[], options: EvalOptions): readonly InputPart[] | undefined {
    return this.#parts && this.#matches(store, ids, options) ? this.#parts : undefined;
  }

  /** Starts keeping this call's inputs (dropping any others): each part is added as it is computed. */
  start(store: SignalStore, ids: readonly string[], options: EvalOptions): { add(part: InputPart): void; finish(): void } {
    this.release();
    const parts: InputPart[] = [];
    let bytes = 0;
    let over = this.maxBytes <= 0;
    return {
      add: (part) => {
        if (over) return;
        bytes += partBytes(part);
        over = bytes > this.maxBytes;
        if (over) parts.length = 0; // over the bound: keep nothing, compute every call as before
        else parts.push(part);
      },
      finish: () => {
        if (over) return;
        this.#key = keyOf(ids, options);
        this.#store = store;
        this.#config = store.pipelineConfig;
        this.#parts = parts;
        this.#bytes = bytes;
      },
    };
  }

  /** Drops the kept inputs (the loop's end, or an error). */
  release(): void {
    this.#key = undefined;
    this.#store = undefined;
    this.#config = undefined;
    this.#parts = undefined;
    this.#bytes = 0;
  }

  #matches(store: SignalStore, ids: readonly string[], options: EvalOptions): boolean {
    // The same store under the same pipeline (a fitted standardisation replaces the config).
    return this.#store === store && this.#config === store.pipelineConfig && this.#key === keyOf(ids, options);
  }
}

function keyOf(ids: readonly string[], options: EvalOptions): string {
  return JSON.stringify([ids, options.mode, options.stride ?? null, options.batchSize ?? null]);
}

/** Half the crop: the stride a centre-crop model uses on a record it reads by windows. */
function defaultStride(store: SignalStore): number {
  const crop = store.pipelineConfig.stages.find((s) => s.kind === 'crop');
  return crop?.kind === 'crop' ? Math.max(1, Math.floor(crop.length / 2)) : 1;
}
