import { unzipSync, zipSync } from 'fflate';
import { readFile, stat } from 'node:fs/promises';
import { EinthovenError } from '../../errors';
import { writeFileAtomic } from '../../storage/atomic';
import type * as tf from '@tensorflow/tfjs';
import { loadPackageBytes, packageBytes, packageFiles, packageLimits, readPackageFolder, writePackageFolder, type LoadedPackage, type ManifestFields, type PackageBytes, type PackageSigner } from './io';
import type { ModelManifest } from './manifest';

/** Extension of the single-file export: a zip of the package's three files. */
export const packageExtension = '.ecgmodel';

const maxArchiveBytes = packageLimits.weightsBytes + packageLimits.modelJsonBytes + packageLimits.manifestBytes;

/** Zips a package's files into one file (weights stored, JSON deflated). */
export function packArchive(bytes: PackageBytes): Uint8Array {
  return zipSync({
    [packageFiles.manifest]: [bytes.manifest, { level: 6 }],
    [packageFiles.model]: [bytes.model, { level: 6 }],
    [packageFiles.weights]: [bytes.weights, { level: 0 }],
  });
}

/**
 * Reads a single-file package. Entries are checked by name and declared size before anything
 * is inflated, so a hostile archive cannot make us allocate more than the package limits.
 */
export function unpackArchive(data: Uint8Array, where: string): PackageBytes {
  const caps: Record<string, number> = {
    [packageFiles.manifest]: packageLimits.manifestBytes,
    [packageFiles.model]: packageLimits.modelJsonBytes,
    [packageFiles.weights]: packageLimits.weightsBytes,
  };
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(data, {
      filter: (file) => {
        const cap = caps[file.name];
        if (cap === undefined) return false; // unknown entries are ignored, never extracted
        if (file.originalSize > cap) throw new EinthovenError('E_TOO_LARGE', `${where}: ${file.name} declares ${file.originalSize} bytes, over the ${cap}-byte limit`);
        return true;
      },
    });
  } catch (error) {
    if (error instanceof EinthovenError) throw error;
    throw new EinthovenError('E_MODEL', `${where}: not a readable model package archive (${error instanceof Error ? error.message : String(error)})`);
  }
  const get = (name: string) => {
    const entry = entries[name];
    if (!entry) throw new EinthovenError('E_MODEL', `${where}: the archive has no ${name}`);
    return entry;
  };
  return { manifest: get(packageFiles.manifest), model: get(packageFiles.model), weights: get(packageFiles.weights) };
}

/** Exports a package folder as one file (verifying it first, so a broken package is never exported). */
export async function exportPackage(dir: string, file: string): Promise<void> {
  const bytes = await readPackageFolder(dir);
  const loaded = loadPackageBytes(bytes, dir);
  loaded.model.dispose();
  await writeFileAtomic(file, packArchive(bytes));
}

/** Reads a package's bytes from a folder or a single-file export. */
export async function readPackage(location: string): Promise<PackageBytes> {
  const info = await stat(location).catch(() => undefined);
  if (!info) throw new EinthovenError('E_NOT_FOUND', `${location}: no such model package`);
  if (info.isDirectory()) return readPackageFolder(location);
  // A device or a pipe has size 0 to stat, so the limit below never applied to it: --model /dev/zero held 6 GB in 20 s.
  if (!info.isFile()) throw new EinthovenError('E_MODEL', `${location}: not a model package (not a regular file: a device, pipe or socket; nothing was read from it)`);
  if (info.size > maxArchiveBytes) throw new EinthovenError('E_TOO_LARGE', `${location}: ${info.size} bytes is too large for a model package`);
  return unpackArchive(new Uint8Array(await readFile(location)), location);
}

/** Loads and verifies a package from a folder or a single file (the hash check runs every time). */
export async function loadPackage(location: string): Promise<LoadedPackage> {
  return loadPackageBytes(await readPackage(location), location);
}

/** Saves a model as a package: a single file when `location` ends in .ecgmodel, else a folder. */
export async function saveModelPackage(location: string, model: tf.LayersModel, fields: ManifestFields, engineVersion: string, signer?: PackageSigner): Promise<ModelManifest> {
  const { manifest, bytes } = await packageBytes(model, fields, engineVersion, signer);
  if (!location.endsWith(packageExtension)) {
    await writePackageFolder(location, bytes);
    return manifest;
  }
  await writeFileAtomic(location, packArchive(bytes));
  return manifest;
}
