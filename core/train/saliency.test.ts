import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { canonicalLeads } from '../formats/record';
import { initBackend } from '../ml/backend/init';
import { buildPipeline } from '../signal/pipeline';
import { createRng } from '../signal/rng';
import { explainRecord, integratedGradients } from './saliency';

const fs = 100;
const seconds = 10;
const bumpAt = 6; // s
const v2 = canonicalLeads.indexOf('V2');

/** 12 leads of low-level noise and slow waves, with a 1 mV, 40 ms bump planted in V2 at 6 s. */
function plantedRecord(): { fs: number; leads: { name: string; samples: Float32Array }[] } {
  const rng = createRng(7);
  return {
    fs,
    leads: canonicalLeads.map((name, l) => ({
      name,
      samples: Float32Array.from({ length: fs * seconds }, (_, i) => {
        const t = i / fs;
        const background = 0.15 * Math.sin(2 * Math.PI * (1 + l / 12) * t) + 0.05 * (rng.next() - 0.5);
        return background + (l === v2 ? Math.exp(-(((t - bumpAt) / 0.04) ** 2)) : 0);
      }),
    })),
  };
}

/**
 * A small convolutional model with one filter tuned to the planted bump in V2 and three random
 * filters over every lead (distractors that respond to the background), max-pooled over time.
 */
function bumpDetector(): tf.LayersModel {
  const input = tf.input({ shape: [250, 12] });
  const conv = tf.layers.conv1d({ filters: 4, kernelSize: 9, padding: 'same', activation: 'relu', name: 'conv' });
  const pooled = tf.layers.globalMaxPooling1d().apply(conv.apply(input)) as tf.SymbolicTensor;
  const dense = tf.layers.dense({ units: 2, name: 'logits' });
  const model = tf.model({ inputs: input, outputs: dense.apply(pooled) as tf.SymbolicTensor });
  const rng = createRng(3);
  const kernel = new Float32Array(9 * 12 * 4);
  for (let k = 0; k < 9; k++) {
    for (let c = 0; c < 12; c++) {
      kernel[(k * 12 + c) * 4] = c === v2 ? Math.exp(-(((k - 4) / 2.5) ** 2)) : 0;
      for (let f = 1; f < 4; f++) kernel[(k * 12 + c) * 4 + f] = 0.1 * (rng.next() - 0.5);
    }
  }
  conv.setWeights([tf.tensor3d(kernel, [9, 12, 4]), tf.tensor1d([-0.8, 0, 0, 0])]);
  dense.setWeights([tf.tensor2d([3, -1, 0.3, 0.3, 0.3, 1, 0.3, 0.3], [4, 2]), tf.tensor1d([0, 0])]);
  return model;
}

const pipeline = buildPipeline({ version: 1, stages: [{ kind: 'resample', targetHz: 100 }, { kind: 'padTruncate', length: 1000 }, { kind: 'crop', length: 250 }] });

describe.each(['cpu', 'wasm'] as const)('integrated-gradients saliency on %s', (backend) => {
  it('lands on a feature planted in one lead at one time, over sliding windows as the prediction reads them', async () => {
    await initBackend({ force: backend });
    const model = bumpDetector();
    try {
      const saliency = await explainRecord({ model, pipeline, classes: ['BUMP', 'OTHER'], inference: { mode: 'windows', stride: 125 } }, plantedRecord(), 'BUMP');
      expect(saliency).toMatchObject({ method: 'integrated-gradients', seconds: 10, leads: [...canonicalLeads] });
      expect(saliency.windowStarts).toEqual([0, 1.25, 2.5, 3.75, 5, 6.25, 7.5]);
      // The per-lead bar: V2 carries most of the attribution.
      const top = saliency.perLead.indexOf(Math.max(...saliency.perLead));
      expect(canonicalLeads[top]).toBe('V2');
      expect(saliency.perLead[v2]).toBeGreaterThan(0.6);
      expect(saliency.perLead.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      // Over time: V2's strongest bin is at the bump, and most of V2's attribution lies within 0.2 s of it.
      const lead = saliency.map[v2] as number[];
      const peak = lead.indexOf(1);
      expect(Math.abs((peak + 0.5) * saliency.binSeconds - bumpAt)).toBeLessThan(0.1);
      const near = lead.filter((_, b) => Math.abs((b + 0.5) * saliency.binSeconds - bumpAt) <= 0.2).reduce((a, b) => a + b, 0);
      expect(near / lead.reduce((a, b) => a + b, 0)).toBeGreaterThan(0.5);
      // The other class, which the bump lowers, is explained too (by the distractors and the bump alike).
      expect((await explainRecord({ model, pipeline, classes: ['BUMP', 'OTHER'], inference: { mode: 'centre' } }, plantedRecord(), 'OTHER')).windowStarts).toEqual([3.75]);
      await expect(explainRecord({ model, pipeline, classes: ['BUMP', 'OTHER'], inference: { mode: 'centre' } }, plantedRecord(), 'MI')).rejects.toThrow(/no class 'MI'/);
    } finally {
      model.dispose();
    }
  });

  it('is complete: the attributions of one window sum to f(x) − f(baseline)', async () => {
    await initBackend({ force: backend });
    const model = bumpDetector();
    try {
      const window = pipeline.windows({ fs, signal: plantedRecord().leads.map((l) => l.samples) }, 125)[4]?.signal as Float32Array[];
      const attribution = await integratedGradients(model, window, 0, 128);
      const total = attribution.reduce((s, lead) => s + lead.reduce((a, b) => a + b, 0), 0);
      const logit = (x: Float32Array[]) => tf.tidy(() => (model.predict(tf.tensor3d([Array.from({ length: 250 }, (_, t) => x.map((lead) => lead[t] as number))])) as tf.Tensor).dataSync()[0] as number);
      const delta = logit(window) - logit(window.map((l) => new Float32Array(l.length)));
      expect(Math.abs(total - delta)).toBeLessThan(0.03 * Math.abs(delta) + 1e-3);
    } finally {
      model.dispose();
    }
  });
});
