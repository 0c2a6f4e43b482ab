import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ModelSummary } from '../../contract/training-schemas';
import { EinthovenError } from '../../errors';
import { jsonSafe } from '../finalize';
import { pipelineCrop, pipelineRate } from '../pipelines';
import { disposeModel, isEnsemble, loadModel, type LoadedModel } from '../ensemble/package';
import { packageExtension, readPackage } from '../package/archive';
import { packageFiles, parseManifest, readManifestFile, type LoadedPackage } from '../package/io';
import { cvFoldOf, lockedTestOf, operatingPointByClass, type ModelManifest } from '../package/manifest';
import { withWidenedIntervals } from '../../ml/metrics/stored-rates';
import { fusedOperatingPoint } from '../pe/fusion';

interface Entry {
  readonly manifest: ModelManifest;
  readonly location: string;
  readonly bundled: boolean;
}

/** Packages in a folder: sub-folders holding a manifest.json, and .ecgmodel files. */
async function packagesIn(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => (e.isDirectory() && existsSync(path.join(dir, e.name, packageFiles.manifest))) || (e.isFile() && e.name.endsWith(packageExtension)))
    .map((e) => path.join(dir, e.name))
    .sort();
}

/** A package's manifest (folder or .ecgmodel file), seal checked, weights not loaded. */
export async function readManifest(location: string): Promise<ModelManifest> {
  const info = await stat(location);
  if (info.isDirectory()) return parseManifest(await readManifestFile(location), location);
  return parseManifest((await readPackage(location)).manifest, location);
}

/** The model's input as a reader needs to know it: rate, window, and how a whole record is covered. */
function inputOf(manifest: ModelManifest): ModelSummary['input'] {
  const rateHz = pipelineRate(manifest.preprocessing) ?? null;
  const crop = pipelineCrop(manifest.preprocessing);
  const pad = manifest.preprocessing.stages.find((s) => s.kind === 'padTruncate');
  const padding = pad?.kind === 'padTruncate' && rateHz ? { longRecords: pad.longer === 'keep' ? ('whole' as const) : ('truncated' as const), paddedSeconds: pad.length / rateHz } : {};
  return { rateHz, windowSeconds: rateHz && crop ? crop / rateHz : null, mode: manifest.inference.mode, aggregate: manifest.inference.aggregate, ...padding };
}

/**
 * Which bootstrap made stored figures' intervals, where it was not today's. The commit that
 * stratified the bootstrap (c9ee6c6: every class keeps its positives and negatives in each
 * resample, drawn by patient where ids exist) also began writing `metrics.averaging`, which every
 * figure scored since carries (scoreWithCi): figures without it were stored by the earlier,
 * unstratified bootstrap, whatever the package's date (a training started before that commit
 * stored them after it). Known from the figures alone, so a test re-read later
 * (--attach --replace-test) and the validation kept from training are told apart on one card.
 */
export function bootstrapOf(metrics: Readonly<Record<string, unknown>>): Pick<NonNullable<ModelSummary['test']>, 'bootstrap'> {
  return metrics['averaging'] === undefined ? { bootstrap: 'unstratified' } : {};
}

/**
 * The package's own closing figures (its locked test, or a fold's held-out rows), with each
 * class's calibration when the package kept it. The records they leave out travel with them,
 * where the package counted them, for the card to say beside `n`: those outside the model's
 * intended input and those that could not be read.
 */
export function testSummary(test: NonNullable<ModelManifest['provenance']['test']>): NonNullable<ModelSummary['test']> {
  const widened = withWidenedIntervals(test);
  const { calibration, outOfScope, unreadable, seenByBase } = test;
  const leftOut = { ...(outOfScope ? { outOfScope } : {}), ...(unreadable === undefined ? {} : { unreadable }), ...(seenByBase ? { seenByBase } : {}) };
  return { n: test.n, metrics: test.metrics as ModelSummary['validation'], ci: widened.ci, ...(calibration ? { calibration } : {}), ...leftOut, ...bootstrapOf(test.metrics) };
}

/**
 * A fusion package's operating point is its fusion's own (the fused probability is decided at it,
 * and its figures were taken at it); the manifest's top-level one is its ECG network's, which the
 * Models page once showed as the fusion's. The network's is listed as its base model's.
 */
function operatingPointOf(manifest: ModelManifest): Pick<ModelSummary, 'operatingPoint' | 'fusion'> {
  const network = operatingPointByClass(manifest.operatingPoint, manifest.classes);
  const block = manifest.fusion;
  if (!block) return { operatingPoint: network };
  const fusion = { baseModel: { id: block.baseModel.id, name: block.baseModel.name }, networkOperatingPoint: network, items: [...block.items], notice: block.notice, rows: block.rows };
  return { operatingPoint: operatingPointByClass(fusedOperatingPoint(block), manifest.classes), fusion };
}

/** A fold package's fold and held-out figures, apart from any locked test (an older one's `test` block among them). */
function cvFoldSummary(manifest: ModelManifest): Pick<ModelSummary, 'cvFold'> {
  const fold = cvFoldOf(manifest.provenance);
  if (!fold) return {};
  return { cvFold: { k: fold.k, fold: fold.fold, seed: fold.seed ?? null, heldOut: fold.heldOut ? testSummary(fold.heldOut) : null } };
}

export function summaryOf(entry: Entry): ModelSummary {
  const { manifest } = entry;
  const test = lockedTestOf(manifest.provenance);
  return jsonSafe({
    id: manifest.id,
    name: manifest.name,
    description: manifest.description,
    architecture: manifest.architecture.name,
    classes: manifest.classes,
    demonstration: manifest.demonstration,
    bundled: entry.bundled,
    createdAt: manifest.createdAt,
    ...operatingPointOf(manifest),
    dataset: manifest.provenance.dataset.name,
    trainRecords: manifest.provenance.dataset.records.train,
    validation: manifest.provenance.validation.metrics as ModelSummary['validation'],
    siteEvaluation: null,
    test: test ? testSummary(test) : null,
    ...cvFoldSummary(manifest),
    input: inputOf(manifest),
  });
}

/**
 * The models the engine knows: bundled ones (resources/models, read-only) and the user's
 * (data folder/models, where training writes). Manifests are read for listing; weights are
 * loaded — and their SHA-256 verified — only when a model is used, and the last two used stay
 * loaded.
 */
export class ModelDirectory {
  readonly #loaded = new Map<string, LoadedModel>();

  constructor(
    readonly bundledDir: string | undefined,
    readonly userDir: string,
  ) {}

  /** Every readable package; unreadable ones are skipped with their reason. */
  async list(): Promise<{ entries: Entry[]; skipped: { location: string; reason: string }[] }> {
    const entries: Entry[] = [];
    const skipped: { location: string; reason: string }[] = [];
    for (const [dir, bundled] of [[this.bundledDir, true], [this.userDir, false]] as const) {
      if (!dir) continue;
      for (const location of await packagesIn(dir)) {
        try {
          entries.push({ manifest: await readManifest(location), location, bundled });
        } catch (error) {
          skipped.push({ location, reason: error instanceof Error ? error.message : String(error) });
        }
      }
    }
    return { entries, skipped };
  }

  async find(modelId: string): Promise<Entry> {
    const found = (await this.list()).entries.find((e) => e.manifest.id === modelId || e.manifest.name === modelId);
    if (!found) throw new EinthovenError('E_NOT_FOUND', `no model '${modelId}' (see models:list)`);
    return found;
  }

  /** The loaded, hash-verified package of a single model (cached); an ensemble is refused (see `loadAny`). */
  async load(modelId: string): Promise<LoadedPackage> {
    const loaded = await this.loadAny(modelId);
    if (isEnsemble(loaded)) throw new EinthovenError('E_VALIDATION', `${loaded.manifest.name} is an ensemble of ${loaded.members.length} models, not a single model`);
    return loaded;
  }

  /** The loaded, hash-verified package of a model or an ensemble (cached): what predictions use. */
  async loadAny(modelId: string): Promise<LoadedModel> {
    const cached = this.#loaded.get(modelId);
    if (cached) return cached;
    const entry = await this.find(modelId);
    const loaded = await loadModel(entry.location);
    this.#loaded.set(modelId, loaded);
    while (this.#loaded.size > 2) {
      const [oldest, held] = this.#loaded.entries().next().value as [string, LoadedModel];
      disposeModel(held);
      this.#loaded.delete(oldest);
    }
    return loaded;
  }

  dispose(): void {
    for (const loaded of this.#loaded.values()) disposeModel(loaded);
    this.#loaded.clear();
  }
}
