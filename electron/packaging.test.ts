import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';
import { UUID } from 'builder-util-runtime';
import { minimatch } from 'minimatch';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * electron-builder cannot package here (it downloads Electron), so we check what can be
 * checked: the config parses, passes electron-builder's own schema, and keeps our policies.
 */
describe('electron-builder.yml', async () => {
  const config = await getConfig(repoRoot, path.join(repoRoot, 'electron-builder.yml'), null);

  it("passes electron-builder's schema validation", async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('builds a per-machine NSIS installer, a per-machine silent MSI with a pinned upgrade code, an AppImage and a deb, and a dmg (README says each)', () => {
    expect(config.win?.target).toEqual(['nsis', 'msi']);
    expect(config.nsis).toMatchObject({ perMachine: true, oneClick: false });
    // Deployment tools install the MSI with no one at the screen; the upgrade code must never change.
    expect(config.msi).toMatchObject({ perMachine: true, oneClick: true, runAfterFinish: false, upgradeCode: '7D031198-C10F-5131-9F7A-F1D3CB87ED82' });
    // The code written out is the one electron-builder derives from our appId (MsiTarget's namespace).
    expect(UUID.v5(config.appId ?? '', UUID.parse('d752fe43-5d44-44d5-9fc9-6dd1bf19d5cc')).toUpperCase()).toBe(config.msi?.upgradeCode);
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.mac?.target).toEqual(['dmg']);
  });

  it('ships the engine\'s worker-thread script beside the engine, inside the asar (worker threads read it there)', () => {
    expect(JSON.stringify(config.files)).toContain('"dist-electron/**"');
    // Kept in the asar, not unpacked: its npm imports must resolve to app.asar/node_modules as the engine's do.
    expect(JSON.stringify(config.asarUnpack)).not.toContain('parallel-worker');
  });

  it('flips the Electron fuses: no RunAsNode, no NODE_OPTIONS, no --inspect, asar integrity on, app only from the asar', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('unpacks native modules from the asar and turns auto-update off', () => {
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/*.node', '**/node_modules/better-sqlite3/**']));
    expect(config.publish).toBeNull();
  });

  it("unpacks Dawn (the webgpu package) so the engine process can load dawn.node, and ships each platform only its own", () => {
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/node_modules/webgpu/dist/**']));
    expect(config.linux?.files).toContain('!**/node_modules/webgpu/dist/{darwin,win32}-*/**');
    expect(config.win?.files).toContain('!**/node_modules/webgpu/dist/{darwin,linux}-*/**');
    expect(config.mac?.files).toContain('!**/node_modules/webgpu/dist/{linux,win32}-*/**');
    // The patterns against the package's real files: Linux keeps linux-x64/dawn.node and drops the rest.
    const dist = path.join(repoRoot, 'node_modules/webgpu/dist');
    if (!existsSync(dist)) return; // optional dependency not installed here
    const files = readdirSync(dist).flatMap((dir) => readdirSync(path.join(dist, dir)).map((f) => `node_modules/webgpu/dist/${dir}/${f}`));
    const linuxExclusion = '**/node_modules/webgpu/dist/{darwin,win32}-*/**';
    const keptOnLinux = files.filter((f) => !minimatch(f, linuxExclusion));
    expect(keptOnLinux.length).toBeGreaterThan(0);
    expect(keptOnLinux.every((f) => f.includes('/linux-'))).toBe(true);
    expect(keptOnLinux).toContain('node_modules/webgpu/dist/linux-x64/dawn.node');
    expect(files.every((f) => minimatch(f, '**/node_modules/webgpu/dist/**'))).toBe(true);
  });

  it('unpacks onnxruntime (binding and shared library) and ships each platform only its own', () => {
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/node_modules/onnxruntime-node/bin/**']));
    const bin = path.join(repoRoot, 'node_modules/onnxruntime-node/bin/napi-v6');
    if (!existsSync(bin)) return; // optional dependency not installed here
    const files = readdirSync(bin, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.relative(repoRoot, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
    const patterns = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.startsWith('!')) : []);
    const kept = (exclusions: unknown) => files.filter((f) => !patterns(exclusions).some((x) => minimatch(f, x.slice(1))));
    const platforms = { linux: config.linux?.files, win32: config.win?.files, darwin: config.mac?.files } as const;
    for (const [platform, exclusions] of Object.entries(platforms)) {
      const left = kept(exclusions);
      expect(left.length).toBeGreaterThan(0);
      expect(left.every((f) => f.includes(`/napi-v6/${platform}/`))).toBe(true);
      expect(left.some((f) => f.endsWith('onnxruntime_binding.node'))).toBe(true);
    }
    expect(kept(platforms.linux)).toContain('node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1');
  });
});
