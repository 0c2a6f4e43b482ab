import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { EinthovenError } from '../errors';

/** The bundled worker script's name, beside the bundled engine (scripts/build-electron.mjs). */
export const bundledWorkerName = 'parallel-worker.js';

/** How a worker thread is started in the way this engine runs. */
export type WorkerLaunch =
  | { readonly kind: 'bundle'; readonly script: string }
  | { readonly kind: 'source'; readonly entry: string; readonly tsxApi: string };

/**
 * Finds the worker script. Built (dist-electron/engine.js, also inside app.asar, which
 * Electron's utilityProcess and its worker threads read natively): dist-electron/parallel-worker.js
 * beside the module. From source (tsx CLI, vitest, the bench): core/parallel/worker-main.ts,
 * loaded through tsx's tsImport, since Node 20 does not pass --import loader hooks on to workers.
 */
export function workerLaunch(moduleUrl: string = import.meta.url): WorkerLaunch {
  const here = path.dirname(fileURLToPath(moduleUrl));
  if (!moduleUrl.endsWith('.ts')) {
    const script = path.join(here, bundledWorkerName);
    if (!existsSync(script)) throw new EinthovenError('E_INTERNAL', `worker script missing: ${script} (rebuild with npm run build:electron)`);
    return { kind: 'bundle', script };
  }
  const entry = path.join(here, 'worker-main.ts');
  const tsxPackage = createRequire(moduleUrl).resolve('tsx/package.json');
  return { kind: 'source', entry, tsxApi: path.join(path.dirname(tsxPackage), 'dist', 'esm', 'api', 'index.mjs') };
}

/** A bootstrap for source mode: registers tsx in the worker, then imports the TypeScript entry. */
const sourceBootstrap = `
const { workerData } = require('node:worker_threads');
import(workerData.launch.tsxApi).then(({ tsImport }) => tsImport(workerData.launch.entryUrl, workerData.launch.entryUrl)).catch((error) => { throw error; });
`;

/**
 * Each worker's young generation (V8's nursery, where tfjs's many short-lived objects are born).
 * A training step allocates so many that V8's default (48 MB) is collected several times a step;
 * a larger one is collected less often and promotes less. Measured: ResNet18-1D b32 on 2 workers
 * took 854–870 ms per step with the default and 741–769 ms with 64 MB (three alternating runs
 * each, V8's default collector; 764 → 705–740 ms with --single-threaded-gc), for ~80 MB more
 * resident memory. A worker's resource limit is a Node API, not a V8 flag, so Electron's utility
 * process should honour it too (not measured there).
 */
export const workerYoungGenerationMb = 64;

/** Starts one worker thread running worker-main with `data` as its workerData. */
export function spawnWorker(data: Record<string, unknown>, launch: WorkerLaunch = workerLaunch()): Worker {
  const resourceLimits = { maxYoungGenerationSizeMb: workerYoungGenerationMb };
  if (launch.kind === 'bundle') return new Worker(launch.script, { workerData: data, resourceLimits });
  const launchData = { tsxApi: pathToFileURL(launch.tsxApi).href, entryUrl: pathToFileURL(launch.entry).href };
  return new Worker(sourceBootstrap, { eval: true, workerData: { ...data, launch: launchData }, resourceLimits });
}
