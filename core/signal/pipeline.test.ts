// Filter/normalisation numerics are checked against SciPy in filters.test.ts and normalise.test.ts;
// these are property tests of the assembled pipeline (shapes, determinism, finiteness).
import { describe, expect, it } from 'vitest';
import { butter } from './butter';
import { normalisations } from './normalise';
import { buildPipeline, windowStarts, type LeadSignal } from './pipeline';
import { paperPipelineConfig, pipelineConfigSchema } from './pipeline-config';
import { createRng } from './rng';
import { sosfilt } from './sosfilt';
import { fitStandardisation } from './standardise';

function record(n: number, seed: number, fs = 500): LeadSignal {
  const rng = createRng(seed);
  return { fs, signal: Array.from({ length: 12 }, () => Float32Array.from({ length: n }, (_, i) => Math.sin(i / 40) + rng.uniform(-0.2, 0.2))) };
}
const allFinite = (s: LeadSignal) => s.signal.every((l) => l.every(Number.isFinite));

describe('paper pipeline', () => {
  it.each(normalisations.flatMap((m) => [3000, 5000, 7000].map((n) => [m, n] as const)))('%s on %i samples gives 12 × 2048 finite values', (method, n) => {
    const pipeline = buildPipeline(paperPipelineConfig({ normalisation: method }));
    for (const mode of ['train', 'eval'] as const) {
      const out = pipeline.run(record(n, n), { mode, rng: createRng(1) });
      expect(out.signal.length).toBe(12);
      expect(out.signal.every((l) => l.length === 2048)).toBe(true);
      expect(allFinite(out)).toBe(true);
    }
  });

  it('is deterministic for a seed and varies across seeds', () => {
    const pipeline = buildPipeline(paperPipelineConfig({ normalisation: 'zscore' }));
    const input = record(5000, 9);
    const a = pipeline.run(input, { mode: 'train', rng: createRng(42) });
    const b = pipeline.run(input, { mode: 'train', rng: createRng(42) });
    expect(a).toEqual(b);
    const others = [1, 2, 3, 4].map((seed) => pipeline.run(input, { mode: 'train', rng: createRng(seed) }));
    expect(others.some((o) => o.signal[0]?.[0] !== a.signal[0]?.[0])).toBe(true);
  });

  it('evaluation uses the centre crop, without augmentation', () => {
    const config = pipelineConfigSchema.parse({ version: 1, stages: [{ kind: 'padTruncate', length: 5000 }, { kind: 'crop', length: 2048 }] });
    const input = record(5000, 3);
    const out = buildPipeline(config).run(input, { mode: 'eval' });
    expect(Array.from(out.signal[4] as Float32Array)).toEqual(Array.from((input.signal[4] as Float32Array).subarray(1476, 1476 + 2048)));
  });

  it('paperExact applies the fs=100 design causally', () => {
    const input = record(5000, 5);
    const config = pipelineConfigSchema.parse({ version: 1, stages: [{ kind: 'filter', band: 'bandpass', order: 2, cutoffHz: [1, 45], paperExact: true }] });
    const out = buildPipeline(config).run(input, { mode: 'eval' });
    const expected = sosfilt(butter(2, [1, 45], 'bandpass', 100), input.signal[0] as Float32Array).y;
    expect(Math.max(...Array.from(out.signal[0] as Float32Array, (v, i) => Math.abs(v - (expected[i] as number))))).toBeLessThan(1e-5);
  });

  it('turns NaN (missing samples) and flat leads into finite output', () => {
    const input = record(5000, 8);
    (input.signal[2] as Float32Array).fill(Number.NaN, 100, 900);
    (input.signal[3] as Float32Array).fill(0);
    for (const method of normalisations) {
      expect(allFinite(buildPipeline(paperPipelineConfig({ normalisation: method })).run(input, { mode: 'train', rng: createRng(2) }))).toBe(true);
    }
  });

  it('rejects a malformed config and a wrongly shaped signal with E_VALIDATION', () => {
    expect(() => buildPipeline({ version: 2, stages: [] })).toThrow(/invalid pipeline config/);
    expect(() => buildPipeline({ version: 1, stages: [{ kind: 'crop', length: -1 }] })).toThrow(/invalid pipeline config/);
    const pipeline = buildPipeline(paperPipelineConfig({ normalisation: 'l2' }));
    expect(() => pipeline.run({ fs: 500, signal: [new Float32Array(10)] }, { mode: 'eval' })).toThrow(/expected 12 leads/);
    expect(() => pipeline.run(record(5000, 1), { mode: 'train' })).toThrow(/rng/);
  });

  it('survives a JSON round trip unchanged', () => {
    const config = paperPipelineConfig({ normalisation: 'rscale', paperExact: true });
    expect(buildPipeline(JSON.parse(JSON.stringify(config))).config).toEqual(config);
  });
});

describe('pipeline properties over random configurations', () => {
  it('for 40 random stage lists: expected shape, finite output from finite input, same output for the same seed', () => {
    const rng = createRng(2024);
    const pick = <T>(items: readonly T[]): T => items[rng.int(0, items.length - 1)] as T;
    for (let trial = 0; trial < 40; trial++) {
      const fs = pick([100, 250, 500]);
      const n = rng.int(Math.round(0.5 * fs), 12 * fs);
      const crop = rng.int(16, 3 * fs);
      const stages = [
        ...(rng.next() < 0.5 ? [{ kind: 'padTruncate', length: rng.int(crop, 6 * fs) }] : []),
        ...(rng.next() < 0.5 ? [{ kind: 'filter', band: 'bandpass', order: rng.int(1, 4), cutoffHz: [1, Math.min(45, 0.4 * fs)], paperExact: rng.next() < 0.3 }] : []),
        ...(fs > 100 && rng.next() < 0.3 ? [{ kind: 'notch', freqHz: 50 }] : []),
        ...(rng.next() < 0.3 ? [{ kind: 'resample', targetHz: 100 }] : []),
        { kind: 'crop', length: crop },
        { kind: 'normalise', method: pick(normalisations) },
      ];
      const pipeline = buildPipeline({ version: 1, stages, augmentation: { scheme: 'paper' } });
      const input = record(n, trial, fs);
      const a = pipeline.run(input, { mode: 'train', rng: createRng(trial) });
      const b = pipeline.run(input, { mode: 'train', rng: createRng(trial) });
      expect(a.signal.length).toBe(12);
      expect(a.signal.every((l) => l.length === crop)).toBe(true);
      expect(allFinite(a)).toBe(true);
      expect(b).toEqual(a);
    }
  });

  it('draws training crop starts uniformly from 0 to n − length inclusive (Eq. 1)', () => {
    const pipeline = buildPipeline({ version: 1, stages: [{ kind: 'crop', length: 8 }] });
    const ramp: LeadSignal = { fs: 500, signal: Array.from({ length: 12 }, () => Float32Array.from({ length: 10 }, (_, i) => i)) };
    const rng = createRng(9);
    const starts = new Set(Array.from({ length: 200 }, () => pipeline.run(ramp, { mode: 'train', rng }).signal[0]?.[0]));
    expect([...starts].sort()).toEqual([0, 1, 2]);
  });
});

describe('resample stage and windows', () => {
  it('resamples 500 → 100 Hz', () => {
    const config = { version: 1, stages: [{ kind: 'resample', targetHz: 100 }] };
    const out = buildPipeline(config).run(record(5000, 1), { mode: 'eval' });
    expect(out.fs).toBe(100);
    expect(out.signal[0]?.length).toBe(1000);
  });

  it('covers the whole record with sliding windows', () => {
    expect(windowStarts(5000, 2048, 1024)).toEqual([0, 1024, 2048, 2952]);
    expect(windowStarts(1000, 2048, 1024)).toEqual([0]);
    const pipeline = buildPipeline(paperPipelineConfig({ normalisation: 'zscore' }));
    const windows = pipeline.windows(record(5000, 4), 1024);
    expect(windows.length).toBe(4);
    expect(windows.every((w) => w.signal.length === 12 && w.signal.every((l) => l.length === 2048))).toBe(true);
  });
});

describe('global standardisation', () => {
  it('fits per-lead mean and unbiased std on the training signals only', () => {
    const config = pipelineConfigSchema.parse({ version: 1, stages: [{ kind: 'padTruncate', length: 100 }, { kind: 'standardise' }] });
    const train = [record(100, 1), record(100, 2)];
    const fitted = fitStandardisation(config, train);
    const stage = fitted.stages[1];
    if (stage?.kind !== 'standardise' || !stage.mean || !stage.std) throw new Error('not fitted');
    const values = train.flatMap((r) => Array.from(r.signal[5] as Float32Array));
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
    expect(stage.mean[5]).toBeCloseTo(mean, 10);
    expect(stage.std[5]).toBeCloseTo(std, 10);
    const out = buildPipeline(fitted).run(train[0] as LeadSignal, { mode: 'eval' });
    expect(allFinite(out)).toBe(true);
    expect(() => buildPipeline(config).run(train[0] as LeadSignal, { mode: 'eval' })).toThrow(/not been fitted/);
  });
});
