/** Worker of scripts/fuzz/formats.ts: builds the seed records once, then runs one case per message. */
import { parentPort, workerData } from 'node:worker_threads';
import { makeCase, runCase, zlibBombElement } from '../../core/formats/test/mutate';
import { initFlac } from '../../core/formats/wfdb/flac';
import { fixtureSeeds, sharedSeeds } from '../../core/formats/test/seeds';

const { sharedEcg } = workerData as { sharedEcg?: string };
const seeds = sharedEcg ? sharedSeeds(sharedEcg) : fixtureSeeds();
await initFlac();
zlibBombElement(); // built once here, not inside the first bomb case's time limit
parentPort?.postMessage('ready');

parentPort?.on('message', (seed: number) => {
  const c = makeCase(seed, seeds);
  const started = performance.now();
  const { primary, classes, messages } = runCase(c);
  parentPort?.postMessage({ seed, format: c.format, primary, classes, messages, ms: performance.now() - started, target: c.target, operators: c.operators, arrayBuffersMb: process.memoryUsage().arrayBuffers / 1048576 });
});
