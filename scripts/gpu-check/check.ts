/**
 * The Node side of the GPU check (scripts/gpu-check/run.sh), bundled into check.mjs by build.mjs:
 *   node check.mjs adapter                   the WebGPU adapter the engine finds, as `ecg backend --json`
 *   node check.mjs parity --deadline MS      every architecture's gradients webgpu vs cpu (bench parity)
 *   node check.mjs time --models a,b --batches 32,64 --lengths 2048,5000 --repeats 3 --deadline MS
 *                                            training steps on webgpu (the engine's trainStep), median ms
 *   node check.mjs profile --models resnet18 --batches 32 --lengths 5000
 *                                            where one step's time goes: GPU kernel time (timestamp
 *                                            queries, where the adapter has them) against wall time,
 *                                            and time per kernel (replayed, bench/webgpu-profile.ts)
 *   node check.mjs time --backend wasm …       the same on the CPU engine (wasm, onnxruntime kernels, 1 thread)
 *   node check.mjs summary webgpu.json torch.json [wasm.json]   ratios per configuration
 * `--flags NAME=value,…` sets tfjs environment flags first (WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE, …).
 * Each prints one JSON object on stdout; progress goes to stderr. A stage stops starting new work
 * once its deadline (epoch ms) has passed and says what it skipped.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { initBackend } from '../../core/ml/backend/init';
import { ortKernelsUnavailable } from '../../core/ml/backend/ort-kernels';
import { stockWebgpuKernel, type webgpuKernels } from '../../core/ml/backend/webgpu-kernels';
import { architectureNames, architectureParity } from '../../core/ml/backend/parity';
import { makeLoss } from '../../core/ml/loss/losses';
import { buildModel, type ArchitectureName } from '../../core/ml/models/registry';
import { adamWGroup, trainableVariables, trainStep } from '../../core/train/step';
import { profileWebgpuStep } from '../bench/webgpu-profile';

const log = (line: string) => process.stderr.write(`${line}\n`);
const out = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
const list = (value: string | undefined, fallback: string) => (value ?? fallback).split(',').filter(Boolean);

async function adapter(): Promise<void> {
  const report = await initBackend({ force: 'webgpu' });
  log(`adapter: ${report.adapter?.description ?? '?'} (${report.adapter?.hardware ? 'hardware' : 'software'}, Dawn ${report.adapter?.dawnBackend})`);
  out(report);
}

async function parity(deadline: number, models: string[]): Promise<void> {
  await initBackend({ force: 'webgpu' });
  const results: Record<string, unknown> = {};
  const skipped: string[] = [];
  for (const name of models as ArchitectureName[]) {
    if (Date.now() > deadline) {
      skipped.push(name);
      continue;
    }
    const r = await architectureParity(name, { reference: 'cpu', target: 'webgpu' });
    results[name] = r;
    log(`parity ${name}: max gradient rel. diff ${r.maxGradRel.toExponential(2)} (${r.worstVariable}); cpu ${r.referenceMs} ms, webgpu ${r.targetMs} ms`);
  }
  const worst = Math.max(0, ...Object.values(results).map((r) => (r as { maxGradRel: number }).maxGradRel));
  out({ goal: 1e-3, worstMaxGradRel: worst, withinGoal: worst <= 1e-3, models: results, skipped });
}

interface StepFixture {
  step: (seed: number) => Promise<void>;
  dispose: () => void;
}

/** One engine training step (focal loss, AdamW) of `name` on a random batch, as the app runs it. */
function stepFixture(name: ArchitectureName, batch: number, length: number): StepFixture {
  const model = buildModel(name, { numClasses: 5, inputLength: length });
  const groups = [adamWGroup(trainableVariables(model), 1e-3, 0.01)];
  const x = tf.randomNormal([batch, length, 12], 0, 1, 'float32', 20);
  const y = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([batch, 5], 0, 1, 'float32', 21), 0.5), 'float32'));
  const loss = makeLoss('focal');
  return {
    // trainStep reads the loss back: when it resolves the step has finished on the GPU.
    step: async (seed) => {
      await trainStep(model, groups, loss, x, y, seed);
    },
    dispose: () => {
      tf.dispose([x, y]);
      groups.forEach((g) => g.optimizer.dispose());
      model.dispose();
    },
  };
}

/** Median and minimum ms of `repeats` engine training steps after one warm-up step (shader compilation). */
async function timeSteps(name: ArchitectureName, batch: number, length: number, repeats: number): Promise<{ medianMs: number; minMs: number; firstMs: number }> {
  const fixture = stepFixture(name, batch, length);
  try {
    const t0 = performance.now();
    await fixture.step(1);
    const firstMs = performance.now() - t0;
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const t = performance.now();
      await fixture.step(2 + i);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return { medianMs: times[times.length >> 1]!, minMs: times[0]!, firstMs };
  } finally {
    fixture.dispose();
  }
}

/**
 * Where one step's time goes: wall time against the GPU's own kernel time (tf.time, from timestamp
 * queries; 0 where the adapter has none), kernel calls per step, and the heaviest kernels
 * replayed one by one (with tfjs's stock kernel beside ours where we replaced it).
 */
async function profile(name: ArchitectureName, batch: number, length: number): Promise<object> {
  const fixture = stepFixture(name, batch, length);
  try {
    await fixture.step(1);
    const wall: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      await fixture.step(2 + i);
      wall.push(performance.now() - t);
    }
    // tf.time counts the kernels dispatched synchronously by f: the whole step up to its loss read.
    let pending: Promise<void> | undefined;
    const timed = await tf.time(() => {
      pending = fixture.step(5);
    });
    await pending;
    const gpuByKernel = gpuTimesByKernel(timed);
    const kernels = await profileWebgpuStep(() => fixture.step(6), (kernel) => stockWebgpuKernel(kernel as (typeof webgpuKernels)[number]));
    const replayedMs = kernels.reduce((sum, k) => sum + k.ms, 0);
    const calls = kernels.reduce((sum, k) => sum + k.calls, 0);
    const top = kernels.slice(0, 15).map((k) => ({ ...k, ms: Math.round(k.ms * 10) / 10, ...(k.stockMs === undefined ? {} : { stockMs: Math.round(k.stockMs * 10) / 10 }) }));
    log(`profile ${name} b${batch} 12×${length}: wall ${wall.map((w) => w.toFixed(0)).join('/')} ms; tf.time wall ${timed.wallMs.toFixed(0)} ms, GPU kernels ${typeof timed.kernelMs === 'number' ? timed.kernelMs.toFixed(1) : JSON.stringify(timed.kernelMs)} ms; ${calls} kernel calls, replayed ${replayedMs.toFixed(0)} ms`);
    for (const k of top) log(`    ${k.name.padEnd(24)} ${k.ms.toFixed(1).padStart(8)} ms  ${k.calls} calls${k.stockMs === undefined ? '' : `  (stock ${k.stockMs.toFixed(1)} ms)`}`);
    for (const k of gpuByKernel.slice(0, 15)) log(`    GPU ${k.name.padEnd(20)} ${k.ms.toFixed(2).padStart(8)} ms  ${k.calls} dispatches`);
    return { model: name, batch, length, wallMs: wall, timeWallMs: timed.wallMs, gpuKernelMs: timed.kernelMs, gpuByKernel: gpuByKernel.slice(0, 25), kernelCalls: calls, replayedMs, kernels: top };
  } finally {
    fixture.dispose();
  }
}

/** GPU ms per shader from tf.time's per-dispatch timestamps ("name: ms, name: ms"), heaviest first; empty without timestamp queries. */
function gpuTimesByKernel(timed: tf.TimingInfo): { name: string; ms: number; calls: number }[] {
  const extra = (timed as tf.TimingInfo & { getExtraProfileInfo?: () => string }).getExtraProfileInfo?.() ?? '';
  const totals = new Map<string, { name: string; ms: number; calls: number }>();
  for (const part of extra.split(', ').filter(Boolean)) {
    const at = part.lastIndexOf(': ');
    const name = part.slice(0, at);
    const ms = Number(part.slice(at + 2));
    if (!Number.isFinite(ms)) continue;
    const entry = totals.get(name) ?? { name, ms: 0, calls: 0 };
    entry.ms += ms;
    entry.calls += 1;
    totals.set(name, entry);
  }
  return [...totals.values()].sort((a, b) => b.ms - a.ms).map((k) => ({ ...k, ms: Math.round(k.ms * 100) / 100 }));
}

/** tfjs environment flags from "NAME=value,NAME=value" (numbers and booleans parsed). */
function applyFlags(spec: string | undefined): Record<string, number | boolean | string> {
  const flags: Record<string, number | boolean | string> = {};
  for (const pair of (spec ?? '').split(',').filter(Boolean)) {
    const [name, raw = ''] = pair.split('=');
    const value = raw === 'true' ? true : raw === 'false' ? false : Number.isFinite(Number(raw)) ? Number(raw) : raw;
    tf.env().set(name!, value);
    flags[name!] = value;
  }
  return flags;
}

interface Grid {
  models: string[];
  batches: number[];
  lengths: number[];
  repeats: number;
  deadline: number;
  flags?: string;
  backend?: 'webgpu' | 'wasm';
}

/** The bundled wasm backend finds its .wasm files beside check.mjs (build.mjs copies them there). */
function locateWasmFiles(): void {
  const dir = path.dirname(fileURLToPath(import.meta.url));
  if (existsSync(path.join(dir, 'tfjs-backend-wasm.wasm'))) setWasmPaths(`${dir}/`);
}

interface Config {
  model: ArchitectureName;
  batch: number;
  length: number;
}

/**
 * Runs `measure` on every configuration of the grid, lengths outermost, until the deadline; a
 * configuration that fails (out of memory, say) is recorded with its error and the rest go on.
 */
async function overGrid<T extends object>(options: Grid, measure: (c: Config) => Promise<T>, label: string): Promise<((Config & T) | (Config & { error?: string; skipped?: string }))[]> {
  const results: ((Config & T) | (Config & { error?: string; skipped?: string }))[] = [];
  for (const length of options.lengths) {
    for (const model of options.models as ArchitectureName[]) {
      for (const batch of options.batches) {
        const config = { model, batch, length };
        if (Date.now() > options.deadline) {
          results.push({ ...config, skipped: 'time budget spent' });
          continue;
        }
        try {
          results.push({ ...config, ...(await measure(config)) });
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          results.push({ ...config, error: message });
          log(`${label} ${model} b${batch} 12×${length}: ${message}`);
        }
      }
    }
  }
  return results;
}

async function time(options: Grid): Promise<void> {
  if (options.backend === 'wasm') locateWasmFiles();
  const report = await initBackend({ force: options.backend ?? 'webgpu' });
  const flags = applyFlags(options.flags);
  const trainingKernels = report.active === 'wasm' ? (ortKernelsUnavailable() ?? 'onnxruntime') : undefined;
  if (trainingKernels) log(`wasm training kernels: ${trainingKernels}`);
  const results = await overGrid(
    options,
    async ({ model, batch, length }) => {
      const r = await timeSteps(model, batch, length, options.repeats);
      log(`${report.active} ${model} b${batch} 12×${length}: ${r.medianMs.toFixed(1)} ms per step (first ${r.firstMs.toFixed(0)} ms)${options.flags ? ` with ${options.flags}` : ''}`);
      return r;
    },
    report.active,
  );
  out({ backend: report.active, adapter: report.adapter ?? null, ...(trainingKernels ? { trainingKernels } : {}), flags, repeats: options.repeats, results });
}

async function profiles(options: Grid): Promise<void> {
  await initBackend({ force: 'webgpu' });
  const flags = applyFlags(options.flags);
  const results = await overGrid(options, ({ model, batch, length }) => profile(model, batch, length), 'profile');
  out({ flags, results });
}

interface TimeResults {
  results: { model: string; batch: number; length: number; medianMs?: number }[];
}
interface TorchResults {
  device: string;
  results: { model: string; batch: number; length: number; trainStepMs?: number }[];
}

function summary(webgpuFile: string, torchFile: string, wasmFile?: string): void {
  const gpu = JSON.parse(readFileSync(webgpuFile, 'utf8')) as TimeResults;
  const torch = JSON.parse(readFileSync(torchFile, 'utf8')) as TorchResults;
  // The CPU stage may have been skipped or failed (an empty file): the summary is made without it.
  const wasmText = wasmFile && existsSync(wasmFile) ? readFileSync(wasmFile, 'utf8').trim() : '';
  const wasm = wasmText ? (JSON.parse(wasmText) as TimeResults) : undefined;
  const same = (a: { model: string; batch: number; length: number }) => (b: { model: string; batch: number; length: number }) => a.model === b.model && a.batch === b.batch && a.length === b.length;
  const round = (v: number) => Math.round(v * 100) / 100;
  const rows = gpu.results.map((r) => {
    const twin = torch.results.find(same(r));
    const cpu = wasm?.results.find(same(r));
    const ratio = r.medianMs && twin?.trainStepMs ? round(r.medianMs / twin.trainStepMs) : null;
    return { ...r, torchMs: twin?.trainStepMs ?? null, ratio, ...(cpu?.medianMs ? { wasmMs: cpu.medianMs, wasmOverWebgpu: r.medianMs ? round(cpu.medianMs / r.medianMs) : null } : {}) };
  });
  for (const r of rows) {
    const cpu = r.wasmMs ? `; wasm (1 thread) ${r.wasmMs.toFixed(0)} ms = ${r.wasmOverWebgpu}× webgpu` : '';
    log(`${r.model.padEnd(12)} b${r.batch} 12×${r.length}: webgpu ${r.medianMs?.toFixed(1) ?? '–'} ms, torch (${torch.device}) ${r.torchMs?.toFixed(1) ?? '–'} ms → ${r.ratio ?? '–'}×${cpu}`);
  }
  out({ torchDevice: torch.device, ...(wasm ? { wasmTrainingKernels: (wasm as TimeResults & { trainingKernels?: string }).trainingKernels ?? null } : {}), rows });
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      models: { type: 'string' },
      batches: { type: 'string' },
      lengths: { type: 'string' },
      repeats: { type: 'string' },
      deadline: { type: 'string' },
      flags: { type: 'string' },
      backend: { type: 'string' },
    },
  });
  const deadline = Number(values.deadline ?? Date.now() + 3600_000);
  if (command === 'adapter') return adapter();
  if (command === 'parity') return parity(deadline, list(values.models, architectureNames.join(',')));
  const grid = (models: string, batches: string, lengths: string): Grid => ({
    models: list(values.models, models),
    batches: list(values.batches, batches).map(Number),
    lengths: list(values.lengths, lengths).map(Number),
    repeats: Number(values.repeats ?? 3),
    deadline,
    ...(values.flags ? { flags: values.flags } : {}),
    ...(values.backend === 'wasm' ? { backend: 'wasm' as const } : {}),
  });
  if (command === 'time') return time(grid('resnet18,crnn-gru,xresnet1d50', '32,64', '2048,5000'));
  if (command === 'profile') return profiles(grid('resnet18', '32', '5000'));
  if (command === 'summary' && positionals.length >= 2) return summary(positionals[0]!, positionals[1]!, positionals[2]);
  throw new Error('usage: check.mjs adapter | parity [--models a,b] [--deadline MS] | time [...] | profile [...] | summary webgpu.json torch.json');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    log(`gpu-check: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
