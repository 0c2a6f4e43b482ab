import { decodedView, SignalStore } from '../../data/store';
import { logitsOn, type InferencePool } from '../../parallel/inference';
import type { DatasetItem } from '../../data/types';
import type { RecordProfile } from '../../engine/record-profile';
import { probabilities } from '../calibration';
import type { LoadedPackage } from '../package/io';
import type { EvalOptions } from '../predict';
import type { JobContext } from '../progress';

/** Overrides of the package's inference, and a cache folder for decoded records. */
export interface ScoreOptions {
  readonly evaluation?: Partial<EvalOptions> | undefined;
  readonly cacheDir?: string | undefined;
  /** Worker threads that decode and score the records (core/parallel); absent: this thread. */
  readonly pool?: InferencePool | undefined;
  /** Records the job decoded already (a cross-validation's): read from there where it holds every item under the package's stages before the crop. */
  readonly decoded?: SignalStore | undefined;
}

/** Probabilities of a loaded package on dataset items, with its own preprocessing, inference and temperature. */
export interface ScoredItems {
  /** The items whose record decoded, in order. */
  readonly kept: DatasetItem[];
  /** Calibrated probabilities per kept item, in the model's class order. */
  readonly probs: number[][];
  readonly evaluation: EvalOptions;
  readonly failed: { id: string; message: string }[];
  /** Content hash of each kept record (core/engine/record-hash.ts): checked against the model's training records. */
  readonly contentHashes: ReadonlyMap<string, string>;
  /** Rate-free profile of each kept record that has one (core/engine/record-profile.ts): its copies at other rates are found by it. */
  readonly profiles: ReadonlyMap<string, RecordProfile>;
}

/** The package's raw outputs (before its temperature) on dataset items: what a refit of its temperature needs. */
export type ScoredLogits = Omit<ScoredItems, 'probs'> & { readonly logits: number[][] };

/** Decodes the items with the package's pipeline and runs its inference (or the override) on them, at its own temperature. */
export async function scoreItems(loaded: LoadedPackage, items: readonly DatasetItem[], options: ScoreOptions, context: JobContext = {}): Promise<ScoredItems> {
  const { logits, ...rest } = await scoreItemLogits(loaded, items, options, context);
  return { ...rest, probs: probabilities(logits, loaded.manifest.operatingPoint.temperature) };
}

/** Decodes the items with the package's pipeline and runs its inference (or the override) on them: logits, no temperature. */
export async function scoreItemLogits(loaded: LoadedPackage, items: readonly DatasetItem[], options: ScoreOptions, context: JobContext = {}): Promise<ScoredLogits> {
  const { manifest } = loaded;
  const { pool } = options;
  const store = decodedView(options.decoded, items, manifest.preprocessing) ?? (await decodeFor(loaded, items, options, context));
  const kept = items.filter((i) => store.has(i.id));
  const evaluation: EvalOptions = { ...manifest.inference, ...options.evaluation, mode: options.evaluation?.mode ?? manifest.inference.mode };
  context.onProgress?.({ kind: 'phase', phase: 'evaluating', message: `${kept.length} records, ${evaluation.mode}` });
  const logits = await logitsOn(pool, loaded.model, store, kept.map((i) => i.id), { ...evaluation, stride: evaluation.stride ?? Math.max(1, Math.floor((manifest.architecture.buildOptions.inputLength ?? 2) / 2)) });
  const contentHashes = new Map(kept.flatMap((i) => {
    const hash = store.contentHash(i.id);
    return hash === undefined ? [] : [[i.id, hash] as const];
  }));
  const profiles = new Map(kept.flatMap((i) => {
    const profile = store.profile(i.id);
    return profile === undefined ? [] : [[i.id, profile] as const];
  }));
  // A job's store may hold other records than these: only these items' failures are theirs.
  const ids = new Set(items.map((i) => i.id));
  return { kept, logits, evaluation, failed: store.failures.filter((f) => ids.has(f.id)), contentHashes, profiles };
}

/** Decodes the items with the package's pipeline, on the pool's workers where given. */
async function decodeFor(loaded: LoadedPackage, items: readonly DatasetItem[], options: ScoreOptions, context: JobContext): Promise<SignalStore> {
  const { manifest } = loaded;
  const { pool } = options;
  context.onProgress?.({ kind: 'phase', phase: 'loading', message: `decoding ${items.length} records for ${manifest.name}${pool ? ` on ${pool.size} workers` : ''}` });
  return SignalStore.build(items, {
    pipeline: manifest.preprocessing,
    ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
    ...(context.signal ? { signal: context.signal } : {}),
    ...(pool ? { decoder: pool.decoder(manifest.preprocessing, options.cacheDir) } : {}),
  });
}

