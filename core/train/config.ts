import { z } from 'zod';
import { EinthovenError } from '../errors';
import { augmentChoices } from './augmentation';
import { schedules } from './step';
import { thresholdMethods } from './thresholds';

export const selectionMetrics = ['f1Macro', 'aucMacro', 'mapMacro', 'valLoss'] as const;
export type SelectionMetric = (typeof selectionMetrics)[number];

/** How a model trains. Every field has the engine's default; the paper's values are noted. */
export const trainConfigSchema = z.object({
  epochs: z.number().int().min(1).max(1000).default(50),
  batchSize: z.number().int().min(1).max(4096).default(64),
  learningRate: z.number().positive().max(1).default(2e-4),
  weightDecay: z.number().min(0).max(1).default(0.01),
  /** Learning-rate schedule: the paper's constant rate, or fastai's one-cycle (Strodthoff). */
  schedule: z.enum(schedules).default('constant'),
  loss: z.enum(['focal', 'bce']).default('focal'),
  /** BCE only: positive weights per class (the yml's PTB-XL example [2, 4, 2, 1, 2]). */
  posWeight: z.array(z.number().positive()).optional(),
  /** Epochs without a better validation score before stopping; 0 disables early stopping (the paper). */
  patience: z.number().int().min(0).max(1000).default(10),
  /** Validation score that selects the model (higher is better; valLoss: lower). */
  selection: z.enum(selectionMetrics).default('f1Macro'),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(20),
  dropLast: z.boolean().default(true),
  /** Per-class thresholds tuned on validation after training, or the paper's fixed 0.5. */
  thresholds: z.enum([...thresholdMethods, 'fixed']).default('f1'),
  calibrate: z.boolean().default(true),
  evaluation: z
    .object({
      mode: z.enum(['centre', 'windows']).default('centre'),
      stride: z.number().int().positive().optional(),
      aggregate: z.enum(['mean', 'max']).default('mean'),
    })
    .default({ mode: 'centre', aggregate: 'mean' }),
  /** Training-time augmentation; unset: the architecture's default (augmentation.ts). Recorded in the manifest either way. */
  augment: z.enum(augmentChoices).optional(),
  /**
   * Fewest positive and fewest negative records every class needs in the training and the
   * validation split before a job starts (learnability.ts). Below 10 / 3 is an override: logged
   * at the start and kept with the model.
   */
  minExamples: z
    .object({ train: z.number().int().min(1).max(1_000_000).default(10), val: z.number().int().min(1).max(1_000_000).default(3) })
    .default({ train: 10, val: 3 }),
  /** Learning-rate factor for the trunk in `full` fine-tuning (the head uses the full rate). */
  trunkLrFactor: z.number().positive().max(1).default(0.1),
  /**
   * The paper's flawed protocol, for reproduction only: selection on the test split, unlabeled
   * PTB-XL records kept, random crops at CPSC/HSM evaluation, no early stopping, and its fixed
   * 0.5 threshold without calibration.
   */
  paperExact: z.boolean().default(false),
})
  .transform((c) => (c.paperExact ? { ...c, thresholds: 'fixed' as const, calibrate: false } : c));

export type TrainConfig = z.infer<typeof trainConfigSchema>;
export type TrainConfigInput = z.input<typeof trainConfigSchema>;

/** BCE positive weights must give one weight per class, and only BCE uses them (a silently ignored weight would mislead). */
export function checkPosWeight(config: Pick<TrainConfig, 'loss' | 'posWeight'>, classCount: number): void {
  if (!config.posWeight) return;
  if (config.loss !== 'bce') throw new EinthovenError('E_VALIDATION', 'positive-class weights apply to the BCE loss (--loss bce), not to the focal loss');
  if (config.posWeight.length !== classCount) throw new EinthovenError('E_VALIDATION', `${config.posWeight.length} positive-class weights for ${classCount} classes: give one per class, in the dataset's class order`);
}
