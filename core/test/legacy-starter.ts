import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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
