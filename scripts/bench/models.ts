import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { backendNameSchema, initBackend } from '../../core/ml/backend/init';
import { makeLoss } from '../../core/ml/loss/losses';
import { architectureNames, buildModel, listArchitectures } from '../../core/ml/models/registry';
import { AdamW } from '../../core/ml/optim/adamw';
import { stockWebgpuKernel, type webgpuKernels } from '../../core/ml/backend/webgpu-kernels';
import { onnxLogits, onnxSessionFor } from '../../core/ml/onnx/runtime';
import type { BenchArea } from './main';
import { profileWebgpuStep } from './webgpu-profile';
import { benchWorkers, scalingModels } from './models-workers';

const python = '/usr/bin/python3';
const twins = path.join(path.dirname(fileURLToPath(import.meta.url)), 'torch_models.py');

/**
 * Batch sizes other than --batch, per architecture. The Transformer attends over all 2048
 * samples: a training step at batch 2 already peaks at ~3.5 GB of the 4 GB wasm heap (tfjs keeps
 * every activation and every activation gradient until backprop ends), so it is measured — on
 * both sides — at batch 2.
 */
const defaultBatchOverrides: Record<string, number> = { transformer: 2 };

interface Figures {
  forwardMs: number;
  trainStepMs: number;
  torchForwardMs: number | null;
  torchTrainStepMs: number | null;
  /** Median tfjs step / median PyTorch step. */
  trainRatio: number | null;
  forwardRatio: number | null;
  /** The app's forward pass on onnxruntime (all cores) where the architecture exports; null where tfjs runs it. */
  onnxForwardMs: number | null;
  onnxForwardMinMs: number | null;
  /** onnxruntime forward / PyTorch forward (both at this machine's thread count, 2 here). */
  onnxForwardRatio: number | null;
  /** The fastest repeat of each side: least disturbed by other jobs on a shared machine. */
  trainStepMinMs: number;
  torchTrainStepMinMs: number | null;
  trainRatioMin: number | null;
  batch: number;
  params: number;
  /** 1-minute load average before and after this architecture (other jobs share the 2 cores). */
  load: [number, number];
}

/** Median and minimum wall time in ms over `repeats` calls after `warmup` calls. */
async function timeMs(fn: () => Promise<void>, repeats: number, warmup: number): Promise<{ median: number; min: number }> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[times.length >> 1]!, min: times[0]! };
}

/** The heaviest kernels of one call (tf.profile; nested kernels count in their parents too). */
async function profileStep(step: () => Promise<void>, log: (line: string) => void): Promise<void> {
  if (tf.getBackend() === 'webgpu') {
    // No GPU timestamps on every adapter: replayed per kernel instead (webgpu-profile.ts).
    const times = await profileWebgpuStep(step, (name) => stockWebgpuKernel(name as (typeof webgpuKernels)[number]));
    for (const k of times.slice(0, 12)) {
      const stock = k.stockMs === undefined ? '' : `  (tfjs stock kernel: ${k.stockMs.toFixed(0)} ms)`;
      log(`    ${k.name.padEnd(24)} ${k.ms.toFixed(0).padStart(7)} ms  ${k.calls} calls${stock}`);
    }
    return;
  }
  const info = await tf.profile(step);
  const totals = new Map<string, { ms: number; calls: number }>();
  for (const k of info.kernels) {
    const entry = totals.get(k.name) ?? { ms: 0, calls: 0 };
    entry.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    entry.calls += 1;
    totals.set(k.name, entry);
  }
  const top = [...totals.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 10);
  for (const [name, { ms, calls }] of top) log(`    ${name.padEnd(24)} ${ms.toFixed(0).padStart(7)} ms  ${calls} calls`);
}

/** The app's forward pass on onnxruntime (core/ml/onnx), same input, ≥ 7 repeats after 2 warm-ups; undefined where tfjs runs it. */
async function benchOnnxForward(model: tf.LayersModel, x: tf.Tensor, repeats: number): Promise<{ median: number; min: number } | undefined> {
  const session = await onnxSessionFor(model);
  if (!session) return undefined;
  const data = (await x.data()) as Float32Array;
  const shape = x.shape as [number, number, number];
  return timeMs(
    async () => {
      await onnxLogits(session, data, shape);
    },
    Math.max(7, repeats),
    2,
  );
}

async function benchTfjs(name: string, batch: number, repeats: number, profile: boolean, log: (line: string) => void) {
  const arch = listArchitectures().find((a) => a.name === name)!;
  const model = buildModel(name, { numClasses: 5 });
  const x = tf.randomNormal([batch, arch.inputLength, 12], 0, 1, 'float32', 20);
  const y = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([batch, 5], 0, 1, 'float32', 21), 0.5), 'float32'));
  const optimizer = new AdamW({ learningRate: 1e-3, weightDecay: 0.01 });
  model.compile({ optimizer, loss: makeLoss('focal') });
  try {
    const forward = await timeMs(
      async () => {
        const p = model.predict(x) as tf.Tensor;
        await p.data();
        p.dispose();
      },
      repeats,
      1,
    );
    const onnx = await benchOnnxForward(model, x, repeats);
    const step = async () => {
      await model.trainOnBatch(x, y);
    };
    const train = await timeMs(step, repeats, 1);
    if (profile) {
      log(`  ${name} forward, heaviest kernels:`);
      await profileStep(async () => {
        const p = model.predict(x) as tf.Tensor;
        await p.data();
        p.dispose();
      }, log);
      log(`  ${name} training step, heaviest kernels:`);
      await profileStep(step, log);
    }
    const params = model.trainableWeights.reduce((sum, w) => sum + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
    return { forwardMs: forward.median, onnx, trainStepMs: train.median, trainStepMinMs: train.min, params };
  } finally {
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  }
}

interface TorchFigures {
  forwardMs: number;
  trainStepMs: number;
  trainStepMinMs: number;
  params: number;
}

/**
 * The PyTorch twin in a child /usr/bin/python3 (2 threads, torch.set_num_threads(2)); undefined
 * when python3/torch are missing. Its steps are short, so it repeats at least 7 times: two
 * OpenMP threads are easily stalled by any other job on a 2-core machine.
 */
function benchTorch(name: string, batch: number, repeats: number, log: (line: string) => void): TorchFigures | undefined {
  if (!existsSync(python)) return undefined;
  const times = String(name === 'transformer' ? repeats : Math.max(7, repeats));
  const run = spawnSync(python, [twins, '--models', name, '--batch', String(batch), '--repeats', times, '--threads', '2'], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (run.status !== 0) {
    log(`  torch reference unavailable: ${(run.stderr || run.error?.message || '').trim().split('\n').pop()}`);
    return undefined;
  }
  return (JSON.parse(run.stdout) as { models: Record<string, TorchFigures> }).models[name];
}

const round = (v: number) => Math.round(v * 10) / 10;
const option = (args: readonly string[], name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

export const area: BenchArea = {
  name: 'models',
  summary: 'forward and training step per architecture at batch 32 on the active backend, vs the PyTorch twin (2 threads); --workers=N: data-parallel scaling 1 vs N workers vs PyTorch at 1 and N threads',
  async bench({ args, log }) {
    const repeats = Number(option(args, 'repeats') ?? 3);
    const batch = Number(option(args, 'batch') ?? 32);
    const workers = option(args, 'workers');
    if (workers !== undefined) {
      const n = Number(workers);
      if (!Number.isInteger(n) || n < 2) throw new Error(`--workers must be an integer ≥ 2 (it is compared with 1 worker), got '${workers}'`);
      return benchWorkers({ workers: n, batch, repeats, names: (option(args, 'models') ?? scalingModels.join(',')).split(','), log });
    }
    const names = (option(args, 'models') ?? architectureNames.join(',')).split(',');
    const unknown = names.filter((n) => !(architectureNames as readonly string[]).includes(n));
    if (unknown.length > 0) throw new Error(`unknown architecture(s): ${unknown.join(', ')}`);
    const forced = option(args, 'backend');
    const report = await initBackend(forced ? { force: backendNameSchema.parse(forced) } : {});
    const withTorch = !args.includes('--no-torch');
    const profile = args.includes('--profile');
    log(`backend ${report.active}; batch ${batch} (transformer ${defaultBatchOverrides['transformer']}); median of ${repeats} after 1 warm-up`);
    const models: Record<string, Figures> = {};
    for (const name of names) {
      const size = defaultBatchOverrides[name] ?? batch;
      const before = os.loadavg()[0]!;
      const ours = await benchTfjs(name, size, repeats, profile, log);
      const torch = withTorch ? benchTorch(name, size, repeats, log) : undefined;
      const ratio = (a: number, b: number | undefined) => (b ? Math.round((a / b) * 100) / 100 : null);
      models[name] = {
        forwardMs: round(ours.forwardMs),
        trainStepMs: round(ours.trainStepMs),
        torchForwardMs: torch ? round(torch.forwardMs) : null,
        torchTrainStepMs: torch ? round(torch.trainStepMs) : null,
        trainRatio: ratio(ours.trainStepMs, torch?.trainStepMs),
        forwardRatio: ratio(ours.forwardMs, torch?.forwardMs),
        onnxForwardMs: ours.onnx ? round(ours.onnx.median) : null,
        onnxForwardMinMs: ours.onnx ? round(ours.onnx.min) : null,
        onnxForwardRatio: ours.onnx ? ratio(ours.onnx.median, torch?.forwardMs) : null,
        trainStepMinMs: round(ours.trainStepMinMs),
        torchTrainStepMinMs: torch ? round(torch.trainStepMinMs) : null,
        trainRatioMin: ratio(ours.trainStepMinMs, torch?.trainStepMinMs),
        batch: size,
        params: ours.params,
        load: [round(before), round(os.loadavg()[0]!)],
      };
      const m = models[name];
      log(
        `${name.padEnd(15)} b${size}: forward ${m.forwardMs} ms (onnxruntime ${m.onnxForwardMs ?? '–'} → ${m.onnxForwardRatio ?? '–'}×; torch ${m.torchForwardMs ?? '–'}), train step ${m.trainStepMs} ms ` +
          `(torch ${m.torchTrainStepMs ?? '–'}) → ${m.trainRatio ?? '–'}× (fastest repeats: ${m.trainStepMinMs} vs ${m.torchTrainStepMinMs ?? '–'} → ` +
          `${m.trainRatioMin ?? '–'}×); load ${m.load.join('→')}`,
      );
    }
    return { backend: report.active, batch, repeats, cpus: os.cpus().length, models };
  },
};
