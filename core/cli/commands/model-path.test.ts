import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundledModelsDir } from './model-path';

describe('bundledModelsDir: the bundled models wherever the CLI runs', () => {
  it('from source: resources/models of this checkout', () => {
    expect(bundledModelsDir(pathToFileURL('/repo/core/cli/commands/model-path.ts').href)).toBe(path.resolve('/repo/resources/models'));
  });

  it('bundled in a checkout (dist-electron/cli.js): resources/models beside dist-electron/, even under Electron', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'einthoven-models-dir-'));
    mkdirSync(path.join(root, 'resources', 'models'), { recursive: true });
    const electronOwn = mkdtempSync(path.join(os.tmpdir(), 'einthoven-electron-resources-'));
    mkdirSync(path.join(electronOwn, 'resources', 'models'), { recursive: true });
    const bundle = pathToFileURL(path.join(root, 'dist-electron', 'cli.js')).href;
    expect(bundledModelsDir(bundle, undefined)).toBe(path.join(root, 'resources', 'models'));
    expect(bundledModelsDir(bundle, electronOwn)).toBe(path.join(root, 'resources', 'models'));
  });

  it("packaged (the bundle inside app.asar): the app's extraResources, <resourcesPath>/resources/models", () => {
    const install = mkdtempSync(path.join(os.tmpdir(), 'einthoven-install-'));
    mkdirSync(path.join(install, 'resources', 'resources', 'models'), { recursive: true });
    const bundle = pathToFileURL(path.join(install, 'resources', 'app.asar', 'dist-electron', 'cli.js')).href;
    expect(bundledModelsDir(bundle, path.join(install, 'resources'))).toBe(path.join(install, 'resources', 'resources', 'models'));
  });
});
