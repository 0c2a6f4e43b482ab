/**
 * Mutation fuzzer for the ECG readers: `npm run fuzz -- [--cases 10000] [--seed 1] [--fixtures]
 * [--timeout-ms 5000] [--heap-mb 256] [--json]`.
 *
 * Seeds: every record of ../shared/data/ecg (labels.csv) when present, else the committed
 * fixtures. Each case mutates one file of one record (core/formats/test/mutate.ts) and decodes
 * it in a worker thread with a memory cap (V8 heap --heap-mb; samples and other buffers outside
 * the heap are measured after each case against the same figure); a case that does not answer
 * within the timeout is a hang, a worker that dies of its heap cap or exceeds the buffer figure
 * is over-memory. Prints counts per seed format and outcome; exits 1 if any case ended in
 * anything other than a record or a typed error.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import type { SourceFile } from '../../core/formats/record';
import { makeCase } from '../../core/formats/test/mutate';
import { fixtureSeeds, sharedSeeds } from '../../core/formats/test/seeds';

interface Reply {
  seed: number;
  format: string;
  arrayBuffersMb: number;
  primary: string;
  classes: string[];
  messages: string[];
  ms: number;
  target: string;
  operators: string[];
}

const here = path.dirname(fileURLToPath(import.meta.url));
const sharedEcg = path.resolve(here, '../../../shared/data/ecg');
const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '1' },
    fixtures: { type: 'boolean', default: false },
    'timeout-ms': { type: 'string', default: '5000' },
    'heap-mb': { type: 'string', default: '256' },
    json: { type: 'boolean', default: false },
  },
});
const total = Number(values.cases);
const firstSeed = Number(values.seed);
const timeoutMs = Number(values['timeout-ms']);
const heapMb = Number(values['heap-mb']);
const useShared = !values.fixtures && existsSync(path.join(sharedEcg, 'labels.csv'));

function startWorker(): Worker {
  return new Worker(path.join(here, 'formats-worker.mjs'), {
    workerData: { sharedEcg: useShared ? sharedEcg : undefined },
    resourceLimits: { maxOldGenerationSizeMb: heapMb },
  });
}

const counts = new Map<string, number>();
/** Per seed format: outcome → cases (the record holding the mutated file). */
const byFormat = new Map<string, Map<string, number>>();
const cases = new Map<string, number>();
const byTarget = new Map<string, Map<string, number>>();
const bad: string[] = [];
const slowest: { seed: number; ms: number; target: string }[] = [];
const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

function countFormat(format: string, outcome: string): void {
  const perFormat = byFormat.get(format) ?? new Map<string, number>();
  byFormat.set(format, perFormat);
  count(perFormat, outcome);
}

function record(reply: Reply): void {
  if (reply.arrayBuffersMb > heapMb) {
    bad.push(`seed ${reply.seed} ${reply.target}: over-memory (${reply.arrayBuffersMb.toFixed(0)} MB of buffers after the case)`);
    count(cases, 'over-memory');
    countFormat(reply.format, 'over-memory');
    return;
  }
  countFormat(reply.format, reply.primary);
  const kind = reply.target.replace(/^.*\//, '').replace(/^.*?(\.[^.]+)?$/, (_, ext: string | undefined) => ext?.toLowerCase() ?? '(none)');
  const perTarget = byTarget.get(kind) ?? new Map<string, number>();
  byTarget.set(kind, perTarget);
  count(cases, reply.primary);
  count(perTarget, reply.primary);
  reply.classes.forEach((cls, i) => {
    count(counts, cls);
    if (cls === 'crash' || cls.startsWith('unexpected')) bad.push(`seed ${reply.seed} ${reply.target} [${reply.operators.join('+')}]: ${cls}: ${reply.messages[i]}`);
  });
  slowest.push({ seed: reply.seed, ms: reply.ms, target: reply.target });
  slowest.sort((a, b) => b.ms - a.ms).splice(5);
}

/** A fresh worker, once it has built its seed records (a worker that cannot start ends the run). */
async function readyWorker(): Promise<Worker> {
  const worker = startWorker();
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    worker.once('message', () => {
      worker.off('error', onError);
      resolve();
    });
    worker.once('error', onError);
  });
  return worker;
}

/** The seed format of a case that never answered (rebuilt here: the worker is gone). */
let seedRecords: SourceFile[][] | undefined;
function formatOf(seed: number): string {
  seedRecords ??= useShared ? sharedSeeds(sharedEcg) : fixtureSeeds();
  return makeCase(seed, seedRecords).format;
}

async function main(): Promise<void> {
  const started = Date.now();
  let worker = await readyWorker();
  let seed = firstSeed;
  const last = firstSeed + total - 1;
  while (seed <= last) {
    const current = seed;
    const reply = await new Promise<Reply | { failure: string }>((resolve) => {
      // Only our own listeners are removed: Worker keeps internal ones that route its messages.
      const onMessage = (m: Reply) => done(m);
      const onError = (e: Error & { code?: string }) => done({ failure: e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'over-memory' : `crash:${e.message}` });
      const onExit = (code: number) => done({ failure: `worker-exit:${code}` });
      const timer = setTimeout(() => done({ failure: 'hang' }), timeoutMs);
      function done(value: Reply | { failure: string }): void {
        clearTimeout(timer);
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        resolve(value);
      }
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      worker.postMessage(current);
    });
    if ('failure' in reply) {
      count(counts, reply.failure);
      count(cases, reply.failure);
      countFormat(formatOf(current), reply.failure.replace(/:.*$/, ''));
      bad.push(`seed ${current}: ${reply.failure}`);
      await worker.terminate();
      worker = await readyWorker();
    } else record(reply);
    seed++;
  }
  await worker.terminate();
  const summary = {
    total,
    firstSeed,
    seeds: useShared ? '../shared/data/ecg (labels.csv records)' : 'committed fixtures',
    seconds: (Date.now() - started) / 1000,
    cases: Object.fromEntries([...cases].sort((a, b) => b[1] - a[1])),
    allOutcomes: Object.fromEntries([...counts].sort((a, b) => b[1] - a[1])),
    byFormat: Object.fromEntries([...byFormat].sort().map(([k, v]) => [k, Object.fromEntries(v)])),
    failuresByFormat: Object.fromEntries([...byFormat].sort().map(([k, v]) => [k, { crash: (v.get('crash') ?? 0) + [...v].filter(([o]) => o.startsWith('unexpected')).reduce((n, [, c]) => n + c, 0), hang: v.get('hang') ?? 0, overMemory: v.get('over-memory') ?? 0 }])),
    limits: { timeoutMs, heapMb },
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    byMutatedFile: Object.fromEntries([...byTarget].map(([k, v]) => [k, Object.fromEntries(v)])),
    slowestMs: slowest,
    bad,
  };
  if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    console.log(`fuzz: ${total} cases (seeds ${firstSeed}–${last}) over ${summary.seeds} in ${summary.seconds.toFixed(1)} s`);
    console.log('  cases by outcome (the record holding the mutated file):');
    for (const [outcome, n] of Object.entries(summary.cases)) console.log(`    ${outcome.padEnd(28)} ${n}`);
    console.log('  every outcome (a case may also leave orphaned companion files):');
    for (const [outcome, n] of Object.entries(summary.allOutcomes)) console.log(`    ${outcome.padEnd(28)} ${n}`);
    console.log('  by seed format:');
    for (const [format, outcomes] of Object.entries(summary.byFormat)) console.log(`    ${format.padEnd(12)} ${JSON.stringify(outcomes)}`);
    console.log(`  slowest: ${slowest.map((s) => `seed ${s.seed} ${s.ms.toFixed(0)} ms (${s.target})`).join('; ')}`);
    console.log(bad.length === 0 ? '  every case ended in a record or a typed error' : `  ${bad.length} BAD cases:\n    ${bad.slice(0, 50).join('\n    ')}`);
  }
  process.exitCode = bad.length === 0 ? 0 : 1;
}

void main();
