import { z } from 'zod';
import { canonicalLeads } from '../formats/record';
import { filterBands } from './butter';
import { normalisations } from './normalise';

const positiveInt = z.number().int().positive().max(10_000_000);
const hz = z.number().positive().max(100_000);

/**
 * Right-zero-pad every lead to `length` samples. A longer record is truncated to its first
 * `length` samples (`longer: 'truncate'`, the paper's code and every package made before
 * whole-record inference), or kept whole (`'keep'`): training crops are then drawn from the whole
 * record and a record longer than `length` is evaluated by windows across its full duration.
 */
const padTruncateStage = z.object({ kind: z.literal('padTruncate'), length: positiveInt, longer: z.enum(['truncate', 'keep']).default('truncate') });

/**
 * Butterworth filter designed at the signal's real rate, zero-phase (`sosfiltfilt`) unless
 * `zeroPhase` is false. `paperExact` reproduces the paper code instead: designed at fs = 100
 * whatever the real rate, applied causally (`sosfilt`); for reproduction runs only.
 */
const filterStage = z.object({
  kind: z.literal('filter'),
  band: z.enum(filterBands),
  order: z.number().int().min(1).max(16),
  cutoffHz: z.union([hz, z.tuple([hz, hz])]),
  zeroPhase: z.boolean().default(true),
  paperExact: z.boolean().default(false),
});

/** Mains notch (`iirnotch`), zero-phase. */
const notchStage = z.object({ kind: z.literal('notch'), freqHz: hz, quality: z.number().positive().max(1000).default(30) });

const resampleStage = z.object({ kind: z.literal('resample'), targetHz: hz });

/** Random start in training, centre in evaluation, sliding windows for whole-record evaluation. */
const cropStage = z.object({ kind: z.literal('crop'), length: positiveInt });

const normaliseStage = z.object({ kind: z.literal('normalise'), method: z.enum(normalisations) });

/** Global per-lead standardisation; `mean`/`std` are fitted on the training set only (null until fitted). */
const standardiseStage = z.object({
  kind: z.literal('standardise'),
  mean: z.array(z.number()).nullable().default(null),
  std: z.array(z.number().nonnegative()).nullable().default(null),
});

export const stageSchema = z.discriminatedUnion('kind', [padTruncateStage, filterStage, notchStage, resampleStage, cropStage, normaliseStage, standardiseStage]);

const range = z.tuple([z.number(), z.number()]).refine(([lo, hi]) => lo <= hi, 'range must be [low, high]');

/** The paper's augmentation scheme (§3); the defaults are the paper's parameters. */
export const augmentationSchema = z.object({
  scheme: z.literal('paper'),
  timeDropProbability: z.number().min(0).max(1).default(0.1),
  leadDropProbability: z.number().min(0).max(1).default(0.2),
  sineAmplitude: range.default([0.25, 1]),
  sineFrequency: range.default([0.001, 0.02]),
  squareAmplitude: range.default([0.005, 0.02]),
  squareFrequency: range.default([0.001, 0.1]),
});

/**
 * Serialisable model-input pipeline, saved inside every model package. Signals are
 * leads × samples (`Float32Array` per lead, in `leads` order, canonical I..V6 by default).
 */
export const pipelineConfigSchema = z.object({
  version: z.literal(1),
  leads: z.array(z.enum(canonicalLeads)).min(1).default([...canonicalLeads]),
  stages: z.array(stageSchema),
  augmentation: augmentationSchema.nullable().default(null),
});

export type PipelineConfig = z.infer<typeof pipelineConfigSchema>;
export type PipelineConfigInput = z.input<typeof pipelineConfigSchema>;
export type Stage = z.infer<typeof stageSchema>;

/** The paper's pipeline as its code runs it (§2–3): pad 5000 → filter → crop 2048 → normalise → augment. */
export function paperPipelineConfig(options: { normalisation: (typeof normalisations)[number]; paperExact?: boolean; augment?: boolean }): PipelineConfig {
  const paperExact = options.paperExact ?? false;
  return pipelineConfigSchema.parse({
    version: 1,
    stages: [
      { kind: 'padTruncate', length: 5000 },
      { kind: 'filter', band: 'bandpass', order: 2, cutoffHz: [1, 45], zeroPhase: !paperExact, paperExact },
      { kind: 'crop', length: 2048 },
      { kind: 'normalise', method: options.normalisation },
    ],
    augmentation: options.augment === false ? null : { scheme: 'paper' },
  });
}
