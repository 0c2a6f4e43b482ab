/**
 * One configuration of `npm run bench -- models --workers=N`, in its own process so that its
 * resident memory is its own: a training step (forward, focal loss, backward, AdamW) and a
 * forward pass of one architecture at a global batch on 1 thread (the engine's in-process
 * runner) or N worker threads (core/parallel), on real PTB-XL fixture records through the
 * architecture's own pipeline (crop, normalisation, augmentation drawn per step).
 *
 *   npx tsx scripts/bench/parallel-step.ts --model=resnet18 --workers=2 --batch=32 --repeats=3 [--warmup=2] [--fixtures=DIR]
 * prints {"trainStepMs","trainStepMinMs","trainCpuMs","forwardMs","forwardMinMs","forwardCpuMs","rssMb","workers","batch","backend"}
 * (…CpuMs: CPU time of all threads per call, mean over the repeats).
 */
import * as tf from '@tensorflow/tfjs';
import { itemsOf, loadPtbxl, SignalStore } from '../../core/data/index';
import { initBackend } from '../../core/ml/backend/init';
import { makeLoss } from '../../core/ml/loss/losses';
import { buildModel } from '../../core/ml/models/registry';
import { startParallelRunner } from '../../core/parallel/runner';
import { createRng } from '../../core/signal/rng';
import { fixturePath } from '../../core/test/shared-data';
import { recordTrainingData } from '../../core/train/data-source';
import { adamWGroup, trainableVariables } from '../../core/train/loop';
import { defaultPipeline } from '../../core/train/pipelines';
import { sampleSeed } from '../../core/train/seeds';
import { withSeededRandom } from '../../core/train/step';
import { inProcessRunner, type BatchPlan } from '../../core/train/step-runner';

const option = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;

async function main(): Promise<void> {
  const name = option('model', 'resnet18');
  const workers = Number(option('workers', '1'));
  const batch = Number(option('batch', '32'));
  const repeats = Number(option('repeats', '3'));
  // Two warm-up calls: every worker is its own V8 isolate and JIT-compiles tfjs for itself.
  const warmup = Number(option('warmup', '2'));
  await initBackend({ force: 'wasm' });
  // --fixtures: where the bundled copy (scripts/gpu-check/cpu-scaling.sh) finds the committed records.
  const dataset = await loadPtbxl(option('fixtures', fixturePath('train', 'ptbxl')), { fs: 100 });
  const items = [...itemsOf(dataset, 'train'), ...itemsOf(dataset, 'val')];
  const store = await SignalStore.build(items, { pipeline: defaultPipeline(name, { augment: true }) });
  store.fitStandardisation(items.map((i) => i.id));
  // A global batch of the fixture records, cycled (each draw is a fresh random crop and augmentation).
  const ids = Array.from({ length: batch }, (_, b) => (items[b % items.length] as (typeof items)[number]).id);
  const labels = ids.map((id) => [...(items.find((i) => i.id === id) as (typeof items)[number]).labels]);
  const data = recordTrainingData(store, { ids, labels }, { ids, labels }, { mode: 'centre' });
  const model = withSeededRandom(createRng(20), () => buildModel(name, { numClasses: 5 }));
  const groups = [adamWGroup(trainableVariables(model), 1e-3, 0.01)];
  const runner = workers > 1 ? await startParallelRunner(model, data, groups, { name: 'focal' }, workers) : inProcessRunner(model, data, groups, makeLoss('focal'));
  const rows = ids.map((_, b) => b);
  const plan = (k: number): BatchPlan => ({ step: k, rows, seeds: rows.map((b) => sampleSeed(20, 1, k, b)), dropoutSeed: k });
  let rss = 0;
  // CPU time of the whole process (every thread) per call: on a machine shared with other jobs
  // it shows the work a configuration costs, which wall time there cannot.
  const time = async (fn: (k: number) => Promise<unknown>) => {
    const times: number[] = [];
    let cpu = 0;
    for (let k = 0; k < warmup + repeats; k++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      await fn(k);
      const c = process.cpuUsage(c0);
      if (k >= warmup) {
        times.push(performance.now() - t0);
        cpu += (c.user + c.system) / 1000;
      }
      rss = Math.max(rss, process.memoryUsage().rss);
    }
    times.sort((a, b) => a - b);
    return { median: times[times.length >> 1] as number, min: times[0] as number, cpu: cpu / repeats };
  };
  try {
    const train = await time((k) => runner.step(plan(k), plan(k + 1)));
    const forward = await time(() => runner.valLogits());
    const out = { trainStepMs: train.median, trainStepMinMs: train.min, trainCpuMs: train.cpu, forwardMs: forward.median, forwardMinMs: forward.min, forwardCpuMs: forward.cpu, rssMb: Math.round(rss / 2 ** 20), workers, batch, backend: tf.getBackend() };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    await runner.close();
  }
}

void main();
