import { engineVersion } from '../../engine/version';
import { EinthovenError } from '../../errors';
import { writeFileAtomic } from '../../storage/atomic';
import { jsonSafe } from '../finalize';
import { packArchive, packageExtension } from './archive';
import { sha256Hex, writePackageFolder, type PackageBytes } from './io';
import { modelManifestSchema, unsealedHeader, type ModelManifest } from './manifest';
import { sealManifest } from './seal';

/** What a derived package changes of its base's manifest; the rest (architecture, pipeline, inference …) is the base's. */
export type DerivedFields = Pick<ModelManifest, 'name' | 'description' | 'operatingPoint' | 'provenance'>;

/**
 * Writes a new package that reuses a base package's model.json and weights.bin byte for byte
 * under a new manifest (a site operating point changes no weight): its digests are the base's,
 * its seal and id its own. The base's signature is not carried over (it signed other content);
 * the app signs the new package when a site key is configured. A folder, or one file when
 * `location` ends in .ecgmodel.
 */
export async function saveDerivedPackage(location: string, base: { readonly manifest: ModelManifest; readonly bytes: PackageBytes }, fields: DerivedFields): Promise<ModelManifest> {
  if (sha256Hex(base.bytes.weights) !== base.manifest.weightsSha256 || sha256Hex(base.bytes.model) !== base.manifest.topologySha256) {
    throw new EinthovenError('E_MODEL', `${base.manifest.name}: its files changed since it was loaded; refusing to derive a package from them`);
  }
  // The base's seal, id and signature describe the base; the new manifest gets its own.
  const { integrity: _integrity, signature: _signature, id: _id, ...kept } = base.manifest;
  const unsealed = modelManifestSchema.parse(
    jsonSafe({ ...kept, ...fields, ...unsealedHeader(), engineVersion, weightsSha256: sha256Hex(base.bytes.weights), topologySha256: sha256Hex(base.bytes.model) }),
  );
  const sealed = sealManifest(unsealed as unknown as Record<string, unknown>);
  const bytes: PackageBytes = { manifest: new TextEncoder().encode(`${JSON.stringify(sealed, null, 2)}\n`), model: base.bytes.model, weights: base.bytes.weights };
  if (location.endsWith(packageExtension)) await writeFileAtomic(location, packArchive(bytes));
  else await writePackageFolder(location, bytes);
  return modelManifestSchema.parse(sealed);
}
