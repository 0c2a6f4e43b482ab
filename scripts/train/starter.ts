/**
 * The starter-model runs (issue 6 item 7): trains one architecture on a PTB-XL folder (folds 1–8
 * train, 9 validation), then — only after selection and calibration are final — evaluates it
 * once on fold 10 and writes everything to OUT/run.json beside the package.
 *
 *   npx tsx scripts/train/starter.ts ARCH OUT [--data DIR] [--epochs N] [--batch N] [--lr X] [--backend wasm]
 *
 * Presets per architecture are the ones recorded in docs/results.md. Run it with `nice -n 10`.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { backendNameSchema } from '../../core/ml/backend/init';
import type { TrainConfigInput } from '../../core/train/config';
import { evaluateJob } from '../../core/train/jobs/evaluate-job';
import { attachTestReport } from '../../core/train/package/io';
import { trainJob } from '../../core/train/jobs/train-job';
import type { TrainProgress } from '../../core/train/progress';
import { sharedDataPath } from '../../core/test/shared-data';
import { presetOf, starterJobOptions } from './starter-presets';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { data: { type: 'string' }, epochs: { type: 'string' }, batch: { type: 'string' }, lr: { type: 'string' }, backend: { type: 'string', default: 'wasm' } },
});
const [architecture = 'xresnet1d50', out = path.join('.tmp', 'train', 'runs', architecture)] = positionals;
const preset = presetOf(architecture);
const root = values.data ?? sharedDataPath('ptbxl-pool');
const backend = backendNameSchema.parse(values.backend);
const budget: TrainConfigInput = {
  ...(values.epochs ? { epochs: Number(values.epochs) } : {}),
  ...(values.batch ? { batchSize: Number(values.batch) } : {}),
  ...(values.lr ? { learningRate: Number(values.lr) } : {}),
};

function log(e: TrainProgress): void {
  const t = new Date().toISOString().slice(11, 19);
  if (e.kind === 'epoch') console.error(`${t} epoch ${e.epoch}/${e.epochs} train ${e.trainLoss.toFixed(4)} val ${e.valLoss.toFixed(4)} auc ${e.val.aucMacro.toFixed(3)} f1 ${e.val.f1Macro.toFixed(3)} map ${e.val.mapMacro.toFixed(3)} ${e.seconds.toFixed(0)} s ${e.samplesPerSecond.toFixed(1)} samples/s eta ${(e.etaSeconds / 60).toFixed(0)} min${e.improved ? ' *' : ''}`);
  else if (e.kind === 'phase') console.error(`${t} [${e.phase}] ${e.message}`);
  else if (e.step === 1 || e.step % 5 === 0) console.error(`${t}   step ${e.step}/${e.steps} loss ${e.loss.toFixed(4)} ${e.samplesPerSecond.toFixed(1)} samples/s`);
}

const packageDir = path.join(out, 'package');
const started = Date.now();
const options = starterJobOptions(architecture, { root, out: packageDir, backend, cacheDir: path.join('.tmp', 'train', 'cache'), checkpointDir: path.join(out, 'checkpoint') }, budget);
const train = options.train;
const result = await trainJob(options, { onProgress: log });
const trainSeconds = (Date.now() - started) / 1000;
// Fold 10 is read here for the first time, after the model, its temperature and thresholds are fixed.
const test = await evaluateJob({ model: packageDir, dataset: { kind: 'ptbxl', root }, split: 'test', backend }, { onProgress: log });
await attachTestReport(packageDir, test);
const summary = { architecture, backend: result.backend, train, reducedInput: preset.input ?? null, trainSeconds, wallSeconds: (Date.now() - started) / 1000, secondsPerEpoch: result.secondsPerEpoch, bestEpoch: result.bestEpoch, counts: result.counts, history: result.history, validation: { metrics: result.validation, ci: result.validationCi }, test, manifest: result.manifest };
await writeFile(path.join(out, 'run.json'), `${JSON.stringify(summary, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
console.log(JSON.stringify({ architecture, secondsPerEpoch: result.secondsPerEpoch, bestEpoch: result.bestEpoch, valAuc: result.validation.aucMacro, testAuc: test.metrics.aucMacro, testF1: test.metrics.f1Macro }));
