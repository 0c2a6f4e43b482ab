/**
 * Trains a model on ../shared/data/ptbxl-pool (folds 1–8 train, 9 validation; 10 untouched).
 * Usage: npx tsx scripts/train/starter.ts <architecture> <outDir> [epochs] [batchSize] [lr]
 * Writes the package to outDir and a JSON summary to outDir/training.json.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { trainJob } from '../../core/train/jobs/train-job';
import { sharedDataPath } from '../../core/test/shared-data';

const [architecture = 'xresnet1d50', out = 'resources/models/starter', epochs = '30', batchSize = '32', lr = '1e-3'] = process.argv.slice(2);

const result = await trainJob(
  {
    dataset: { kind: 'ptbxl', root: sharedDataPath('ptbxl-pool') },
    architecture,
    out,
    train: { epochs: Number(epochs), batchSize: Number(batchSize), learningRate: Number(lr), patience: 10, selection: 'aucMacro', thresholds: 'f1' },
    cacheDir: path.join('.tmp', 'cache', architecture),
    checkpointDir: path.join('.tmp', 'checkpoints', `${architecture}-${path.basename(out)}`),
    name: `${architecture}-ptbxl-pool`,
    demonstration: true,
    description: 'Demonstration model trained on 326 PTB-XL records (ptbxl-pool folds 1–8; fold 9 for selection). Far too little data for clinical use.',
  },
  {
    onProgress: (e) => {
      if (e.kind === 'epoch') console.error(`epoch ${e.epoch}/${e.epochs} train ${e.trainLoss.toFixed(4)} val ${e.valLoss.toFixed(4)} auc ${e.val.aucMacro.toFixed(3)} f1 ${e.val.f1Macro.toFixed(3)} ${e.seconds.toFixed(1)} s${e.improved ? ' *' : ''}`);
      else if (e.kind === 'phase') console.error(`[${e.phase}] ${e.message}`);
      else if (e.step === 1 || e.step % 5 === 0) console.error(`  step ${e.step}/${e.steps} loss ${e.loss.toFixed(4)} ${e.samplesPerSecond.toFixed(1)} samples/s`);
    },
  },
);
await writeFile(path.join(out, 'training.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify({ out: result.out, backend: result.backend, bestEpoch: result.bestEpoch, secondsPerEpoch: result.secondsPerEpoch, val: { auc: result.validation.aucMacro, f1: result.validation.f1Macro } }));
