/** Model packages: folder (manifest.json + tfjs model.json + weights.bin) and single-file export. */
export { identityOf, modelManifestSchema, operatingPointSchema, packageFormatVersion, type ModelIdentity, type ModelManifest, type OperatingPoint, type Provenance } from './manifest';
export { loadPackageBytes, modelArtifacts, packageBytes, packageFiles, packageLimits, parseManifest, readPackageFolder, savePackage, sha256Hex, writePackageFolder, type LoadedPackage, type ManifestFields, type PackageBytes } from './io';
export { exportPackage, loadPackage, packageExtension, packArchive, readPackage, saveModelPackage, unpackArchive } from './archive';
