import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { datasetSha256, indexDataset, splitCounts } from '../train/jobs/prepare';
import type { ModelManifest } from '../train/package/manifest';
import { sealManifest } from '../train/package/seal';

/** The bundled starter package's folder. */
export const starterDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../resources/models/starter');

/** A manifest as its JSON holds it, with the two parts the older shapes differ in. */
export type RawManifest = Record<string, unknown> & { intendedInput: Record<string, unknown>; provenance: Record<string, unknown> };

/**
 * The bundled starter copied into `dir` with its manifest edited and resealed (as `ecg package
 * seal` would): how the tests meet packages made before the manifest stated what the starter now
 * states. The starter itself was remade with those statements, so it can no longer stand in for
 * an older package; its weights and the rest of its manifest are kept.
 */
export async function starterCopy(dir: string, ...edits: ((manifest: RawManifest) => void)[]): Promise<string> {
  await cp(starterDir, dir, { recursive: true });
  const file = path.join(dir, 'manifest.json');
  const manifest = JSON.parse(await readFile(file, 'utf8')) as RawManifest;
  for (const edit of edits) edit(manifest);
  await writeFile(file, JSON.stringify(sealManifest(manifest), null, 2));
  return dir;
}

/** A package written before it said where its minimum duration came from: one model window (2.5 s), no basis. */
export function statingOneWindow(manifest: RawManifest): void {
  manifest.intendedInput.minSeconds = 2.5;
  delete manifest.intendedInput.minSecondsBasis;
}

/** A package made before packages kept their duplicate check, that found no copies: no duplicates record at all. */
export function withoutDuplicates(manifest: RawManifest): void {
  delete manifest.provenance.duplicates;
}

/** A package made before packages kept their duplicate check, that found copies: they are listed, the check is not. */
export function duplicatesWithoutMethod(manifest: RawManifest): void {
  const { method: _method, splits: _splits, ...found } = manifest.provenance.duplicates as Record<string, unknown>;
  manifest.provenance.duplicates = found;
}

/**
 * An edit making the starter's copy a package trained on the PTB-XL layout at `root` (the
 * fixture's 24 records), as far as its manifest says: its dataset's name, index digest and split
 * counts are that dataset's as the starter reads it, so that dataset's test split is the copy's
 * own locked test, which `ecg evaluate --attach` keeps (or, with --replace-test, reads again).
 */
export async function trainedOn(root: string): Promise<(manifest: RawManifest) => void> {
  const manifest = JSON.parse(await readFile(path.join(starterDir, 'manifest.json'), 'utf8')) as ModelManifest;
  const dataset = await indexDataset({ kind: 'ptbxl', root }, manifest.preprocessing, false);
  const own = { name: dataset.name, sha256: datasetSha256(dataset), records: splitCounts(dataset) };
  return (m) => {
    m.provenance.dataset = { ...(m.provenance.dataset as Record<string, unknown>), ...own };
  };
}
