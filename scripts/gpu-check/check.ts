/**
 * The Node side of the GPU check (scripts/gpu-check/run.sh), bundled into check.mjs by build.mjs:
 *   node check.mjs adapter                   the WebGPU adapter the engine finds, as `ecg backend --json`
 *   node check.mjs parity --deadline MS      every architecture's gradients webgpu vs cpu (bench parity)
 *   node check.mjs time --models a,b --batches 32,64 --lengths 2048,5000 --repeats 3 --deadline MS
 *                                            training steps on webgpu (the engine's trainStep), median ms
 *   node check.mjs summary webgpu.json torch.json   ratios webgpu / PyTorch per configuration
 * Each prints one JSON object on stdout; progress goes to stderr. A stage stops starting new work
 * once its deadline (epoch ms) has passed and says what it skipped.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { initBackend } from '../../core/ml/backend/init';
import { architectureNames, architectureParity } from '../../core/ml/backend/parity';
import { makeLoss } from '../../core/ml/loss/losses';
import { buildModel, type ArchitectureName } from '../../core/ml/models/registry';
import { adamWGroup, trainableVariables, trainStep } from '../../core/train/step';

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

/** Median and minimum ms of `repeats` engine training steps after one warm-up step (shader compilation). */
async function timeSteps(name: ArchitectureName, batch: number, length: number, repeats: number): Promise<{ medianMs: number; minMs: number; firstMs: number }> {
  const model = buildModel(name, { numClasses: 5, inputLength: length });
  const groups = [adamWGroup(trainableVariables(model), 1e-3, 0.01)];
  const x = tf.randomNormal([batch, length, 12], 0, 1, 'float32', 20);
  const y = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([batch, 5], 0, 1, 'float32', 21), 0.5), 'float32'));
  const loss = makeLoss('focal');
  try {
    const t0 = performance.now();
    await trainStep(model, groups, loss, x, y, 1);
    const firstMs = performance.now() - t0;
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const t = performance.now();
      await trainStep(model, groups, loss, x, y, 2 + i); // reads the loss back: the step has finished on the GPU
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return { medianMs: times[times.length >> 1]!, minMs: times[0]!, firstMs };
  } finally {
    tf.dispose([x, y]);
    groups.forEach((g) => g.optimizer.dispose());
    model.dispose();
  }
}

async function time(options: { models: string[]; batches: number[]; lengths: number[]; repeats: number; deadline: number }): Promise<void> {
  const report = await initBackend({ force: 'webgpu' });
  const results: { model: string; batch: number; length: number; medianMs?: number; minMs?: number; firstMs?: number; error?: string; skipped?: string }[] = [];
  for (const length of options.lengths) {
    for (const model of options.models) {
      for (const batch of options.batches) {
        if (Date.now() > options.deadline) {
          results.push({ model, batch, length, skipped: 'time budget spent' });
          continue;
        }
        try {
          const r = await timeSteps(model as ArchitectureName, batch, length, options.repeats);
          results.push({ model, batch, length, ...r });
          log(`webgpu ${model} b${batch} 12×${length}: ${r.medianMs.toFixed(1)} ms per step (first ${r.firstMs.toFixed(0)} ms)`);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          results.push({ model, batch, length, error: message });
          log(`webgpu ${model} b${batch} 12×${length}: ${message}`);
        }
      }
    }
  }
  out({ adapter: report.adapter ?? null, repeats: options.repeats, results });
}

interface TimeResults {
  results: { model: string; batch: number; length: number; medianMs?: number }[];
}
interface TorchResults {
  device: string;
  results: { model: string; batch: number; length: number; trainStepMs?: number }[];
}

function summary(webgpuFile: string, torchFile: string): void {
  const gpu = JSON.parse(readFileSync(webgpuFile, 'utf8')) as TimeResults;
  const torch = JSON.parse(readFileSync(torchFile, 'utf8')) as TorchResults;
  const rows = gpu.results.map((r) => {
    const twin = torch.results.find((t) => t.model === r.model && t.batch === r.batch && t.length === r.length);
    const ratio = r.medianMs && twin?.trainStepMs ? Math.round((r.medianMs / twin.trainStepMs) * 100) / 100 : null;
    return { ...r, torchMs: twin?.trainStepMs ?? null, ratio };
  });
  for (const r of rows) log(`${r.model.padEnd(12)} b${r.batch} 12×${r.length}: webgpu ${r.medianMs?.toFixed(1) ?? '–'} ms, torch (${torch.device}) ${r.torchMs?.toFixed(1) ?? '–'} ms → ${r.ratio ?? '–'}×`);
  out({ torchDevice: torch.device, rows });
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
    },
  });
  const deadline = Number(values.deadline ?? Date.now() + 3600_000);
  if (command === 'adapter') return adapter();
  if (command === 'parity') return parity(deadline, list(values.models, architectureNames.join(',')));
  if (command === 'time') {
    return time({
      models: list(values.models, 'resnet18,crnn-gru,xresnet1d50'),
      batches: list(values.batches, '32,64').map(Number),
      lengths: list(values.lengths, '2048,5000').map(Number),
      repeats: Number(values.repeats ?? 3),
      deadline,
    });
  }
  if (command === 'summary' && positionals.length === 2) return summary(positionals[0]!, positionals[1]!);
  throw new Error('usage: check.mjs adapter | parity [--models a,b] [--deadline MS] | time [...] | summary webgpu.json torch.json');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    log(`gpu-check: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
