/**
 * Entry of a worker thread (core/parallel): its own tfjs backend (wasm with our training
 * kernels), a model replica, and a view of the shared signal store. It answers the requests of
 * core/parallel/pool.ts one at a time, in order.
 */
import * as tf from '@tensorflow/tfjs';
import { parentPort, workerData } from 'node:worker_threads';
import type { SignalStore } from '../data/store';
import { EinthovenError, toErrorInfo } from '../errors';
import { initBackend } from '../ml/backend/init';
import type { LoadedModel } from '../train/ensemble/package';
import type { DecodeOutcome, WorkerEnvelope, WorkerReply, WorkerRequest, WorkerStart } from './protocol';
import type { EvalInputCache } from '../train/predict';
import type { Replica } from './replica';
import type { SharedUpdateState } from './shared-update';

/**
 * What each kind of request needs, imported at its first such request and kept: a pool's workers
 * serve one purpose (training, prediction, decoding or file tasks), and importing every purpose's
 * modules at start (the model zoo, package verification, ONNX, the readers and the measurements)
 * cost each training worker about 0.35 s of CPU from source (tsx), before its first request.
 */
function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
}
const models = onFirstUse(() => import('./replica'));
const updates = onFirstUse(() => import('./shared-update'));
const batches = onFirstUse(async () => ({ ...(await import('../data/batches')), ...(await import('../signal/rng')) }));
const signals = onFirstUse(async () => ({ ...(await import('../data/store')), ...(await import('../signal/pipeline')) }));
const packaged = onFirstUse(async () => ({ ...(await import('../train/ensemble/package')), ...(await import('../train/ensemble/score')) }));
const logits = onFirstUse(() => import('../train/predict'));
const fileTasks = onFirstUse(() => import('./record-files'));

interface PreparedShard {
  readonly x: { data: Float32Array; shape: number[] };
  readonly labels: readonly (readonly number[])[];
}

const start = workerData as WorkerStart;
const ready = initBackend({ force: start.backend });
let replica: Replica | undefined;
let store: SignalStore | undefined;
let updateState: SharedUpdateState | undefined;
const prepared = new Map<number, PreparedShard>();
/** A training loop's validation inputs, kept from one epoch's request to the next (a 'logits' request's keepBytes). */
let validation: EvalInputCache | undefined;
/** Packages this worker predicts with, by location; the last two used stay loaded (as ModelDirectory). */
const packages = new Map<string, Promise<LoadedModel>>();

async function packageAt(location: string): Promise<LoadedModel> {
  let loaded = packages.get(location);
  if (!loaded) {
    loaded = packaged().then(({ loadModel }) => loadModel(location));
    loaded.catch(() => packages.delete(location));
    packages.set(location, loaded);
  } else packages.delete(location);
  packages.set(location, loaded); // most recent last
  while (packages.size > 2) {
    const [oldest, held] = packages.entries().next().value as [string, Promise<LoadedModel>];
    packages.delete(oldest);
    void held.then(async (model) => (await packaged()).disposeModel(model), () => undefined);
  }
  return loaded;
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new EinthovenError('E_INTERNAL', `worker ${start.index}: no ${what} loaded`);
  return value;
}

async function decode(request: Extract<WorkerRequest, { kind: 'decode' }>): Promise<DecodeOutcome[]> {
  const { buildPipeline, loadOne, splitAtCrop } = await signals();
  const before = buildPipeline(splitAtCrop(request.before).before);
  const out: DecodeOutcome[] = [];
  for (const item of request.items) {
    try {
      const { signal: s, contentHash, profile, seconds } = await loadOne(item, before, request.cacheDir ?? undefined);
      out.push({ id: item.id, fs: s.fs, signal: [...s.signal], contentHash, ...(profile ? { profile } : {}), seconds });
    } catch (error) {
      out.push({ id: item.id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return out;
}

async function handle(request: WorkerRequest): Promise<unknown> {
  await ready;
  switch (request.kind) {
    case 'replica':
      replica?.model.dispose();
      replica = await (await models()).Replica.create(request.spec);
      return null;
    case 'store':
      validation?.release(); // kept inputs are of the store before
      store = (await signals()).SignalStore.attach(request.shared);
      return null;
    case 'prepare': {
      const s = need(store, 'signal store');
      const { packChannelsLast, createRng } = await batches();
      const x = packChannelsLast(request.ids.map((id, i) => s.sample(id, 'train', createRng(request.seeds[i] as number))));
      prepared.set(request.step, { x, labels: request.labels });
      return null;
    }
    case 'step': {
      const shard = prepared.get(request.step);
      if (!shard) throw new EinthovenError('E_INTERNAL', `worker ${start.index}: step ${request.step} was not prepared`);
      prepared.delete(request.step);
      const x = tf.tensor(shard.x.data, shard.x.shape);
      const y = tf.tensor2d(shard.labels.map((row) => [...row]));
      try {
        return need(replica, 'model').step(x, y, request.loss, request.dropoutSeed, request.slots);
      } finally {
        tf.dispose([x, y]);
      }
    }
    case 'update-state':
      updateState = request.state;
      return null;
    case 'update':
      (await updates()).reduceAndUpdate(need(updateState, 'update state'), request.share);
      return null;
    case 'logits': {
      const r = need(replica, 'model');
      r.sync();
      const { recordLogits, EvalInputCache } = await logits();
      if (validation?.maxBytes !== request.keepBytes) validation?.release();
      if (!request.keepBytes) validation = undefined;
      else if (validation?.maxBytes !== request.keepBytes) validation = new EvalInputCache(request.keepBytes);
      return recordLogits(r.model, need(store, 'signal store'), request.ids, request.evaluation, validation);
    }
    case 'features': {
      const r = need(replica, 'model');
      const s = need(store, 'signal store');
      const [{ logitsOf }, { createRng }] = await Promise.all([logits(), batches()]);
      r.sync();
      const out: number[][][] = [];
      for (const [i, id] of request.ids.entries()) {
        if (request.crops > 0) {
          const rng = createRng(request.seeds[i] as number);
          out.push(await logitsOf(r.model, Array.from({ length: request.crops }, () => s.sample(id, 'train', rng)), request.batchSize));
        } else {
          const windows = request.evaluation.mode === 'windows' ? s.windows(id, request.evaluation.stride ?? 1) : [s.sample(id, 'eval')];
          out.push(await logitsOf(r.model, windows, request.batchSize));
        }
      }
      return out;
    }
    case 'decode':
      return decode(request);
    case 'predict':
      return (await packaged()).predictModel(await packageAt(request.location), request.input);
    case 'record-files': {
      const { runFileTask } = await fileTasks();
      const out = [];
      for (const group of request.groups) out.push(await runFileTask(group, request.options, request.task, packageAt));
      return out;
    }
  }
}

/** Requests run strictly one after another: a step never overlaps a prepare of the same worker. */
let queue: Promise<void> = Promise.resolve();
parentPort?.on('message', (envelope: WorkerEnvelope) => {
  queue = queue.then(async () => {
    let reply: WorkerReply;
    try {
      reply = { id: envelope.id, ok: true, value: await handle(envelope.request) };
    } catch (error) {
      reply = { id: envelope.id, ok: false, error: toErrorInfo(error) };
    }
    const transfer = transferables(reply);
    parentPort?.postMessage(reply, transfer);
  });
});

/** Decoded signals go back by transfer (moved, not copied). */
function transferables(reply: WorkerReply): ArrayBuffer[] {
  if (!reply.ok || !Array.isArray(reply.value)) return [];
  const out = new Set<ArrayBuffer>();
  for (const entry of reply.value as unknown[]) {
    const signal = (entry as { signal?: unknown }).signal;
    if (Array.isArray(signal)) for (const lead of signal) if (lead instanceof Float32Array && lead.buffer instanceof ArrayBuffer) out.add(lead.buffer);
  }
  return [...out];
}
