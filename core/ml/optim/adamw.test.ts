// Golden values: /usr/bin/python3 scripts/fixtures/ml_losses_optim.py (torch.optim.AdamW).
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init';
import { webgpuTestsCanRun } from '../backend/webgpu-test-gate';
import { AdamW } from './adamw';

interface AdamWCase {
  lr: number;
  weightDecay: number;
  start: number[][];
  grads: number[][][];
  final: number[][];
}
const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/ml/losses-optim.json', import.meta.url), 'utf8'),
) as { adamw: AdamWCase[] };

// The update is one fused kernel on wasm, cpu (adamw-kernel.ts) and webgpu (webgpu-adamw.ts);
// each runs the torch cases (webgpu where an adapter exists: a software one in CI).
const backends = ['cpu', 'wasm', ...((await webgpuTestsCanRun()) ? (['webgpu'] as const) : [])] as const;
describe.each(backends)('AdamW vs torch.optim.AdamW on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ force: backend });
  });

  it.each(fixture.adamw)('lr $lr, weight decay $weightDecay: parameters after 6 steps', async (c) => {
    const before = tf.memory().numTensors;
    const param = tf.tidy(() => tf.variable(tf.tensor2d(c.start)));
    const optimizer = new AdamW({ learningRate: c.lr, weightDecay: c.weightDecay });
    for (const g of c.grads) {
      const grad = tf.tensor2d(g);
      optimizer.applyGradients({ [param.name]: grad });
      grad.dispose();
    }
    const got = (await param.array()) as number[][];
    c.final.forEach((row, i) => row.forEach((v, j) => expect(got[i]![j]).toBeCloseTo(v, 5)));
    expect(optimizer.iterations).toBe(c.grads.length);
    optimizer.dispose();
    param.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
