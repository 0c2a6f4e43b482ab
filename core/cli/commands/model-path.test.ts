import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resealPackageFolder } from '../../train/package/io';
import { capture } from '../../test/cli-io';
import { runCli } from '../run';
import { bundledModelsDir, resolveModel } from './model-path';

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

/** A copy of the bundled starter at `dir`, renamed and resealed: a model of its own id. */
async function starterCopy(dir: string, name: string, description: string): Promise<string> {
  cpSync(path.join(bundledModelsDir(), 'starter'), dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ ...manifest, name, description }));
  return (await resealPackageFolder(dir)).id;
}

/** Such a copy installed: in the data folder's models/, where the app lists it. */
const installCopy = (dataDir: string, folder: string, name: string, description: string) => starterCopy(path.join(dataDir, 'models', folder), name, description);

describe('resolveModel: one set of names for every command that takes a model', () => {
  const starter = JSON.parse(readFileSync(path.join(bundledModelsDir(), 'starter', 'manifest.json'), 'utf8')) as { id: string; name: string };

  it("takes a package path, a bundled model's folder name, and an installed model's id or name, bundled or in the data folder's models/", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-resolve-model-'));
    const bundled = path.join(bundledModelsDir(), 'starter');
    const site = await installCopy(dataDir, 'site', 'site model', 'a copy');
    for (const name of ['starter', starter.id, starter.name, bundled]) expect(await resolveModel(name, dataDir)).toBe(bundled);
    for (const name of ['site model', site, path.join(dataDir, 'models', 'site')]) expect(await resolveModel(name, dataDir)).toBe(path.join(dataDir, 'models', 'site'));
    await expect(resolveModel('nowhere', dataDir)).rejects.toMatchObject({ code: 'E_NOT_FOUND', message: expect.stringContaining(`nowhere: no such model (a package folder or .ecgmodel file, a bundled model's folder name such as 'starter', or the id or name of a bundled model or one in ${path.join(dataDir, 'models')})`) });
    // A name two installed models share is refused; each one's id still names it.
    const other = await installCopy(dataDir, 'site-2', 'site model', 'another copy');
    await expect(resolveModel('site model', dataDir)).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(/^'site model' names 2 installed models \(.*\): give the id of the one you mean$/) });
    expect(await resolveModel(other, dataDir)).toBe(path.join(dataDir, 'models', 'site-2'));
  });

  it('ecg package verify and ecg models promote take the names ecg predict takes', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-resolve-model-cli-'));
    const site = await installCopy(dataDir, 'site', 'site model', 'a copy');
    for (const name of ['starter', starter.id, site, 'site model']) {
      const verified = capture();
      expect(await runCli(['package', 'verify', name, '--data-dir', dataDir], verified)).toBe(0);
      expect(verified.out[0]).toMatch(new RegExp(`^${name}: OK ${(name === site || name === 'site model' ? site : starter.id).replace(/[.@]/g, '\\$&')}, not signed$`));
      // Promote finds the model and says what it lacks, rather than 'no installed model'.
      const promote = capture();
      expect(await runCli(['models', 'promote', name, '--data-dir', dataDir], promote)).toBe(1);
      expect(promote.out[0]).toMatch(/: no locked-test evaluation on this site's data$/);
    }
    const missing = capture();
    expect(await runCli(['package', 'verify', 'nowhere', '--data-dir', dataDir], missing)).toBe(1);
    expect(missing.out[0]).toMatch(/^nowhere: FAILED nowhere: no such model/);
    // A package outside the data folder is found, but cannot be the default: it is not installed.
    const outside = path.join(mkdtempSync(path.join(os.tmpdir(), 'einthoven-outside-')), 'pkg');
    const outsideId = await starterCopy(outside, 'outside', 'not installed');
    const refused = capture();
    expect(await runCli(['models', 'promote', outside, '--data-dir', dataDir], refused)).toBe(1);
    expect(refused.err[0]).toBe(`ecg models: E_NOT_FOUND: ${outside} (${outsideId}) is not installed: only a bundled model or one in the data folder's models/ can be the default`);
  });
});
