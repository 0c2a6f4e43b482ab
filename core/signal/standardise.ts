import { EinthovenError } from '../errors';
import { buildPipeline, type LeadSignal } from './pipeline';
import { pipelineConfigSchema, type PipelineConfig } from './pipeline-config';

/** Running per-lead mean and variance, merged record by record (Chan et al.) in float64. */
class LeadMoments {
  count = 0;
  mean = 0;
  m2 = 0;

  add(x: Float32Array): void {
    const n = x.length;
    if (n === 0) return;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += x[i] as number;
    const mean = sum / n;
    let m2 = 0;
    for (let i = 0; i < n; i++) m2 += ((x[i] as number) - mean) ** 2;
    const total = this.count + n;
    const delta = mean - this.mean;
    this.m2 += m2 + (delta * delta * this.count * n) / total;
    this.mean += (delta * n) / total;
    this.count = total;
  }

  /** Unbiased std (N − 1), matching zscore's convention. */
  std(): number {
    return this.count > 1 ? Math.sqrt(this.m2 / (this.count - 1)) : 0;
  }
}

/** Per-lead mean and unbiased std over every sample of every signal, and how many signals there were. */
export function perLeadMoments(signals: Iterable<readonly Float32Array[]>, leads: number): { mean: number[]; std: number[]; signals: number } {
  const moments = Array.from({ length: leads }, () => new LeadMoments());
  let count = 0;
  for (const signal of signals) {
    signal.forEach((lead, l) => moments[l]?.add(lead));
    count++;
  }
  return { mean: moments.map((m) => m.mean), std: moments.map((m) => m.std()), signals: count };
}

/** The config with its standardise stage at `index` replaced by the fitted one. */
export function withFittedStandardisation(config: PipelineConfig, index: number, fit: { mean: number[]; std: number[] }): PipelineConfig {
  const stages = config.stages.map((s, i) => (i === index ? { kind: 'standardise' as const, mean: fit.mean, std: fit.std } : s));
  return pipelineConfigSchema.parse({ ...config, stages });
}

/**
 * Fits the config's (first) standardise stage on training signals only: runs the stages
 * before it in evaluation mode and returns a new config with per-lead mean and std filled in.
 */
export function fitStandardisation(config: PipelineConfig, trainingSignals: Iterable<LeadSignal>): PipelineConfig {
  const index = config.stages.findIndex((s) => s.kind === 'standardise');
  if (index < 0) throw new EinthovenError('E_VALIDATION', 'the pipeline has no standardise stage to fit');
  const prefix = buildPipeline({ ...config, stages: config.stages.slice(0, index), augmentation: null });
  const prepared = (function* () {
    for (const input of trainingSignals) yield prefix.run(input, { mode: 'eval' }).signal;
  })();
  const fit = perLeadMoments(prepared, config.leads.length);
  if (fit.signals === 0) throw new EinthovenError('E_VALIDATION', 'cannot fit standardisation on an empty training set');
  return withFittedStandardisation(config, index, fit);
}
