import * as tf from '@tensorflow/tfjs';
import os from 'node:os';
import { isMainThread } from 'node:worker_threads';
import type * as ort from 'onnxruntime-node';
import { onnxDisabledReason, onnxRequired, onnxSettingName } from './setting';
import { exportOnnx, onnxArchitectures, OnnxExportUnsupported, unsupportedLayers } from './export';

/**
 * The forward pass on onnxruntime's CPU kernels (optional dependency `onnxruntime-node`), for
 * models the exporter covers, where tfjs would run on wasm or its pure-JS cpu backend: MLAS
 * uses the machine's AVX2/AVX-512 and every core, tfjs's wasm one 128-bit SIMD thread
 * (docs/benchmarks.md, "Inference on onnxruntime"). Training stays on tfjs — onnxruntime-node
 * has no training API — whose wasm backend borrows onnxruntime's conv and matrix kernels
 * (core/ml/backend/ort-kernels.ts). Nothing here opens a network connection; the package's
 * install script (a CUDA download) is disabled in package.json's allowScripts.
 *
 * Correctness does not depend on call sites: a session remembers a fingerprint of the weights it
 * was exported from and is rebuilt when they change (a model validated between epochs).
 */

type OrtModule = typeof ort;
type OrtSession = ort.InferenceSession;

export interface InferenceEngineReport {
  /** Which engine runs forward passes of exportable models in this process. */
  readonly engine: 'onnxruntime' | 'tfjs';
  readonly version?: string;
  readonly threads?: number;
  /** Why onnxruntime is not used, when it is not. */
  readonly reason?: string;
}

let runtime: Promise<{ ort: OrtModule } | { reason: string }> | undefined;

function loadRuntime(): Promise<{ ort: OrtModule } | { reason: string }> {
  runtime ??= (async () => {
    const disabled = onnxDisabledReason();
    if (disabled) return { reason: disabled };
    try {
      return { ort: await import('onnxruntime-node') };
    } catch (error) {
      const reason = `onnxruntime-node is not installed (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
      if (onnxRequired()) throw new Error(`${onnxSettingName}=on but ${reason}`, { cause: error });
      return { reason };
    }
  })();
  return runtime;
}

function threads(): number {
  return Math.max(1, os.availableParallelism());
}

/**
 * The options every forward-pass session is created with: every core, one operator at a time,
 * and intra-op threads that block instead of spinning. onnxruntime's pool threads otherwise
 * busy-wait for work between operators and for tens of milliseconds after each run, taking a
 * core from whatever runs next: `ecg predict` over a folder decodes and gates the next record
 * (JS, on the main thread) right after a forward pass. On a loaded 2-core machine predictions in
 * a row took half the time without spinning, and the forward pass alone was faster too, not
 * slower (docs/benchmarks.md, "predict-sequence").
 */
export function onnxSessionOptions(intraOpThreads: number = threads()): ort.InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: intraOpThreads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    // onnxruntime's session config key `session.intra_op.allow_spinning` (the node binding joins nested keys with dots).
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
}

/** Where tfjs itself runs on a GPU or native TensorFlow, its own forward pass is kept. */
function tfjsBackendIsCpu(): boolean {
  const backend = tf.getBackend();
  return backend === 'wasm' || backend === 'cpu';
}

/** Whether a model of this architecture would run its forward pass on onnxruntime here (main thread). */
export async function onnxRunsArchitecture(architecture: string): Promise<boolean> {
  return isMainThread && onnxArchitectures.has(architecture) && tfjsBackendIsCpu() && !('reason' in (await loadRuntime()));
}

/** What `ecg backend --json` reports about inference. */
export async function inferenceEngineReport(): Promise<InferenceEngineReport> {
  const loaded = await loadRuntime();
  if ('reason' in loaded) return { engine: 'tfjs', reason: loaded.reason };
  if (!tfjsBackendIsCpu()) return { engine: 'tfjs', reason: `the ${tf.getBackend()} backend runs the forward pass itself` };
  return { engine: 'onnxruntime', version: loaded.ort.env.versions.node ?? 'unknown', threads: threads() };
}

/**
 * A cheap fingerprint of every weight: sum and position-weighted sum of every 61st value and of
 * each tensor's last values. An optimiser step moves (almost) every weight, so training between
 * two calls always changes it; it is not a hash against deliberate collisions.
 */
export function weightsFingerprint(model: tf.LayersModel): string {
  let sum = 0;
  let weighted = 0;
  model.weights.forEach((w, i) => {
    const values = w.read().dataSync() as Float32Array;
    for (let j = i % 61; j < values.length; j += 61) {
      sum += values[j] as number;
      weighted += (values[j] as number) * ((j % 1021) + 1);
    }
    for (let j = Math.max(0, values.length - 8); j < values.length; j++) weighted += (values[j] as number) * (i + 1);
  });
  return `${model.weights.length}:${sum}:${weighted}`;
}

interface CachedSession {
  readonly fingerprint: string;
  readonly session: Promise<OrtSession | null>;
}

/**
 * Sessions of the models used last, most recent last. Bounded, because a session holds its own
 * copy of the weights in native memory and a model's dispose() cannot tell us. A dropped session
 * is freed when it is garbage-collected, never by release(): another request may still be
 * running it (an ensemble's members, two predictions at once).
 */
const sessions = new Map<tf.LayersModel, CachedSession>();
const maxSessions = 8;

function remember(model: tf.LayersModel, entry: CachedSession): void {
  sessions.delete(model);
  sessions.set(model, entry);
  while (sessions.size > maxSessions) {
    const [oldest] = sessions.keys();
    sessions.delete(oldest);
  }
}
const unsupported = new WeakSet<tf.LayersModel>();

async function createSession(ort: OrtModule, model: tf.LayersModel): Promise<OrtSession | null> {
  try {
    const bytes = await exportOnnx(model);
    return await ort.InferenceSession.create(bytes, onnxSessionOptions());
  } catch (error) {
    if (error instanceof OnnxExportUnsupported) {
      unsupported.add(model);
      return null;
    }
    throw error;
  }
}

/**
 * The onnxruntime session for this model's current weights, or null where tfjs runs the forward
 * pass: onnxruntime absent or turned off, a GPU or native backend active, a layer without
 * export, or a worker thread (the engine's pools split work across threads themselves; one
 * onnxruntime session already uses every core).
 */
export async function onnxSessionFor(model: tf.LayersModel): Promise<OrtSession | null> {
  if (!isMainThread || unsupported.has(model) || !tfjsBackendIsCpu()) return null;
  if (unsupportedLayers(model).length > 0) {
    unsupported.add(model);
    return null;
  }
  const loaded = await loadRuntime();
  if ('reason' in loaded) return null;
  const fingerprint = weightsFingerprint(model);
  const cached = sessions.get(model);
  if (cached?.fingerprint === fingerprint) {
    remember(model, cached);
    return cached.session;
  }
  const session = createSession(loaded.ort, model);
  remember(model, { fingerprint, session });
  return session;
}

/** True when this model's forward pass runs on onnxruntime here (see onnxSessionFor). */
export async function runsOnOnnx(model: tf.LayersModel): Promise<boolean> {
  return (await onnxSessionFor(model)) !== null;
}

/** Logits [batch, classes] of channels-last inputs [batch, length, leads], packed row-major. */
export async function onnxLogits(session: OrtSession, data: Float32Array, shape: readonly [number, number, number]): Promise<number[][]> {
  const loaded = await loadRuntime();
  if ('reason' in loaded) throw new Error(loaded.reason);
  const input = new loaded.ort.Tensor('float32', data, [...shape]);
  const output = (await session.run({ ecg: input })).logits;
  if (!output) throw new Error('the ONNX model returned no logits');
  const values = output.data as Float32Array;
  const classes = output.dims[1] as number;
  return Array.from({ length: shape[0] }, (_, b) => Array.from(values.subarray(b * classes, (b + 1) * classes)));
}
