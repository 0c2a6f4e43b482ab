import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EinthovenError } from '../../errors';

/** resources/models of this checkout (the bundled models). */
export const bundledModelsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../resources/models');

/** A --model/--base argument: a package folder or .ecgmodel file, else the name of a bundled model. */
export function resolveModel(value: string): string {
  if (existsSync(value)) return path.resolve(value);
  const bundled = path.join(bundledModelsDir, value);
  if (/^[\w.-]+$/.test(value) && existsSync(bundled)) return bundled;
  throw new EinthovenError('E_NOT_FOUND', `${value}: no such model package (a folder, a .ecgmodel file, or a bundled model name)`);
}
