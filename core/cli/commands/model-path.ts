import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EinthovenError } from '../../errors';

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

/** A --model/--base argument: a package folder or .ecgmodel file, else the name of a bundled model. */
export function resolveModel(value: string): string {
  if (existsSync(value)) return path.resolve(value);
  const bundled = path.join(bundledModelsDir(), value);
  if (/^[\w.-]+$/.test(value) && existsSync(bundled)) return bundled;
  throw new EinthovenError('E_NOT_FOUND', `${value}: no such model package (a folder, a .ecgmodel file, or a bundled model name)`);
}
