import { cp, mkdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { engineVersion } from '../../engine/version';
import { EinthovenError } from '../../errors';
import { loadPackage, readPackage } from '../package/archive';
import { packageFiles, parseManifest, readManifestFile, sha256Hex, writePackageFolder, type LoadedPackage, type PackageSigner } from '../package/io';
import { writeFileAtomic } from '../../storage/atomic';
import { sealManifest } from '../package/seal';
import { identityOf, modelManifestSchema, unsealedHeader, type EnsembleSpec, type ModelIdentity, type ModelManifest, type ModelManifestInput } from '../package/manifest';
import { pipelineRate } from '../pipelines';

/**
 * Ensemble packages (issue 16 item 5): a folder holding manifest.json (a model manifest whose
 * `ensemble` names the members and how they combine) and each member as a complete, verified
 * package under members/NN. The ensemble's weightsSha256 and topologySha256 are digests of its
 * members' digests in order, so its id changes whenever any member's weights do.
 */
export interface LoadedEnsemble {
  readonly manifest: ModelManifest & { readonly ensemble: EnsembleSpec };
  readonly identity: ModelIdentity;
  readonly source: string;
  readonly members: readonly LoadedPackage[];
}

/** A loaded single-model package or ensemble: what evaluation and prediction take. */
export type LoadedModel = LoadedPackage | LoadedEnsemble;

export function isEnsemble(loaded: LoadedModel): loaded is LoadedEnsemble {
  return 'members' in loaded;
}

/**
 * The pipeline that decides how a dataset is read for this model (PTB-XL's records100 or
 * records500): an ensemble's first member's; record ids are the same at either rate.
 */
export function readingPipeline(loaded: LoadedModel): ModelManifest['preprocessing'] {
  return isEnsemble(loaded) ? (loaded.members[0] as LoadedPackage).manifest.preprocessing : loaded.manifest.preprocessing;
}

/** Releases every tensor a loaded model holds. */
export function disposeModel(loaded: LoadedModel): void {
  if (isEnsemble(loaded)) loaded.members.forEach((m) => m.model.dispose());
  else loaded.model.dispose();
}

/** Digest of the members' digests, in order (the ensemble's stand-in for a weights hash). */
export function digestOfDigests(digests: readonly string[]): string {
  return sha256Hex(new TextEncoder().encode(digests.join('\n')));
}

/** The manifest of a package folder or file, or null when there is none to read (then it is a single-file package). */
async function folderManifest(location: string): Promise<ModelManifest | null> {
  const info = await stat(location).catch(() => undefined);
  if (!info?.isDirectory()) return null;
  return parseManifest(await readManifestFile(location), location);
}

/** Loads a member and checks it is the one the ensemble manifest names (both digests). */
async function loadMember(root: string, member: EnsembleSpec['members'][number]): Promise<LoadedPackage> {
  const loaded = await loadPackage(path.join(root, member.dir));
  if (loaded.manifest.weightsSha256 !== member.weightsSha256 || loaded.manifest.topologySha256 !== member.topologySha256) {
    loaded.model.dispose();
    throw new EinthovenError('E_MODEL', `${root}: member ${member.dir} is not the model the ensemble was built from (${member.name}); refusing to load it`);
  }
  return loaded;
}

/**
 * Loads any package: a single model (hash-verified), or an ensemble whose members are each
 * verified and must match the digests its manifest lists. E_MODEL on any mismatch.
 */
export async function loadModel(location: string): Promise<LoadedModel> {
  const manifest = await folderManifest(location);
  if (!manifest?.ensemble) return loadPackage(location);
  const spec = manifest.ensemble;
  if (digestOfDigests(spec.members.map((m) => m.weightsSha256)) !== manifest.weightsSha256 || digestOfDigests(spec.members.map((m) => m.topologySha256)) !== manifest.topologySha256) {
    throw new EinthovenError('E_MODEL', `${location}: the ensemble's digests do not match its member list: the package was altered; refusing to load it`);
  }
  const members: LoadedPackage[] = [];
  try {
    for (const member of spec.members) {
      const loaded = await loadMember(location, member);
      members.push(loaded);
      if (loaded.manifest.classes.join('|') !== manifest.classes.join('|')) throw new EinthovenError('E_MODEL', `${location}: member ${member.dir} predicts ${loaded.manifest.classes.join(', ')}, the ensemble ${manifest.classes.join(', ')}`);
    }
  } catch (error) {
    members.forEach((m) => m.model.dispose());
    throw error;
  }
  return { manifest: { ...manifest, ensemble: spec }, identity: identityOf(manifest), source: location, members };
}

/**
 * Whether a location is an ensemble package (a folder whose manifest lists members). Only that is
 * read, not whether the seal holds: `ecg package seal` asks it of packages whose seal is missing
 * or stale, which is what sealing is for, and the seal check here refused them with the very
 * message that tells one to run `ecg package seal`. A manifest that cannot be read is no ensemble
 * here; whatever reads the package next reports it.
 */
export async function isEnsemblePackage(location: string): Promise<boolean> {
  const info = await stat(location).catch(() => undefined);
  if (!info?.isDirectory()) return false;
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(await readManifestFile(location)));
  } catch {
    return false;
  }
  const ensemble = typeof raw === 'object' && raw !== null ? (raw as { ensemble?: unknown }).ensemble : undefined;
  return typeof ensemble === 'object' && ensemble !== null;
}

/**
 * Recomputes an ensemble's member digests, its digests of digests and its seal as its members
 * are now (after a member was resealed, say), as `ecg package seal` does for one model. Each
 * member is loaded, so each must verify on its own first.
 */
export async function resealEnsembleFolder(dir: string, signer?: PackageSigner): Promise<ModelManifest> {
  const raw = JSON.parse(new TextDecoder().decode(await readManifestFile(dir))) as Record<string, unknown>;
  const spec = modelManifestSchema.parse({ ...raw, id: 'x' }).ensemble;
  if (!spec) throw new EinthovenError('E_VALIDATION', `${dir}: not an ensemble package`);
  const members: EnsembleSpec['members'] = [];
  for (const member of spec.members) {
    const loaded = await loadPackage(path.join(dir, member.dir));
    loaded.model.dispose();
    const m = loaded.manifest;
    members.push({ ...member, id: m.id, name: m.name, weightsSha256: m.weightsSha256, topologySha256: m.topologySha256 });
  }
  const updated = {
    ...raw,
    ensemble: { ...spec, members },
    weightsSha256: digestOfDigests(members.map((m) => m.weightsSha256)),
    topologySha256: digestOfDigests(members.map((m) => m.topologySha256)),
  };
  modelManifestSchema.parse({ ...updated, id: 'x' }); // refuse to seal what would not load
  const sealed = sealManifest(updated, signer);
  await writeFileAtomic(path.join(dir, packageFiles.manifest), `${JSON.stringify(sealed, null, 2)}\n`);
  return parseManifest(new TextEncoder().encode(JSON.stringify(sealed)), dir);
}

/** What the ensemble writer needs besides its members. */
export type EnsembleFields = Pick<ModelManifestInput, 'name' | 'description' | 'demonstration' | 'operatingPoint' | 'provenance' | 'hyperParameters'>;

/**
 * Writes an ensemble package: copies each member package (folder or single file) into
 * members/NN, then writes the manifest last, so a half-written folder is never a valid package.
 */
export async function saveEnsemblePackage(dir: string, members: readonly { readonly location: string; readonly loaded: LoadedPackage }[], fields: EnsembleFields): Promise<ModelManifest> {
  if (members.length < 2) throw new EinthovenError('E_VALIDATION', 'an ensemble needs at least two members');
  const classes = members[0]?.loaded.manifest.classes ?? [];
  await mkdir(path.join(dir, 'members'), { recursive: true });
  const specs: EnsembleSpec['members'] = [];
  for (const [k, member] of members.entries()) {
    const m = member.loaded.manifest;
    if (m.ensemble) throw new EinthovenError('E_VALIDATION', `${member.location}: an ensemble cannot be a member of another`);
    const memberDir = `members/${String(k + 1).padStart(2, '0')}`;
    const target = path.join(dir, memberDir);
    const info = await stat(member.location);
    if (info.isDirectory()) await cp(member.location, target, { recursive: true, filter: (src) => !src.endsWith('.tmp') });
    // A single-file export is unpacked into a folder, so every member reads the same way.
    else await writePackageFolder(target, await readPackage(member.location));
    specs.push({ dir: memberDir, id: m.id, name: m.name, architecture: m.architecture.name, rateHz: pipelineRate(m.preprocessing) ?? null, weightsSha256: m.weightsSha256, topologySha256: m.topologySha256 });
  }
  const unsealed = modelManifestSchema.parse({
    ...fields,
    ...unsealedHeader(),
    architecture: { name: 'ensemble', buildOptions: { numClasses: classes.length }, params: members.reduce((n, m) => n + m.loaded.manifest.architecture.params, 0) },
    classes: [...classes],
    // Each member keeps its own pipeline and inference; the ensemble adds none of its own.
    preprocessing: { version: 1, stages: [], augmentation: null },
    inference: { mode: 'centre', aggregate: 'mean' },
    ensemble: { aggregation: 'mean-calibrated-probability', members: specs },
    engineVersion,
    weightsSha256: digestOfDigests(specs.map((s) => s.weightsSha256)),
    topologySha256: digestOfDigests(specs.map((s) => s.topologySha256)),
  });
  // Sealed like any package: the seal covers the member list and its digests, so the ensemble's
  // id changes whenever a member, a threshold or anything else in it does.
  const sealed = sealManifest(unsealed as unknown as Record<string, unknown>);
  const manifest = modelManifestSchema.parse(sealed);
  const file = path.join(dir, packageFiles.manifest);
  await writeFile(`${file}.tmp`, `${JSON.stringify(sealed, null, 2)}\n`);
  await rename(`${file}.tmp`, file);
  return manifest;
}
