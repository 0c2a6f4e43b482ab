import { pipelineConfigSchema, type PipelineConfig } from '../signal/pipeline-config';

/**
 * The small pipeline the training and data tests share: band-pass 0.5–40 Hz, a 250-sample crop
 * and per-lead z-score, with the paper's augmentation unless `augment` is false. Small enough
 * that a test trains in seconds, with every stage kind a real pipeline has before its crop.
 */
export function smallPipeline(options: { augment?: boolean } = {}): PipelineConfig {
  return pipelineConfigSchema.parse({
    version: 1,
    stages: [
      { kind: 'filter', band: 'bandpass', order: 2, cutoffHz: [0.5, 40] },
      { kind: 'crop', length: 250 },
      { kind: 'normalise', method: 'zscore' },
    ],
    ...(options.augment === false ? {} : { augmentation: { scheme: 'paper' } }),
  });
}
