/**
 * `npm run bench -- memory [--large]`: the training memory estimate (core/train/memory-estimate.ts)
 * against the peak of `tf.memory().numBytes` in a real training step on the wasm backend, one
 * worker, random signals. --large adds xresnet1d50 at 1000 samples, batch 32 (≈1.8 GB, ≈15 s).
 */
import { initBackend } from '../../core/ml/backend/init';
import { buildModel } from '../../core/ml/models/registry';
import { measureTrainingStepPeak } from '../../core/test/memory-peak';
import { estimateTrainingMemory } from '../../core/train/memory-estimate';
import type { BenchArea } from './main';

const configurations: readonly (readonly [string, number, number])[] = [
  ['xresnet1d50', 250, 4],
  ['xresnet1d50', 250, 16],
  ['xresnet1d50', 500, 8],
  ['resnet18', 256, 4],
  ['resnet18', 256, 16],
  ['resnet18', 512, 8],
];

export const area: BenchArea = {
  name: 'memory',
  summary: 'training memory estimate against the measured peak of a training step',
  async bench({ args, log }) {
    await initBackend({ force: 'wasm' });
    const rows = [];
    for (const [architecture, inputLength, batch] of [...configurations, ...(args.includes('--large') ? [['xresnet1d50', 1000, 32] as const] : [])]) {
      const model = buildModel(architecture, { numClasses: 5, inputLength });
      try {
        const peak = await measureTrainingStepPeak(model, batch, 5);
        const estimate = estimateTrainingMemory({ model, batchSize: batch, workers: 1, mode: 'scratch' });
        const row = { architecture, inputLength, batch, measuredMb: +(peak / 2 ** 20).toFixed(1), estimatedMb: +(estimate.bytes.total / 2 ** 20).toFixed(1), ratio: +(estimate.bytes.total / peak).toFixed(3) };
        log(`${architecture} ${inputLength} × ${batch}: measured ${row.measuredMb} MiB, estimated ${row.estimatedMb} MiB (${row.ratio}×)`);
        rows.push(row);
      } finally {
        model.dispose();
      }
    }
    return { backend: 'wasm', workers: 1, rows };
  },
};
