import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableCores } from '../../core/parallel/worker-count';

const here = path.dirname(fileURLToPath(import.meta.url));
const python = '/usr/bin/python3';

/** The architectures issue 11 measures scaling on. */
export const scalingModels = ['resnet18', 'crnn-gru', 'xresnet1d50'];

interface StepFigures {
  trainStepMs: number;
  trainStepMinMs: number;
  trainCpuMs: number;
  forwardMs: number;
  forwardMinMs: number;
  forwardCpuMs: number;
  rssMb: number;
}

interface TorchFigures {
  forwardMs: number;
  trainStepMs: number;
  forwardMinMs: number;
  trainStepMinMs: number;
}

/** One configuration in a child process (scripts/bench/parallel-step.ts), so its RSS is its own. */
function ours(name: string, workers: number, batch: number, repeats: number): StepFigures {
  const run = spawnSync(process.execPath, [...process.execArgv, path.join(here, 'parallel-step.ts'), `--model=${name}`, `--workers=${workers}`, `--batch=${batch}`, `--repeats=${repeats}`], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.status !== 0) throw new Error(`parallel-step ${name} ×${workers} failed: ${(run.stderr || '').trim().split('\n').slice(-3).join(' / ')}`);
  return JSON.parse(run.stdout.trim().split('\n').pop() as string) as StepFigures;
}

/** The PyTorch twin with `threads` OpenMP threads; undefined without /usr/bin/python3 + torch. */
function torch(name: string, threads: number, batch: number, repeats: number): TorchFigures | undefined {
  if (!existsSync(python)) return undefined;
  const run = spawnSync(python, [path.join(here, 'torch_models.py'), '--models', name, '--batch', String(batch), '--repeats', String(Math.max(7, repeats)), '--threads', String(threads)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.status !== 0) return undefined;
  return (JSON.parse(run.stdout) as { models: Record<string, TorchFigures> }).models[name];
}

const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;
const ratio = (a: number, b: number | undefined) => (b ? round(a / b, 2) : null);

/**
 * `npm run bench -- models --workers=N`: per architecture, the training step (b32) and the
 * forward pass with 1 worker (the engine's own thread) and with N data-parallel workers —
 * speedup, scaling efficiency (speedup / N), resident memory of each — and the ratio of each to
 * the PyTorch twin at the same thread count (1 and N), all in one run.
 */
export async function benchWorkers(args: { workers: number; batch: number; repeats: number; names: readonly string[]; log: (line: string) => void }): Promise<Record<string, unknown>> {
  const { workers, batch, repeats, log } = args;
  const models: Record<string, unknown> = {};
  log(`data-parallel: 1 vs ${workers} workers, batch ${batch}, median of ${repeats} after 2 warm-ups; ${availableCores()} cores; load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  for (const name of args.names) {
    const load0 = os.loadavg()[0] as number;
    const one = ours(name, 1, batch, repeats);
    const many = ours(name, workers, batch, repeats);
    const t1 = torch(name, 1, batch, repeats);
    const tN = torch(name, workers, batch, repeats);
    const speedup = one.trainStepMs / many.trainStepMs;
    const figures = {
      oneWorker: { ...one, torchTrainStepMs: t1?.trainStepMs ?? null, torchForwardMs: t1?.forwardMs ?? null, trainRatio: ratio(one.trainStepMs, t1?.trainStepMs), forwardRatio: ratio(one.forwardMs, t1?.forwardMs) },
      workers: { n: workers, ...many, torchTrainStepMs: tN?.trainStepMs ?? null, torchForwardMs: tN?.forwardMs ?? null, trainRatio: ratio(many.trainStepMs, tN?.trainStepMs), forwardRatio: ratio(many.forwardMs, tN?.forwardMs) },
      speedup: round(speedup, 2),
      efficiency: round(speedup / workers, 2),
      forwardSpeedup: round(one.forwardMs / many.forwardMs, 2),
      speedupMin: round(one.trainStepMinMs / many.trainStepMinMs, 2),
      /** CPU time of 1 worker's step / N workers' step (all threads): the parallel version's extra work; 1 = none. */
      cpuRatio: round(one.trainCpuMs / many.trainCpuMs, 2),
      load: [round(load0), round(os.loadavg()[0] as number)],
    };
    models[name] = figures;
    log(
      `${name.padEnd(12)} train b${batch}: 1 worker ${round(one.trainStepMs, 0)} ms (${figures.oneWorker.trainRatio ?? '–'}× torch 1T), ` +
        `${workers} workers ${round(many.trainStepMs, 0)} ms (${figures.workers.trainRatio ?? '–'}× torch ${workers}T) → speedup ${figures.speedup} (efficiency ${figures.efficiency}); ` +
        `CPU per step ${round(one.trainCpuMs, 0)} / ${round(many.trainCpuMs, 0)} ms; forward ${round(one.forwardMs, 0)} / ${round(many.forwardMs, 0)} ms (${figures.oneWorker.forwardRatio ?? '–'}× / ${figures.workers.forwardRatio ?? '–'}×); RSS ${one.rssMb} / ${many.rssMb} MB; load ${figures.load.join('→')}`,
    );
  }
  return { mode: 'workers', workers, batch, repeats, cores: availableCores(), models };
}
