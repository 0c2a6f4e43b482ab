import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/**
 * The shared corpus (../shared beside the checkout) exists on developer machines and in CI,
 * but not on a fresh clone. Corpus tests run only when it is present:
 * `describe.runIf(sharedData)(...)`.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const candidate = process.env.EINTHOVEN_SHARED_DIR ?? path.resolve(repoRoot, '../shared');

export const sharedDir: string | undefined = existsSync(path.join(candidate, 'data')) ? candidate : undefined;
export const sharedData = sharedDir !== undefined;

/** Absolute path inside ../shared/data; only call when `sharedData` is true. */
export function sharedDataPath(...parts: string[]): string {
  if (!sharedDir) throw new Error('../shared is not present');
  return path.join(sharedDir, 'data', ...parts);
}

/** Absolute path of a committed fixture under core/test/fixtures. */
export function fixturePath(...parts: string[]): string {
  return path.join(repoRoot, 'core', 'test', 'fixtures', ...parts);
}
