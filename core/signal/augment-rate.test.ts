import { describe, expect, it } from 'vitest';
import { paperAugmentation } from './augment';
import { augmentationAtRate } from './augment-rate';
import { buildPipeline } from './pipeline';
import { createRng } from './rng';

describe('augmentation frequencies at the model rate', () => {
  it('keeps the paper’s physical frequencies (sine 0.5–10 Hz, square 0.5–50 Hz) at any rate', () => {
    expect(augmentationAtRate(paperAugmentation, 500)).toEqual(paperAugmentation);
    const at100 = augmentationAtRate(paperAugmentation, 100);
    expect(at100.sineFrequency.map((f) => f * 100)).toEqual([0.5, 10].map((hz) => expect.closeTo(hz, 12)));
    expect(at100.squareFrequency.map((f) => f * 100)).toEqual([0.5, 50].map((hz) => expect.closeTo(hz, 12)));
    expect(augmentationAtRate(paperAugmentation, 250).sineFrequency).toEqual([0.002, 0.04]);
    expect(augmentationAtRate(paperAugmentation, 50).squareFrequency[1]).toBe(0.5); // capped at Nyquist
  });

  it('a 100 Hz training pipeline adds its sine wave at the rescaled frequency', () => {
    const pipeline = buildPipeline({ version: 1, stages: [{ kind: 'crop', length: 250 }], augmentation: { scheme: 'paper' } });
    // The first seed whose draw picks the sine sum (k = 5), replaying the draws augment makes.
    let seed = 0;
    while (createRng(seed).int(0, 6) !== 5) seed++;
    const replay = createRng(seed);
    replay.int(0, 6);
    const a = replay.uniform(0.25, 1);
    const f = 0.005 + (0.1 - 0.005) * replay.next(); // 0.5–10 Hz at 100 Hz, in cycles per sample
    const zeros = Array.from({ length: 12 }, () => new Float32Array(250));
    const out = pipeline.run({ fs: 100, signal: zeros }, { mode: 'train', rng: createRng(seed) });
    for (const n of [1, 7, 100]) expect(out.signal[0]?.[n]).toBeCloseTo(a * Math.sin(2 * Math.PI * f * n), 5);
  });
});
