import { architectureInfo } from '../ml/models/registry';
import { pipelineConfigSchema, paperPipelineConfig, type PipelineConfig } from '../signal/pipeline-config';
import type { Normalisation } from '../signal/normalise';

/** The paper's best normalisation per architecture family (paper-spec §7 table). */
export function paperNormalisation(architecture: string): Normalisation {
  if (architecture.startsWith('crnn') || architecture === 'attresnet') return 'l2';
  if (architecture.includes('transformer')) return 'zscore';
  return 'logscale';
}

/**
 * The default input pipeline of an architecture. Paper models: resample to 500 Hz, pad to 10 s,
 * zero-phase 1–45 Hz band-pass at the true rate, crop 2048, per-lead normalisation.
 * xresnet (Strodthoff): 100 Hz, no filter, 2.5 s crops, one global standardisation fitted on
 * the training set (keeps absolute and inter-lead voltage). Records longer than 10 s are kept
 * whole (training crops anywhere in them, evaluation by windows across their full length);
 * `paperExact` truncates them to their first 10 s, as the paper's code does.
 */
export function defaultPipeline(architecture: string, options: { normalisation?: Normalisation; paperExact?: boolean; augment?: boolean } = {}): PipelineConfig {
  const info = architectureInfo(architecture);
  const longer: 'truncate' | 'keep' = options.paperExact ? 'truncate' : 'keep';
  if (info.fs === 100) {
    return pipelineConfigSchema.parse({
      version: 1,
      stages: [
        { kind: 'resample', targetHz: 100 },
        { kind: 'padTruncate', length: 1000, longer },
        { kind: 'crop', length: info.inputLength },
        options.normalisation ? { kind: 'normalise', method: options.normalisation } : { kind: 'standardise' },
      ],
      augmentation: options.augment ? { scheme: 'paper' } : null,
    });
  }
  const paper = paperPipelineConfig({
    normalisation: options.normalisation ?? paperNormalisation(architecture),
    paperExact: options.paperExact ?? false,
    augment: options.augment ?? true,
  });
  const stages = paper.stages.map((s) => (s.kind === 'padTruncate' ? { ...s, longer } : s));
  return { ...paper, stages: [{ kind: 'resample', targetHz: 500 }, ...stages] };
}

/** Sampling rate the pipeline feeds the model (its resample stage), if it fixes one. */
export function pipelineRate(config: PipelineConfig): number | undefined {
  const stage = config.stages.find((s) => s.kind === 'resample');
  return stage?.kind === 'resample' ? stage.targetHz : undefined;
}

/** Crop length (the model's input length) of a pipeline. */
export function pipelineCrop(config: PipelineConfig): number | undefined {
  const stage = config.stages.find((s) => s.kind === 'crop');
  return stage?.kind === 'crop' ? stage.length : undefined;
}
