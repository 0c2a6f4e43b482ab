import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { EinthovenError } from '../../errors';
import { withoutInitialDraws } from '../../ml/models/init';
import { buildModel, countTrainableParams } from '../../ml/models/registry';
import { buildPipeline, type Pipeline } from '../../signal/pipeline';
import { recoverFolder, replaceFolderAtomic, writeFileAtomic } from '../../storage/atomic';
import { checkSeal, keyFingerprint, sealManifest } from './seal';
import { identityOf, modelManifestSchema, packageFormatVersion, unsealedHeader, type ModelIdentity, type ModelManifest, type ModelManifestInput, type Provenance, type ReplacedTest } from './manifest';

export const packageFiles = { manifest: 'manifest.json', model: 'model.json', weights: 'weights.bin' } as const;

/** Caps read before allocating: a package is a few MB to ~100 MB (AlexNet, float32). */
export const packageLimits = { manifestBytes: 8 * 1024 * 1024, modelJsonBytes: 64 * 1024 * 1024, weightsBytes: 1024 * 1024 * 1024 } as const;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The three files of a package, as bytes (a folder's or a single-file archive's). */
export interface PackageBytes {
  readonly manifest: Uint8Array;
  readonly model: Uint8Array;
  readonly weights: Uint8Array;
}

/** A loaded, verified package: the model with its weights, and the pipeline that feeds it. */
export interface LoadedPackage {
  readonly manifest: ModelManifest;
  readonly model: tf.LayersModel;
  readonly pipeline: Pipeline;
  readonly identity: ModelIdentity;
  /** Where it was loaded from (folder or file). */
  readonly source: string;
}

/** tfjs's model.json (layers-model format), as far as loading needs it. */
const modelJsonSchema = z.object({
  format: z.literal('layers-model'),
  modelTopology: z.unknown(),
  weightsManifest: z
    .array(
      z.object({
        paths: z.array(z.string()),
        weights: z.array(z.object({ name: z.string(), shape: z.array(z.number().int().nonnegative()), dtype: z.literal('float32') })),
      }),
    )
    .length(1),
});

/**
 * tfjs names layers from a process-wide counter (`conv1d_Conv1D53` for the 53rd Conv1D built),
 * so the same model built after other models would get another model.json — and another
 * topology digest. Renumbers every such name per stem in order of appearance (`…1`, `…2`), in
 * the topology and in the weight specs alike, so a package depends only on what was trained.
 */
export function canonicalLayerNames(topology: unknown, specs: readonly tf.io.WeightsManifestEntry[]): { topology: unknown; specs: tf.io.WeightsManifestEntry[] } {
  const config = (topology as { config?: { name?: unknown; layers?: { name?: unknown; config?: { name?: unknown } }[] } }).config;
  const names = [config?.name, ...(config?.layers ?? []).flatMap((l) => [l.name, l.config?.name])].filter((n): n is string => typeof n === 'string');
  const renamed = new Map<string, string>();
  const counts = new Map<string, number>();
  for (const name of names) {
    const stem = /^(.*?)\d+$/.exec(name)?.[1];
    if (stem === undefined || renamed.has(name)) continue;
    const k = (counts.get(stem) ?? 0) + 1;
    counts.set(stem, k);
    renamed.set(name, `${stem}${k}`);
  }
  const rename = (value: string) => renamed.get(value) ?? value;
  const canonical = JSON.parse(JSON.stringify(topology), (_key, value: unknown) => (typeof value === 'string' ? rename(value) : value)) as unknown;
  const weightName = (name: string) => {
    const slash = name.indexOf('/');
    return slash < 0 ? rename(name) : `${rename(name.slice(0, slash))}${name.slice(slash)}`;
  };
  return { topology: canonical, specs: specs.map((spec) => ({ ...spec, name: weightName(spec.name) })) };
}

/**
 * The model in tfjs's own layers-model format (model.json + one weights.bin), so any tfjs
 * tooling can open it. Every weight (BN running statistics too) in model.weights order.
 */
export async function modelArtifacts(model: tf.LayersModel): Promise<{ modelJson: Uint8Array; weights: Uint8Array }> {
  let captured: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!captured?.weightSpecs || captured.weightData === undefined) throw new EinthovenError('E_INTERNAL', 'tfjs returned no weights for the model');
  const data = Array.isArray(captured.weightData) ? tf.io.concatenateArrayBuffers(captured.weightData) : captured.weightData;
  const { topology, specs } = canonicalLayerNames(captured.modelTopology, captured.weightSpecs);
  const modelJson = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: 'Einthoven',
    modelTopology: topology,
    weightsManifest: [{ paths: [packageFiles.weights], weights: specs }],
  };
  return { modelJson: new TextEncoder().encode(JSON.stringify(modelJson)), weights: new Uint8Array(data) };
}

/** Fields the writer fills itself. */
export type ManifestFields = Omit<ModelManifestInput, 'format' | 'formatVersion' | 'id' | 'weightsSha256' | 'topologySha256' | 'engineVersion' | 'createdAt' | 'researchUseOnly' | 'architecture' | 'integrity' | 'signature'> & {
  readonly architecture: { readonly name: string; readonly buildOptions: ModelManifestInput['architecture']['buildOptions'] };
};

/** Builds the complete, validated manifest and the files of a package in memory. */
/** A hospital's signing key (see core/train/package/keys.ts). */
export interface PackageSigner {
  readonly name: string;
  readonly privateKeyPem: string;
}

export async function packageBytes(model: tf.LayersModel, fields: ManifestFields, engineVersion: string, signer?: PackageSigner): Promise<{ manifest: ModelManifest; bytes: PackageBytes }> {
  const frozen = model.layers.filter((l) => !l.trainable);
  frozen.forEach((l) => (l.trainable = true)); // weight order must be the freshly built model's
  try {
    const { modelJson, weights } = await modelArtifacts(model);
    const unsealed = modelManifestSchema.parse({
      ...fields,
      ...unsealedHeader(),
      architecture: { ...fields.architecture, params: countTrainableParams(model) },
      engineVersion,
      weightsSha256: sha256Hex(weights),
      topologySha256: sha256Hex(modelJson),
    });
    const sealed = sealManifest(unsealed as unknown as Record<string, unknown>, signer);
    const manifestBytes = new TextEncoder().encode(`${JSON.stringify(sealed, null, 2)}\n`);
    return { manifest: modelManifestSchema.parse(sealed), bytes: { manifest: manifestBytes, model: modelJson, weights } };
  } finally {
    frozen.forEach((l) => (l.trainable = false));
  }
}

/**
 * Writes a package folder (manifest.json, model.json, weights.bin) under a temporary name,
 * fsynced, and swaps it in whole: an interrupted save never damages the package it replaces.
 */
export async function writePackageFolder(dir: string, bytes: PackageBytes): Promise<void> {
  await replaceFolderAtomic(dir, async (staging) => {
    for (const [key, name] of [['weights', packageFiles.weights], ['model', packageFiles.model], ['manifest', packageFiles.manifest]] as const) {
      const handle = await open(path.join(staging, name), 'w');
      try {
        await handle.writeFile(bytes[key]);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
  });
}

/** Saves a trained model as a package folder and returns its manifest. */
export async function savePackage(dir: string, model: tf.LayersModel, fields: ManifestFields, engineVersion: string, signer?: PackageSigner): Promise<ModelManifest> {
  const { manifest, bytes } = await packageBytes(model, fields, engineVersion, signer);
  await writePackageFolder(dir, bytes);
  return manifest;
}

/**
 * An ensemble's folder has no network of its own (its members do, under members/NN), so a reader
 * of one network given an ensemble says that, where 'model.json: missing' read as a damaged package.
 */
function refuseEnsemble(manifestBytes: Uint8Array, dir: string): void {
  const ensemble = modelManifestSchema.shape.ensemble.safeParse((parseJsonOrNull(manifestBytes) as { ensemble?: unknown } | null)?.ensemble ?? null).data;
  if (!ensemble) return;
  const members = ensemble.members.map((m) => `${m.dir} (${m.name})`).join(', ');
  throw new EinthovenError('E_UNSUPPORTED', `${dir} is an ensemble package (the mean of its members' probabilities), and this takes a single model: give one of its members, ${members}, or a single model package`);
}

function parseJsonOrNull(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
}

async function readCapped(file: string, cap: number): Promise<Uint8Array> {
  const info = await stat(file).catch(() => undefined);
  if (!info) throw new EinthovenError('E_MODEL', `${file}: missing from the model package`);
  if (!info.isFile()) throw new EinthovenError('E_MODEL', `${file}: not a regular file (a folder, device, pipe or socket); nothing was read from it`);
  if (info.size > cap) throw new EinthovenError('E_TOO_LARGE', `${file}: ${info.size} bytes exceed the ${cap}-byte limit for a package file`);
  const bytes = await readFile(file);
  // A plain Uint8Array over the Buffer's own memory: `new Uint8Array(bytes)` copied the weights (140 MB for VGG11-bn) on every load.
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * A package folder's manifest.json, checked as the folder's other files are before it is read:
 * listing the models read every manifest whole, so one that was a link to a device (size 0 to
 * stat) or a large file grew the engine until it died, at every listing, with every model.
 */
export async function readManifestFile(dir: string): Promise<Uint8Array> {
  return readCapped(path.join(dir, packageFiles.manifest), packageLimits.manifestBytes);
}

/** Reads the three files of a package folder (first undoing a replacement a crash interrupted). */
export async function readPackageFolder(dir: string): Promise<PackageBytes> {
  await recoverFolder(dir);
  const manifest = await readCapped(path.join(dir, packageFiles.manifest), packageLimits.manifestBytes);
  if (!(await stat(path.join(dir, packageFiles.model)).catch(() => undefined))) refuseEnsemble(manifest, dir);
  return {
    manifest,
    model: await readCapped(path.join(dir, packageFiles.model), packageLimits.modelJsonBytes),
    weights: await readCapped(path.join(dir, packageFiles.weights), packageLimits.weightsBytes),
  };
}

function parseJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new EinthovenError('E_MODEL', `${what} is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

/**
 * Validates the manifest alone, seal included (cheap: for listing packages without loading
 * weights); the files' own digests are checked when the package is loaded.
 */
export function parseManifest(bytes: Uint8Array, where: string): ModelManifest {
  const raw = parseJson(bytes, `${where}: ${packageFiles.manifest}`);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new EinthovenError('E_MODEL', `${where}: ${packageFiles.manifest} is not a JSON object`);
  if ('formatVersion' in raw && raw.formatVersion !== packageFormatVersion) {
    throw new EinthovenError('E_MODEL', `${where}: package format version ${String(raw.formatVersion)} is not supported (this engine reads version ${packageFormatVersion})`);
  }
  checkSeal(raw as Record<string, unknown>, where);
  const parsed = modelManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new EinthovenError('E_MODEL', `${where}: invalid manifest: ${issues.join('; ')}`);
  }
  return parsed.data;
}

/** Checks that the manifest's parts agree with each other (classes, thresholds, input length, leads). */
function checkConsistency(manifest: ModelManifest, where: string): void {
  const classes = manifest.classes.length;
  const problems: string[] = [];
  if (manifest.architecture.buildOptions.numClasses !== classes) problems.push(`${manifest.architecture.buildOptions.numClasses} outputs for ${classes} classes`);
  if (manifest.operatingPoint.thresholds.length !== classes) problems.push(`${manifest.operatingPoint.thresholds.length} thresholds for ${classes} classes`);
  const crop = manifest.preprocessing.stages.find((s) => s.kind === 'crop');
  const length = manifest.architecture.buildOptions.inputLength;
  if (crop?.kind === 'crop' && length !== undefined && crop.length !== length) problems.push(`preprocessing crops ${crop.length} samples, the model takes ${length}`);
  if (manifest.preprocessing.leads.length !== 12) problems.push(`preprocessing gives ${manifest.preprocessing.leads.length} leads, the models take 12`);
  if (manifest.preprocessing.augmentation) problems.push('preprocessing carries a training augmentation');
  if (problems.length > 0) throw new EinthovenError('E_MODEL', `${where}: mismatched package: ${problems.join('; ')}`);
}

/**
 * The weights' bytes read as float32 in place where they sit 4-byte aligned (a file read whole,
 * an archive's stored entry usually), copied only where not: every tensor is made from them at once.
 */
function float32View(weights: Uint8Array): Float32Array {
  if (weights.byteOffset % 4 === 0) return new Float32Array(weights.buffer, weights.byteOffset, weights.byteLength / 4);
  return new Float32Array(weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength));
}

/**
 * Verifies and loads a package from its bytes: manifest schema and consistency, both SHA-256
 * digests, the weight specs against the architecture rebuilt from the manifest (never from the
 * file's topology, so a package cannot make the engine build arbitrary layers). E_MODEL with
 * the reason on any mismatch.
 */
export function loadPackageBytes(bytes: PackageBytes, source: string): LoadedPackage {
  const manifest = parseManifest(bytes.manifest, source);
  checkConsistency(manifest, source);
  if (sha256Hex(bytes.weights) !== manifest.weightsSha256) {
    throw new EinthovenError('E_MODEL', `${source}: ${packageFiles.weights} does not match the manifest's SHA-256: the package was altered or is incomplete; refusing to load it`);
  }
  if (sha256Hex(bytes.model) !== manifest.topologySha256) {
    throw new EinthovenError('E_MODEL', `${source}: ${packageFiles.model} does not match the manifest's SHA-256: the package was altered; refusing to load it`);
  }
  const modelJson = modelJsonSchema.safeParse(parseJson(bytes.model, `${source}: ${packageFiles.model}`));
  if (!modelJson.success) throw new EinthovenError('E_MODEL', `${source}: ${packageFiles.model} is not a tfjs layers model with one float32 weights file`);
  const specs = (modelJson.data.weightsManifest[0] as { weights: { name: string; shape: number[] }[] }).weights;
  const sizes = specs.map((s) => s.shape.reduce((a, b) => a * b, 1));
  if (sizes.reduce((a, b) => a + b, 0) * 4 !== bytes.weights.byteLength) {
    throw new EinthovenError('E_MODEL', `${source}: ${packageFiles.weights} holds ${bytes.weights.byteLength} bytes, the weight specs need ${sizes.reduce((a, b) => a + b, 0) * 4}`);
  }
  // Every weight is set from the package below: drawing initial ones first would only cost time.
  const model = withoutInitialDraws(() => buildModel(manifest.architecture.name, manifest.architecture.buildOptions));
  try {
    if (model.weights.length !== specs.length) throw new EinthovenError('E_MODEL', `${source}: ${specs.length} weights stored, ${manifest.architecture.name} has ${model.weights.length}`);
    model.weights.forEach((w, i) => {
      const spec = specs[i] as { name: string; shape: number[] };
      if (JSON.stringify(w.shape) !== JSON.stringify(spec.shape)) {
        throw new EinthovenError('E_MODEL', `${source}: weight ${i} (${spec.name}) has shape ${JSON.stringify(spec.shape)}, ${manifest.architecture.name} expects ${JSON.stringify(w.shape)}`);
      }
    });
    const all = float32View(bytes.weights);
    let offset = 0;
    const tensors = specs.map((spec, i) => {
      const size = sizes[i] as number;
      const t = tf.tensor(all.subarray(offset, offset + size), spec.shape);
      offset += size;
      return t;
    });
    model.setWeights(tensors);
    tf.dispose(tensors);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return { manifest, model, pipeline: buildPipeline(manifest.preprocessing), identity: identityOf(manifest), source };
}

/** A package folder's manifest, seal checked (weights not read). */
export async function readFolderManifest(dir: string): Promise<ModelManifest> {
  return parseManifest(await readCapped(path.join(dir, packageFiles.manifest), packageLimits.manifestBytes), dir);
}

/** What an attach may do beyond writing the figures. */
export interface AttachOptions {
  /**
   * Signs the resealed package. A signed package's signature covers its manifest, so it cannot
   * survive the attach: without a signer, attaching to a signed package is refused rather than
   * leaving it unsigned unannounced.
   */
  readonly signer?: PackageSigner;
  /**
   * Replaces test figures the package already has. A locked test is read once: a second attach
   * would hide the first reading, so without this it is refused.
   */
  readonly replaceTest?: boolean;
}

/** The test figures a package already has (n and macro AUC), which an attach would replace; undefined when it has none. */
export function attachedTestOf(manifest: ModelManifest): { n: number; aucMacro: number | null } | undefined {
  const test = manifest.provenance.test;
  if (!test) return undefined;
  const auc = (test.metrics as { aucMacro?: unknown }).aucMacro;
  return { n: test.n, aucMacro: typeof auc === 'number' && Number.isFinite(auc) ? auc : null };
}

/** A package's test figures in words: what a refusal or a replacement names. */
export function attachedTestText(test: { n: number; aucMacro: number | null }): string {
  return `n = ${test.n}, macro AUC ${test.aucMacro === null ? '—' : test.aucMacro.toFixed(3)}`;
}

/**
 * The dataset whose test split, as it was split and labelled then, is the package's locked test:
 * the data it was trained on, or, for a site operating point, the site's data its operating point
 * was chosen on (its `dataset` is its base's, which made the weights). Undefined for a site
 * operating point written before it kept that digest.
 */
function lockedTestDataset(manifest: ModelManifest): ModelManifest['provenance']['dataset'] | undefined {
  const { provenance } = manifest;
  return provenance.base?.mode === 'operating-point' ? provenance.operatingPointDataset : provenance.dataset;
}

/**
 * A site operating point made before packages kept the digest of the site data it was chosen on
 * names that data only in words: figures on any dataset would be taken for its locked test, as
 * nothing can show they are not. Refused, saying what the site can do instead.
 */
function siteDataUnknownRefusal(manifest: ModelManifest, dir: string): EinthovenError | undefined {
  if (lockedTestDataset(manifest) !== undefined) return undefined;
  return new EinthovenError(
    'E_VALIDATION',
    `${dir} is a site operating point of ${manifest.provenance.base?.name ?? 'its base'} made before packages kept the digest of the site data it was chosen on (its manifest names that data only in words: "${manifest.provenance.dataset.split}"), so no evaluation can be shown to be on its locked test: nothing was written. ` +
      'Keep this evaluation on this site with --record, without --attach; or derive the operating point again (ecg operating-point, or the site operating point on the model card), whose new package keeps that digest',
  );
}

/** Why the attach may not write into a package with this manifest, if it may not (checked again at the write). */
export function attachRefusal(manifest: ModelManifest, dir: string, options: AttachOptions): EinthovenError | undefined {
  const unknownData = siteDataUnknownRefusal(manifest, dir);
  if (unknownData) return unknownData;
  const signed = signerOf(manifest);
  if (signed && !options.signer) {
    return new EinthovenError('E_VALIDATION', `${dir} is signed by ${signed.signer} (key ${signed.keyFingerprint}); attaching rewrites its manifest, which the signature covers, so the package would be left unsigned: nothing was written. Re-sign it as it is attached with this installation's key (ecg evaluate … --attach --sign), or attach to an unsigned copy`);
  }
  const earlier = attachedTestOf(manifest);
  if (earlier && !options.replaceTest) {
    const notLocked = manifest.provenance.test?.notLockedTest;
    // Figures kept as no locked test are not a reading of it: replacing them is no second reading, but still said and kept.
    if (notLocked) {
      return new EinthovenError('E_CONFLICT', `${dir} already has test figures in its manifest (provenance.test: ${attachedTestText(earlier)}), its fine-tuning's closing figures, which are not a locked test (${notLocked}): nothing was written. To attach this locked test in their place, add --replace-test; the package keeps them as earlier figures that were not a locked test (provenance.replacedTests), listed on its card and by ecg model inspect`);
    }
    const message = `${dir} already has test figures in its manifest (provenance.test: ${attachedTestText(earlier)}), from an earlier attach or its fine-tuning's closing evaluation. A locked test is read once, and figures kept from a second reading are less to be trusted: nothing was written. To replace them all the same, add --replace-test; the command then says what it replaced, and the package keeps that earlier reading (provenance.replacedTests), shown as a warning on its card and by ecg model inspect`;
    return new EinthovenError('E_CONFLICT', message);
  }
  return undefined;
}

/**
 * The provenance fields an attach changes besides `test`: the figures it replaces, appended to
 * `replacedTests` with when and under which id the package held them, so the package itself says
 * its locked test was read again and what it gave before. A fine-tuned package's closing
 * comparison with its base (`comparison`) was made on the records of the replaced figures, and
 * its figures for the fine-tuned model are theirs: it goes with them into that entry rather than
 * stand beside figures it does not describe. Nothing, where the package has no test figures.
 */
function withReplacedTest(manifest: ModelManifest): Pick<Provenance, 'replacedTests' | 'comparison'> {
  const { test, comparison, replacedTests = [] } = manifest.provenance;
  if (!test) return {};
  const replaced: ReplacedTest = { replacedAt: new Date().toISOString(), packageId: manifest.id, test, ...(comparison ? { comparison } : {}) };
  return { replacedTests: [...replacedTests, replaced], comparison: undefined };
}

/**
 * Records a final test-split evaluation in a package folder's manifest (provenance.test), with
 * the records it left out: those outside the model's intended input (their count by reason and
 * what the figures cover; not the example record) and the count of those that could not be read
 * (`failed`, required so that no caller drops it: the card says it beside `n`, which counts only
 * the records read, as it does for a fine-tuning's closing evaluation). The weights and their
 * digests are untouched; the manifest is re-validated before it is written. The figures must be
 * of the package as it is (`report.model.id`, its id when it was evaluated): one changed meanwhile
 * is refused, so a caller that checked the package before evaluating it attaches to what it checked.
 * A signed package is refused unless `options.signer` signs it again (attachRefusal); one with
 * test figures unless `options.replaceTest`, and then it keeps them (withReplacedTest).
 */
export async function attachTestReport(dir: string, report: AttachedReport, options: AttachOptions = {}): Promise<ModelManifest> {
  const manifest = await readFolderManifest(dir);
  if (manifest.id !== report.model.id) {
    throw new EinthovenError('E_CONFLICT', `${dir}: the package is now ${manifest.id}, not the ${report.model.id} these figures were taken of (it changed while it was evaluated): nothing attached`);
  }
  const otherData = otherDatasetRefusal(manifest, dir, report);
  if (otherData) throw otherData;
  const refusal = attachRefusal(manifest, dir, options);
  if (refusal) throw refusal;
  const { outOfScope } = report;
  const kept = { n: report.n, metrics: report.metrics, ci: report.ci, ...(report.calibration ? { calibration: report.calibration } : {}), unreadable: report.failed.length, ...(outOfScope ? { outOfScope: { count: outOfScope.count, byReason: outOfScope.byReason, note: outOfScope.note } } : {}) };
  const safe = JSON.parse(JSON.stringify(kept, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))) as ModelManifest['provenance']['test'];
  // Resealed: the test figures are part of the package, so its id changes with them (and signed again where a signer is given).
  const provenance = { ...manifest.provenance, ...withReplacedTest(manifest), test: safe };
  const sealed = sealManifest(modelManifestSchema.parse({ ...manifest, provenance }) as unknown as Record<string, unknown>, options.signer);
  await writeFileAtomic(path.join(dir, packageFiles.manifest), `${JSON.stringify(sealed, null, 2)}\n`);
  return modelManifestSchema.parse(sealed);
}

/** What attachTestReport keeps of an evaluation (core/train/jobs/evaluate-job.ts's report), and what it checks it by. */
export interface AttachedReport {
  readonly model: { readonly id: string };
  readonly dataset: string;
  readonly datasetSha256: string;
  readonly n: number;
  readonly metrics: object;
  readonly ci: object;
  readonly calibration?: object;
  readonly failed: readonly unknown[];
  readonly outOfScope?: { readonly count: number; readonly byReason: object; readonly note: string };
}

/**
 * A package's locked test is the test split of the data it was trained on (a site operating
 * point's: of the site data it was chosen on), as it was split and labelled then: figures on
 * another dataset, or on the same records split or labelled otherwise, would be kept as that and
 * read so by its card, whose dataset line counts that split's records. Known by the index's
 * digest, which the package keeps (provenance.dataset.sha256; provenance.operatingPointDataset's).
 */
function otherDatasetRefusal(manifest: ModelManifest, dir: string, report: AttachedReport): EinthovenError | undefined {
  const own = lockedTestDataset(manifest);
  // A site operating point without the digest of its site data is refused whatever the figures (siteDataUnknownRefusal).
  if (own === undefined) return siteDataUnknownRefusal(manifest, dir);
  if (report.datasetSha256 === own.sha256) return undefined;
  const digest = (sha: string) => `index ${sha.slice(0, 12)}`;
  const madeOn = manifest.provenance.base?.mode === 'operating-point' ? `is a site operating point chosen on ${own.name} (${digest(own.sha256)})` : `was trained on ${own.name} (${digest(own.sha256)})`;
  return new EinthovenError(
    'E_VALIDATION',
    `${dir} ${madeOn}, and its locked test is that dataset's test split as it was split and labelled then; these figures are on ${report.dataset} (${digest(report.datasetSha256)}): another dataset, or the same records split or labelled otherwise. Nothing was attached. An evaluation on other data is kept on this site with --record, without --attach`,
  );
}

/** Who signed a package, if anyone (its signature was verified when the manifest was parsed). */
export function signerOf(manifest: ModelManifest): { signer: string; keyFingerprint: string } | undefined {
  return manifest.signature ? { signer: manifest.signature.signer, keyFingerprint: keyFingerprint(manifest.signature.publicKey) } : undefined;
}

/**
 * Seals a package folder as it is now: recomputes the files' digests and the seal (and signs
 * it with `signer`). For a package whose content you trust — the bundled starter after it is
 * retrained, or a package sealed by an older version. Returns the new manifest.
 */
export async function resealPackageFolder(dir: string, signer?: PackageSigner): Promise<ModelManifest> {
  const bytes = await readPackageFolder(dir);
  const raw = parseJson(bytes.manifest, `${dir}: ${packageFiles.manifest}`) as Record<string, unknown>;
  const updated = { ...raw, weightsSha256: sha256Hex(bytes.weights), topologySha256: sha256Hex(bytes.model) };
  modelManifestSchema.parse({ ...updated, id: 'x' }); // refuse to seal what would not load
  const sealed = sealManifest(updated, signer);
  await writeFileAtomic(path.join(dir, packageFiles.manifest), `${JSON.stringify(sealed, null, 2)}\n`);
  return parseManifest(new TextEncoder().encode(JSON.stringify(sealed)), dir);
}
