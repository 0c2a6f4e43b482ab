import { z } from 'zod';
import { augmentationSchema, type PipelineConfig } from '../signal/pipeline-config';

/** What `--augment` chooses: no augmentation beyond random crops, or the paper's scheme (§3). */
export const augmentChoices = ['none', 'paper'] as const;
export type AugmentChoice = (typeof augmentChoices)[number];

/** Training-time augmentation as it ran, recorded in the manifest: none, or the paper's scheme with its parameters. */
export const trainingAugmentationSchema = z.discriminatedUnion('scheme', [z.object({ scheme: z.literal('none') }), augmentationSchema]);
export type TrainingAugmentation = z.infer<typeof trainingAugmentationSchema>;

/**
 * The default when none is chosen: the paper's scheme for the paper's architectures, none for
 * the xresnet1d family, which Strodthoff et al. trained on random crops alone (as the shipped
 * starter was).
 */
export function defaultAugment(architecture: string): AugmentChoice {
  return architecture.startsWith('xresnet') ? 'none' : 'paper';
}

/** The pipeline with the chosen augmentation (the paper's parameters for 'paper'). */
export function withAugmentation(pipeline: PipelineConfig, choice: AugmentChoice): PipelineConfig {
  return { ...pipeline, augmentation: choice === 'paper' ? augmentationSchema.parse({ scheme: 'paper' }) : null };
}

/** What a training pipeline actually augmented with, for the manifest. */
export function recordedAugmentation(pipeline: PipelineConfig): TrainingAugmentation {
  return pipeline.augmentation ?? { scheme: 'none' };
}

/** The choice a pipeline embodies. */
export function augmentChoiceOf(pipeline: PipelineConfig): AugmentChoice {
  return pipeline.augmentation ? 'paper' : 'none';
}

/** One line for a model card: "none (random crops only)" or the paper's scheme with its parameters. */
export function describeAugmentation(augmentation: TrainingAugmentation | null): string {
  if (augmentation === null) return 'not recorded (package written before augmentation was recorded; it may have been trained with the paper\'s scheme)';
  if (augmentation.scheme === 'none') return 'none (random crops only)';
  const a = augmentation;
  return (
    `the paper's scheme: per sample one of flip, time drop (p ${a.timeDropProbability}), lead drop (p ${a.leadDropProbability}), ` +
    `sine (amplitude ${a.sineAmplitude.join('–')}, ${a.sineFrequency.join('–')} cycles/sample), square pulse (amplitude ${a.squareAmplitude.join('–')}, ` +
    `${a.squareFrequency.join('–')} cycles/sample), or none (2 in 7)`
  );
}
