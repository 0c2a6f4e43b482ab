import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { recordContentHash } from '../engine/record-hash';
import { profileFromJson, profileToJson, recordProfile, type RecordProfile } from '../engine/record-profile';
import { EinthovenError } from '../errors';
import { recordSeconds } from '../formats/record';
import { buildPipeline, evaluatesByWindows, type EvalInputOptions, type LeadSignal, type Pipeline } from '../signal/pipeline';
import type { PipelineConfig } from '../signal/pipeline-config';
import type { Rng } from '../signal/rng';
import { perLeadMoments, withFittedStandardisation } from '../signal/standardise';
import { cacheKey, readCached, readCachedSync, writeCached } from './disk-cache';
import { decodeRecordFiles, recordToLeadSignal } from './records';
import type { DatasetItem } from './types';

/**
 * Records whose evaluation inputs this thread computed (SignalStore.evalInputs: crop or windows,
 * then normalisation): a real counter, which tests read to find that a training loop crops and
 * normalises its validation records once, not every epoch.
 */
export const evalInputReads = { count: 0 };

/**
 * A store's decoded records in one SharedArrayBuffer (in-memory mode) or its disk-cache keys
 * (disk-backed mode), plus the pipeline: what a worker thread needs to draw the same samples
 * without a copy of the data. Posting it to N workers shares the buffer, never copies it.
 */
export interface SharedSignals {
  readonly buffer: SharedArrayBuffer | null;
  /** [id, float offset, leads, samples per lead, fs] of every in-memory record. */
  readonly entries: readonly (readonly [string, number, number, number, number])[];
  readonly diskDir: string | null;
  readonly diskKeys: readonly (readonly [string, string])[];
  readonly config: PipelineConfig;
}

/** The stages before the first crop (run once per record and cached), and the rest (run per sample). */
export function splitAtCrop(config: PipelineConfig): { before: PipelineConfig; after: PipelineConfig } {
  const at = config.stages.findIndex((s) => s.kind === 'crop');
  const cut = at < 0 ? config.stages.length : at;
  return {
    before: { ...config, stages: config.stages.slice(0, cut), augmentation: null },
    after: { ...config, stages: config.stages.slice(cut) },
  };
}

export interface StoreOptions {
  readonly pipeline: PipelineConfig;
  /** Folder for decoded+filtered records, for data larger than memory or repeated runs. */
  readonly cacheDir?: string;
  /**
   * false: keep only the cache keys in memory and read each record from `cacheDir` when a
   * sample is drawn (data larger than memory; the OS page cache does the rest). Default true.
   */
  readonly inMemory?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Decodes a batch of items elsewhere (core/parallel: worker threads), each with the stages
   * before the crop and through `cacheDir`; `lanes` batches run at once. Absent: this thread.
   */
  readonly decoder?: { readonly decode: (items: readonly DatasetItem[]) => Promise<DecodedItem[]>; readonly lanes: number };
}

/** One item decoded by a StoreOptions.decoder: its signal, or why it failed. */
export type DecodedItem = { readonly id: string; readonly fs: number; readonly signal: Float32Array[]; readonly contentHash: string; readonly profile?: RecordProfile; readonly seconds: number } | { readonly id: string; readonly error: string };

/**
 * Decoded and filtered records, held once in memory (and optionally on disk); crops,
 * normalisation and augmentation run on the fly per sample, so every epoch sees new crops.
 */
export class SignalStore {
  private readonly signals = new Map<string, LeadSignal>();
  /** Disk-backed mode: record id → cache key in `diskDir`. */
  private readonly onDisk = new Map<string, string>();
  private diskDir: string | undefined;
  private after: Pipeline;
  /** The in-memory records' SharedArrayBuffer once shared (views of this store share it too). */
  private sharedData: Pick<SharedSignals, 'buffer' | 'entries'> | undefined;
  private shared: SharedSignals | undefined;
  /** Records that could not be decoded, with why; they are left out of training and evaluation. */
  readonly failures: { id: string; message: string }[] = [];
  /** Content hash (core/engine/record-hash.ts) of every decoded record: which recordings a model saw. */
  readonly #contentHashes = new Map<string, string>();
  /** Rate-free profile (core/engine/record-profile.ts) of every decoded record that has one: the same ECG at another rate. */
  readonly #profiles = new Map<string, RecordProfile>();
  /**
   * Duration in seconds of every decoded record as its file holds it (recordSeconds): the shortest
   * validation record bounds a package's intended input, which predict holds records to by that
   * measure. The resampled signal's can be longer (the resampler rounds its length up).
   */
  readonly #seconds = new Map<string, number>();

  private constructor(private config: PipelineConfig) {
    this.after = buildPipeline(splitAtCrop(config).after);
  }

  /** Decodes and filters every item once. */
  static async build(items: readonly DatasetItem[], options: StoreOptions): Promise<SignalStore> {
    const store = new SignalStore(options.pipeline);
    const before = buildPipeline(splitAtCrop(options.pipeline).before);
    const inMemory = options.inMemory ?? true;
    if (!inMemory && !options.cacheDir) throw new EinthovenError('E_VALIDATION', 'a disk-backed signal store needs a cache folder');
    store.diskDir = inMemory ? undefined : options.cacheDir;
    if (options.decoder) {
      await store.addDecoded(items, await decodeInLanes(items, options.decoder, options), before, inMemory);
      return store;
    }
    for (const [i, item] of items.entries()) {
      if (options.signal?.aborted) throw new EinthovenError('E_CANCELLED', 'cancelled while loading records');
      try {
        const { signal, contentHash, profile, seconds } = await loadOne(item, before, options.cacheDir);
        store.#contentHashes.set(item.id, contentHash);
        if (profile) store.#profiles.set(item.id, profile);
        store.#seconds.set(item.id, seconds);
        if (inMemory) store.signals.set(item.id, signal);
        else store.onDisk.set(item.id, await cacheKey(item.files, before.config));
      } catch (error) {
        store.failures.push({ id: item.id, message: error instanceof Error ? error.message : String(error) });
      }
      options.onProgress?.(i + 1, items.length);
      if (i % 16 === 15) await new Promise((resolve) => setImmediate(resolve)); // let cancel and progress through
    }
    return store;
  }

  /** Keeps what a decoder returned, in item order (failures listed as this thread would). */
  private async addDecoded(items: readonly DatasetItem[], decoded: readonly DecodedItem[], before: Pipeline, inMemory: boolean): Promise<void> {
    for (const [i, item] of items.entries()) {
      const outcome = decoded[i] as DecodedItem;
      if ('error' in outcome) {
        this.failures.push({ id: item.id, message: outcome.error });
        continue;
      }
      this.#contentHashes.set(item.id, outcome.contentHash);
      if (outcome.profile) this.#profiles.set(item.id, outcome.profile);
      this.#seconds.set(item.id, outcome.seconds);
      if (inMemory) this.signals.set(item.id, { fs: outcome.fs, signal: outcome.signal });
      else this.onDisk.set(item.id, await cacheKey(item.files, before.config));
    }
  }

  /**
   * The same decoded records under a pipeline that differs only after the crop (another
   * normalisation, say): the cache is shared, nothing is decoded again. E_VALIDATION otherwise.
   */
  withPipeline(config: PipelineConfig): SignalStore {
    if (!this.servesPipeline(config)) {
      throw new EinthovenError('E_VALIDATION', 'a shared signal store needs the same stages before the crop');
    }
    const view = new SignalStore(config);
    for (const [id, signal] of this.signals) view.signals.set(id, signal);
    for (const [id, key] of this.onDisk) view.onDisk.set(id, key);
    view.diskDir = this.diskDir;
    view.sharedData = this.sharedData; // the same buffer, under another pipeline: never a second copy
    view.failures.push(...this.failures);
    for (const [id, hash] of this.#contentHashes) view.#contentHashes.set(id, hash);
    for (const [id, profile] of this.#profiles) view.#profiles.set(id, profile);
    for (const [id, seconds] of this.#seconds) view.#seconds.set(id, seconds);
    return view;
  }

  /** Whether `config` differs from this store's pipeline only after the crop, so that withPipeline gives its records under it. */
  servesPipeline(config: PipelineConfig): boolean {
    return JSON.stringify(splitAtCrop(config).before) === JSON.stringify(splitAtCrop(this.config).before);
  }

  /** Whether this store read every one of the items: decoded it, or found it would not decode. */
  readEvery(items: readonly { readonly id: string }[]): boolean {
    const failed = new Set(this.failures.map((f) => f.id));
    return items.every((i) => this.has(i.id) || failed.has(i.id));
  }

  /**
   * Moves the in-memory records into one SharedArrayBuffer (this store then reads its views, so
   * the data is held once) and returns the handle workers attach to, with the current pipeline.
   * The records are packed once: later calls, and views made by withPipeline afterwards, reuse
   * the buffer.
   */
  share(): SharedSignals {
    if (this.shared && this.shared.config === this.config) return this.shared;
    this.sharedData ??= this.packShared();
    this.shared = { ...this.sharedData, diskDir: this.diskDir ?? null, diskKeys: [...this.onDisk.entries()], config: this.config };
    return this.shared;
  }

  private packShared(): Pick<SharedSignals, 'buffer' | 'entries'> {
    let total = 0;
    for (const s of this.signals.values()) total += s.signal.length * (s.signal[0]?.length ?? 0);
    const buffer = this.signals.size > 0 ? new SharedArrayBuffer(total * 4) : null;
    const entries: [string, number, number, number, number][] = [];
    if (buffer) {
      const all = new Float32Array(buffer);
      let offset = 0;
      for (const [id, s] of this.signals) {
        const n = s.signal[0]?.length ?? 0;
        entries.push([id, offset, s.signal.length, n, s.fs]);
        const views = s.signal.map((lead, l) => {
          const view = all.subarray(offset + l * n, offset + (l + 1) * n);
          view.set(lead);
          return view;
        });
        this.signals.set(id, { fs: s.fs, signal: views });
        offset += s.signal.length * n;
      }
    }
    return { buffer, entries };
  }

  /** A worker's view of a shared store: the same records (no copy) and the same pipeline. */
  static attach(shared: SharedSignals): SignalStore {
    const store = new SignalStore(shared.config);
    if (shared.buffer) {
      const all = new Float32Array(shared.buffer);
      for (const [id, offset, leads, n, fs] of shared.entries) {
        store.signals.set(id, { fs, signal: Array.from({ length: leads }, (_, l) => all.subarray(offset + l * n, offset + (l + 1) * n)) });
      }
    }
    for (const [id, key] of shared.diskKeys) store.onDisk.set(id, key);
    store.diskDir = shared.diskDir ?? undefined;
    return store;
  }

  get pipelineConfig(): PipelineConfig {
    return this.config;
  }

  /** The content hash of a decoded record (undefined for one that failed). */
  contentHash(id: string): string | undefined {
    return this.#contentHashes.get(id);
  }

  /** The rate-free profile of a decoded record (undefined for one that failed or has none). */
  profile(id: string): RecordProfile | undefined {
    return this.#profiles.get(id);
  }

  /** The duration of a decoded record in seconds as its file holds it (undefined for one that failed). */
  seconds(id: string): number | undefined {
    return this.#seconds.get(id);
  }

  has(id: string): boolean {
    return this.signals.has(id) || this.onDisk.has(id);
  }

  /** One model input (leads × samples): random crop + augmentation in training, centre crop in evaluation. */
  sample(id: string, mode: 'train' | 'eval', rng?: Rng): Float32Array[] {
    return [...this.after.run(this.cached(id), { mode, ...(rng ? { rng } : {}) }).signal];
  }

  /** Every window over the whole record (`stride` apart), for sliding-window evaluation. */
  windows(id: string, stride: number): Float32Array[][] {
    return this.after.windows(this.cached(id), stride).map((w) => [...w.signal]);
  }

  /**
   * Evaluation inputs of a record as the package's inference reads them: the centre crop, or
   * windows across the whole record (windows mode, or a long record kept whole; pipeline.ts).
   */
  evalInputs(id: string, options: EvalInputOptions): Float32Array[][] {
    evalInputReads.count++;
    const cached = this.cached(id);
    const byWindows = evaluatesByWindows(this.config, cached.signal[0]?.length ?? 0, options.mode);
    return byWindows ? this.after.windows(cached, options.stride).map((w) => [...w.signal]) : [[...this.after.run(cached, { mode: 'eval' }).signal]];
  }

  /**
   * Fits an unfitted `standardise` stage on the given (training) records: per-lead mean and
   * std over every cached sample. Returns the fitted config (to be saved with the model).
   */
  fitStandardisation(trainIds: readonly string[]): PipelineConfig {
    const index = this.config.stages.findIndex((s) => s.kind === 'standardise' && (s.mean === null || s.std === null));
    if (index < 0) return this.config;
    // A generator, so records cached on disk are read one at a time, never all at once.
    const cachedTraining = (function* (store: SignalStore) {
      for (const id of trainIds) if (store.has(id)) yield store.cached(id).signal;
    })(this);
    const fit = perLeadMoments(cachedTraining, this.config.leads.length);
    if (fit.signals === 0) throw new EinthovenError('E_VALIDATION', 'no training samples to fit the standardisation on');
    this.config = withFittedStandardisation(this.config, index, fit);
    this.after = buildPipeline(splitAtCrop(this.config).after);
    return this.config;
  }

  private cached(id: string): LeadSignal {
    const s = this.signals.get(id);
    if (s) return s;
    const key = this.onDisk.get(id);
    const read = key && this.diskDir ? readCachedSync(this.diskDir, key) : undefined;
    if (!read) throw new EinthovenError(key ? 'E_IO' : 'E_NOT_FOUND', key ? `record ${id}: its cached signal is missing or damaged in ${this.diskDir ?? '?'}` : `record ${id} is not loaded`);
    return read;
  }
}

/**
 * The records a job decoded once (`decoded`) under `pipeline`, where that store read every item
 * and ran the same stages before the crop: a view, nothing decoded again. Undefined otherwise,
 * for the caller to decode the items itself.
 */
export function decodedView(decoded: SignalStore | undefined, items: readonly { readonly id: string }[], pipeline: PipelineConfig): SignalStore | undefined {
  return decoded?.servesPipeline(pipeline) && decoded.readEvery(items) ? decoded.withPipeline(pipeline) : undefined;
}

/** Items per decoder request: small enough for steady progress, large enough to amortise a message. */
const decodeBatchSize = 8;

/** Runs a decoder over the items in `lanes` concurrent batches, reporting progress and honouring cancel. */
async function decodeInLanes(items: readonly DatasetItem[], decoder: NonNullable<StoreOptions['decoder']>, options: StoreOptions): Promise<DecodedItem[]> {
  const out: DecodedItem[] = new Array<DecodedItem>(items.length);
  let next = 0;
  let done = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      if (options.signal?.aborted) throw new EinthovenError('E_CANCELLED', 'cancelled while loading records');
      const start = next;
      next += decodeBatchSize;
      const part = items.slice(start, start + decodeBatchSize);
      const decoded = await decoder.decode(part);
      decoded.forEach((d, k) => (out[start + k] = d));
      done += part.length;
      options.onProgress?.(done, items.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, decoder.lanes) }, lane));
  return out;
}

/** One decoded record: its signal after the stages before the crop, and what the file itself says of it. */
export interface LoadedRecord {
  readonly signal: LeadSignal;
  readonly contentHash: string;
  readonly profile?: RecordProfile;
  /** The file's duration (recordSeconds), which the resampled signal's length need not give. */
  readonly seconds: number;
}

/** Decodes one record and runs the stages before the crop, through the disk cache when given one. */
export async function loadOne(item: DatasetItem, before: Pipeline, cacheDir: string | undefined): Promise<LoadedRecord> {
  const key = cacheDir ? await cacheKey(item.files, before.config) : undefined;
  if (cacheDir && key) {
    const hit = await readCached(cacheDir, key);
    // The content hash, the profile and the duration live beside the cached signal; an older cache without them is decoded once more.
    const hash = hit && (await readFile(path.join(cacheDir, `${key}.sha256`), 'utf8').catch(() => undefined));
    const profile = hit && (await readFile(path.join(cacheDir, `${key}.profile.json`), 'utf8').catch(() => undefined));
    const seconds = hit ? secondsEntry(await readFile(path.join(cacheDir, `${key}.seconds`), 'utf8').catch(() => undefined)) : undefined;
    if (hit && hash && /^[0-9a-f]{64}$/.test(hash) && profile !== undefined && seconds !== undefined) return { signal: hit, contentHash: hash, ...profileEntry(profile), seconds };
  }
  const record = await decodeRecordFiles(item.files);
  const contentHash = recordContentHash(record);
  const profile = recordProfile(record);
  const seconds = recordSeconds(record);
  const out = before.run(recordToLeadSignal(record, before.config.leads), { mode: 'eval' });
  if (cacheDir && key) {
    await writeCached(cacheDir, key, out);
    await writeFile(path.join(cacheDir, `${key}.sha256`), contentHash);
    // An empty file: this record has no profile (the exact hash alone compares it), not an older cache.
    await writeFile(path.join(cacheDir, `${key}.profile.json`), profile ? profileToJson(profile) : '');
    await writeFile(path.join(cacheDir, `${key}.seconds`), String(seconds));
  }
  return { signal: out, contentHash, ...(profile ? { profile } : {}), seconds };
}

/** A duration read back from the disk cache, or undefined for text that is not one (an older or damaged cache). */
function secondsEntry(text: string | undefined): number | undefined {
  const seconds = text === undefined || text.trim() === '' ? Number.NaN : Number(text);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

function profileEntry(text: string): { profile?: RecordProfile } {
  const profile = text === '' ? undefined : profileFromJson(text);
  return profile ? { profile } : {};
}
