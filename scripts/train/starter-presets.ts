/**
 * The starter-model presets (issue 6 item 7), one per architecture, as the options of the
 * engine's training job. scripts/train/starter.ts runs them; the README's `ecg train` command
 * for the shipped starter spells the xresnet1d50 preset out flag by flag, and
 * starter-presets.test.ts checks that both give the same package.
 */
import type { BackendName } from '../../core/ml/backend/init';
import type { PipelineConfig, Stage } from '../../core/signal/pipeline-config';
import type { TrainConfigInput } from '../../core/train/config';
import type { TrainJobOptions } from '../../core/train/jobs/train-job';
import { defaultPipeline } from '../../core/train/pipelines';

export interface Preset {
  /** Training configuration, the augmentation choice included. */
  readonly train: TrainConfigInput;
  /** A reduced input for an architecture that cannot train at its design input within the budget. */
  readonly input?: { readonly rateHz: number; readonly crop: number };
}

const paperModel = (epochs: number, learningRate = 1e-3): Preset => ({ train: { epochs, batchSize: 32, learningRate, loss: 'focal', schedule: 'onecycle', augment: 'paper' } });

export const presets: Readonly<Record<string, Preset>> = {
  // Strodthoff et al.: one-cycle, BCE, random 2.5 s crops, no other augmentation; windows at test,
  // aggregated by mean here (Strodthoff's fastai models take the max).
  xresnet1d50: { train: { epochs: 60, batchSize: 32, learningRate: 3e-3, loss: 'bce', schedule: 'onecycle', augment: 'none', evaluation: { mode: 'windows', stride: 125, aggregate: 'mean' } } },
  xresnet1d101: { train: { epochs: 40, batchSize: 32, learningRate: 3e-3, loss: 'bce', schedule: 'onecycle', augment: 'none', evaluation: { mode: 'windows', stride: 125, aggregate: 'mean' } } },
  // The paper's models: focal loss, its augmentation, centre crop; one-cycle to fit ~30 min on wasm.
  resnet18: paperModel(24),
  'crnn-gru': paperModel(16),
  // Epochs sized from measured wasm step times (batch 32) to fit ~20 min each on the 2-core container.
  'crnn-lstm': paperModel(24),
  attresnet: paperModel(24),
  alexnet: paperModel(50),
  vgg11bn: paperModel(18),
  // Post-LN encoders: peak rate ~2.5 × the paper's constant one (§7: ResTransformer 2e-4, Transformer 1e-4), not the CNNs' 1e-3.
  restransformer: paperModel(16, 5e-4),
  // 2048 tokens cost ~13 s per record per step here (~70 min an epoch): reduced to 100 Hz, the same 4.1 s as 410 tokens.
  transformer: { train: { epochs: 2, batchSize: 8, learningRate: 3e-4, loss: 'focal', schedule: 'onecycle', augment: 'paper' }, input: { rateHz: 100, crop: 410 } },
};

/** What every preset shares: the whole one-cycle run (best validation epoch kept), F1 thresholds, seed 20. */
const common: TrainConfigInput = { patience: 0, selection: 'aucMacro', thresholds: 'f1', seed: 20 };

export const starterDescription =
  'Demonstration model: trained on the 326 labelled PTB-XL records of folds 1–8 in ptbxl-pool (fold 9 for selection, calibration and thresholds). ' +
  'Far too little data for clinical use; research use only.';

/** The architecture's default pipeline, or the paper's at a reduced rate and crop (same 10 s pad, band-pass and normalisation). */
function reducedPipeline(architecture: string, input: NonNullable<Preset['input']>): PipelineConfig {
  const pipeline = defaultPipeline(architecture);
  const stages = pipeline.stages.map((stage): Stage => {
    if (stage.kind === 'resample') return { ...stage, targetHz: input.rateHz };
    if (stage.kind === 'padTruncate') return { ...stage, length: 10 * input.rateHz };
    if (stage.kind === 'crop') return { ...stage, length: input.crop };
    return stage;
  });
  return { ...pipeline, stages };
}

export function presetOf(architecture: string): Preset {
  const preset = presets[architecture];
  if (!preset) throw new Error(`no preset for ${architecture} (have ${Object.keys(presets).join(', ')})`);
  return preset;
}

/** The training job of a preset on a PTB-XL folder; `overrides` change the budget (epochs, batch, rate). */
export function starterJobOptions(architecture: string, where: { root: string; out: string; backend: BackendName; cacheDir?: string; checkpointDir?: string }, overrides: TrainConfigInput = {}): TrainJobOptions {
  const preset = presetOf(architecture);
  return {
    dataset: { kind: 'ptbxl', root: where.root },
    architecture,
    out: where.out,
    train: { ...preset.train, ...common, ...overrides },
    ...(preset.input ? { pipeline: reducedPipeline(architecture, preset.input) } : {}),
    backend: where.backend,
    // One thread: batch-norm statistics, and so the weights, depend on the number of workers.
    workers: 1,
    ...(where.cacheDir ? { cacheDir: where.cacheDir } : {}),
    ...(where.checkpointDir ? { checkpointDir: where.checkpointDir } : {}),
    name: `${architecture}-ptbxl-pool-demo`,
    demonstration: true,
    description: starterDescription,
  };
}
