import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPtbxl } from '../data/index';
import { pipelineConfigSchema } from '../signal/pipeline-config';
import { fixturePath } from '../test/shared-data';
import { WorkerPool } from './pool';
import type { DecodeOutcome } from './protocol';
import { once } from 'node:events';
import { bundledWorkerName, spawnWorker, workerLaunch, workerYoungGenerationMb } from './spawn';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let bundled: Promise<string> | undefined;

/**
 * The worker bundled as scripts/build-electron.mjs bundles it, built once per run. Under the
 * repository, so that its npm imports resolve as they do from dist-electron/ (and app.asar).
 */
function bundledWorker(): Promise<string> {
  const outfile = path.join(repoRoot, 'node_modules', '.cache', 'einthoven-worker-test', bundledWorkerName);
  bundled ??= build({ entryPoints: [path.join(repoRoot, 'core', 'parallel', 'worker-main.ts')], outfile, bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'warning' }).then(() => outfile);
  return bundled;
}

describe('worker script resolution', () => {
  it('runs the TypeScript entry through tsx from source, and the bundled script beside a built engine', () => {
    const source = workerLaunch(pathToFileURL(path.join(repoRoot, 'core', 'parallel', 'spawn.ts')).href);
    expect(source).toMatchObject({ kind: 'source', entry: path.join(repoRoot, 'core', 'parallel', 'worker-main.ts') });
    expect(() => workerLaunch(pathToFileURL('/nowhere/dist-electron/engine.js').href)).toThrow(/worker script missing: \/nowhere\/dist-electron\/parallel-worker.js/);
    // The build writes the worker where the engine bundle looks for it.
    expect(readFileSync(path.join(repoRoot, 'scripts', 'build-electron.mjs'), 'utf8')).toContain(`outfile: 'dist-electron/${bundledWorkerName}'`);
  });

  it('the bundled worker (as scripts/build-electron.mjs builds it) starts its wasm backend and decodes a record', async () => {
    const pool = WorkerPool.start(1, 'wasm', { kind: 'bundle', script: await bundledWorker() });
    try {
      const item = (await loadPtbxl(fixturePath('train', 'ptbxl'), { fs: 100 })).items[0]!;
      const pipeline = pipelineConfigSchema.parse({ version: 1, stages: [{ kind: 'crop', length: 250 }] });
      const [outcome] = await pool.call<DecodeOutcome[]>(0, { kind: 'decode', items: [item], before: pipeline, cacheDir: null });
      expect(outcome).toMatchObject({ id: item.id, fs: 100 });
      expect((outcome as { signal: Float32Array[] }).signal).toHaveLength(12);
      // The rate-free profile crosses the thread too: training with workers still finds a record's copy at another rate.
      expect((outcome as { profile?: { samples: Float32Array[] } }).profile?.samples).toHaveLength(2);
    } finally {
      await pool.close();
    }
  });

  it('starts workers with their own young-generation size, from source and bundled', async () => {
    for (const launch of [workerLaunch(pathToFileURL(path.join(repoRoot, 'core', 'parallel', 'spawn.ts')).href), { kind: 'bundle' as const, script: await bundledWorker() }]) {
      const worker = spawnWorker({ backend: 'cpu', index: 0 }, launch);
      try {
        await once(worker, 'online');
        expect(worker.resourceLimits?.maxYoungGenerationSizeMb, launch.kind).toBe(workerYoungGenerationMb);
      } finally {
        await worker.terminate();
      }
    }
  });
});
