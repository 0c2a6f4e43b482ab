import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeLoss } from '../loss/losses';
import { buildModel, type ArchitectureName } from '../models/registry';
import { adamWGroup, trainableVariables, trainStep } from '../../train/step';
import { initBackend } from './init';
import { webgpuTestsCanRun } from './webgpu-test-gate';

/**
 * On a GPU a training step costs host time per kernel call, whatever the kernel (~95 µs each on
 * the H200 against 66 ms of GPU work in a 300 ms ResNet18 step; docs/benchmarks.md). The fused
 * webgpu kernels (AdamW, batch norm, GRU/LSTM cells) cut the calls by ~65 %: this guards the
 * count, architecture by architecture, so that a path silently falling back to op-by-op shows.
 * Counted with tf.profile (the kernels a fused one calls count too) at batch 1.
 */
const cases: { arch: ArchitectureName; length: number; opByOp: number; fused: number }[] = [
  // Counted on 2026-12-04 (tfjs 4.22): op by op before the fused kernels, and with them.
  { arch: 'resnet18', length: 64, opByOp: 2418, fused: 874 },
  { arch: 'xresnet1d50', length: 64, opByOp: 6294, fused: 2150 },
  { arch: 'crnn-gru', length: 256, opByOp: 3784, fused: 1238 },
  { arch: 'crnn-lstm', length: 256, opByOp: 3750, fused: 1284 },
];

describe.runIf(await webgpuTestsCanRun())('kernel calls per training step on webgpu', () => {
  beforeAll(async () => {
    await initBackend({ force: 'webgpu' });
  });

  it.each(cases)('$arch stays near its fused count ($fused; op by op $opByOp)', async ({ arch, length, fused }) => {
    const model = buildModel(arch, { numClasses: 5, inputLength: length });
    const groups = [adamWGroup(trainableVariables(model), 1e-3, 0.01)];
    const x = tf.randomNormal([1, length, 12], 0, 1, 'float32', 1);
    const y = tf.tensor2d([[1, 0, 1, 0, 0]]);
    const loss = makeLoss('focal');
    await trainStep(model, groups, loss, x, y, 1);
    const info = await tf.profile(async () => {
      await trainStep(model, groups, loss, x, y, 2);
    });
    expect(info.kernels.length).toBeLessThanOrEqual(Math.round(fused * 1.1));
    tf.dispose([x, y]);
    groups.forEach((g) => g.optimizer.dispose());
    model.dispose();
  });
});
