import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArchitectureName } from '../models/registry';
import { initBackend } from './init';
import { architectureParity, parityInputs } from './parity';
import { webgpuTestsCanRun } from './webgpu-test-gate';

/**
 * Architectures on webgpu against wasm: inference logits, loss and every gradient of one training
 * step (dropout on, same masks), at small inputs (parityInputs: batch 2 and the shortest input each
 * accepts, 32–256 samples; the xresnets batch 8 × 128; full-width channels). In CI this runs on
 * Mesa's llvmpipe. Two test files share it so that vitest runs the halves on both cores.
 *
 * The reference is wasm, not tfjs's JavaScript cpu backend: the cpu reference took 82 of the 96 s
 * the five convolutional networks needed (VGG11 26 s, each xresnet 20–27 s), the wasm one 4 s, and
 * CI ran it on every push. wasm is itself held to cpu kernel by kernel, forward and backward
 * (wasm-kernels.test.ts), and every architecture's wasm forward to PyTorch's (pytorch-roundtrip.test.ts);
 * webgpu's kernels (WGSL) and wasm's (onnxruntime and our own) share no code, so one bug cannot hide
 * in both. `npm run bench -- parity` still compares webgpu with cpu directly.
 */
export async function defineParitySuite(names: readonly ArchitectureName[]): Promise<void> {
  describe.runIf(await webgpuTestsCanRun())(`webgpu forward and gradients equal wasm: ${names.join(', ')}`, () => {
    beforeAll(async () => {
      await initBackend({ force: 'wasm' });
      await initBackend({ force: 'webgpu' });
    });
    afterAll(async () => {
      await tf.setBackend('cpu');
    });

    // Generous time limit: llvmpipe and the JavaScript cpu backend are slow, more so on a busy machine.
    it.each([...names])('%s', { timeout: 900_000 }, async (name) => {
      const result = await architectureParity(name, { reference: 'wasm', target: 'webgpu' });
      expect([result.batch, result.length]).toEqual([parityInputs[name].batch, parityInputs[name].length]);
      expect(result.forwardRel, 'logits').toBeLessThan(1e-4);
      expect(result.lossRel, 'loss').toBeLessThan(1e-4);
      expect(result.maxGradRel, `worst gradient: ${result.worstVariable}`).toBeLessThan(1e-3);
    });
  });
}
