import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveDataDir } from '../../engine/data-dir';
import { EinthovenError } from '../../errors';
import { ModelDirectory } from '../../train/service/models';

/** Electron's resources folder (`process.resourcesPath`), where the packaged app's extraResources lie; undefined under Node. */
function electronResourcesPath(): string | undefined {
  const value: unknown = Reflect.get(process, 'resourcesPath');
  return typeof value === 'string' ? value : undefined;
}

/**
 * The bundled models' folder for the way this code runs:
 * - from source (tsx, vitest): resources/models of this checkout, three folders up;
 * - bundled (dist-electron/cli.js, which the desktop app's `--cli` mode loads): resources/models
 *   beside dist-electron/ in a checkout, else the packaged app's `<resourcesPath>/resources/models`
 *   (electron-builder's extraResources; the asar holds no resources/).
 */
export function bundledModelsDir(moduleUrl: string = import.meta.url, resourcesPath: string | undefined = electronResourcesPath()): string {
  const here = path.dirname(fileURLToPath(moduleUrl));
  if (moduleUrl.endsWith('.ts')) return path.resolve(here, '../../../resources/models');
  const besideBundle = path.resolve(here, '../resources/models');
  const packaged = resourcesPath === undefined ? undefined : path.join(resourcesPath, 'resources', 'models');
  return packaged !== undefined && !existsSync(besideBundle) && existsSync(packaged) ? packaged : besideBundle;
}

/**
 * A model as every command that takes one names it (--model, --base, --member, --compare, export-pytorch,
 * package verify, models promote), so a name one command takes is never "no such model" to another:
 * - a package folder or .ecgmodel file;
 * - a bundled model's folder name ('starter', 'starter-cpsc');
 * - an installed model's id or name, as the app lists it: bundled, or in the models/ of the data folder
 *   (`dataDir`, the command's --data-dir, else the default folder), looked for only when nothing above matched.
 */
export async function resolveModel(value: string, dataDir?: string): Promise<string> {
  if (existsSync(value)) return path.resolve(value);
  const bundled = path.join(bundledModelsDir(), value);
  if (/^[\w.-]+$/.test(value) && existsSync(bundled)) return bundled;
  const models = new ModelDirectory(bundledModelsDir(), path.join(resolveDataDir(dataDir), 'models'));
  const named = (await models.list()).entries.filter((e) => e.manifest.id === value || e.manifest.name === value);
  const ids = new Set(named.map((e) => e.manifest.id));
  // Two packages of one name (a fine-tuning written twice under it): which was meant is the user's to say.
  if (ids.size > 1) throw new EinthovenError('E_VALIDATION', `'${value}' names ${ids.size} installed models (${[...ids].join(', ')}): give the id of the one you mean`);
  const found = named.find((e) => e.manifest.id === value) ?? named[0];
  if (found) return found.location;
  throw new EinthovenError('E_NOT_FOUND', `${value}: no such model (a package folder or .ecgmodel file, a bundled model's folder name such as 'starter', or the id or name of a bundled model or one in ${models.userDir})`);
}
