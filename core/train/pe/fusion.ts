import { EinthovenError } from '../../errors';
import { z } from 'zod';
import { dDimerDoubt, ngMlFromMgL, peNumberRanges, type DdimerDoubt, type PeItems } from '../../clinic/pe-scores/items';
import type { OperatingPoint } from '../package/manifest';
import { logisticLogit, type LogisticModel } from './logistic';

/**
 * The PE fusion model: a logistic regression on the ECG model's logit plus the clinical score
 * items (Somani et al. 2021: ECG alone AUROC 0.59, fused with clinical data 0.81). Its
 * companion, the same regression without the ECG, is the site's score-based pre-test
 * probability. Both are fitted on training rows, temperature-scaled and thresholded on
 * validation, and shipped in the manifest of an ordinary model package (the ECG network's own
 * weights), so they are versioned, hashed and registered like any model.
 */

/** Item features (Wells' items, heart rate as Wells' > 100/min), optionally log10 D-dimer. */
export const fusionItemFeatures = ['dvtSigns', 'peMostLikely', 'tachycardia', 'immobilisationOrSurgery4w', 'previousVte', 'haemoptysis', 'activeCancer', 'log10DDimer'] as const;
export type FusionItemFeature = (typeof fusionItemFeatures)[number];

const logisticSchema = z.object({
  mean: z.array(z.number()),
  std: z.array(z.number().positive()),
  weights: z.array(z.number()),
  intercept: z.number(),
});

const calibratedSchema = z.object({
  model: logisticSchema,
  /** Temperature of the logit, fitted on validation. */
  temperature: z.number().positive(),
  /** Why no temperature was fitted, or what the fitted one means (calibration.ts `calibrationTemperature`). */
  calibrationNote: z.string().max(500).optional(),
  /** Decision threshold on the calibrated probability (p > threshold), tuned on validation. */
  threshold: z.number().min(0).max(1),
  method: z.enum(['f1', 'youden']),
  /** Validation AUC and its bootstrap interval (the test split is never read here). */
  validation: z.object({ n: z.number().int().nonnegative(), auc: z.number().nullable(), low: z.number().nullable(), high: z.number().nullable() }),
});

/** The manifest block of a fusion package. */
export const fusionSchema = z.object({
  version: z.literal(1),
  /** The ECG-only package whose calibrated probability's logit is the first feature. */
  baseModel: z.object({ id: z.string(), name: z.string(), weightsSha256: z.string() }),
  /** Item features after the ECG logit, in weight order. */
  items: z.array(z.enum(fusionItemFeatures)).min(1),
  fused: calibratedSchema,
  pretest: calibratedSchema,
  /**
   * The seed of the bootstrap behind both validation AUC intervals and the package's validation
   * figures (`ecg pe-fuse --seed`): they are reproducible only with it. Absent in packages fused
   * before it was recorded, whose seed was always 20.
   */
  seed: z.number().int().min(0).optional(),
  /** Rows used: records of the split that had every item the model needs. */
  rows: z.object({ train: z.number().int().nonnegative(), val: z.number().int().nonnegative(), trainSkipped: z.number().int().nonnegative(), valSkipped: z.number().int().nonnegative() }),
  /** Why this exists and what it is not: shown with every fused probability. */
  notice: z.string(),
});
export type FusionBlock = z.infer<typeof fusionSchema>;
type Calibrated = FusionBlock['fused'];

/** The item features of one record, or the items it lacks. */
export function itemFeatures(items: PeItems, wanted: readonly FusionItemFeature[]): { values: number[] } | { missing: string[] } {
  const values: number[] = [];
  const missing: string[] = [];
  for (const feature of wanted) {
    if (feature === 'tachycardia') {
      if (items.heartRateBpm === undefined) missing.push('heartRateBpm');
      else values.push(items.heartRateBpm > 100 ? 1 : 0);
    } else if (feature === 'log10DDimer') {
      if (items.dDimerNgMlFeu === undefined) missing.push('dDimerNgMlFeu');
      else values.push(Math.log10(Math.max(items.dDimerNgMlFeu, 10)));
    } else {
      const v = items[feature];
      if (v === undefined) missing.push(feature);
      else values.push(v ? 1 : 0);
    }
  }
  return missing.length > 0 ? { missing } : { values };
}

/** Logit of a calibrated probability, clipped so 0 and 1 stay finite. */
export function logitOf(probability: number): number {
  const p = Math.min(1 - 1e-6, Math.max(1e-6, probability));
  return Math.log(p / (1 - p));
}

function calibratedProbability(calibrated: Calibrated, x: readonly number[]): number {
  const z = logisticLogit(calibrated.model as LogisticModel, x) / calibrated.temperature;
  return 1 / (1 + Math.exp(-z));
}

/** What the fusion block says about one record. */
export type FusionOutcome =
  | { readonly ok: true; readonly pretest: number; readonly fused: number; readonly pretestDecision: boolean; readonly fusedDecision: boolean }
  | { readonly ok: false; readonly missing: string[]; readonly reason: string };

/**
 * How far (in training standard deviations) the ECG logit may lie from the training records'
 * before the fusion refuses to extrapolate: a logistic model far outside the data it was fitted
 * on gives a confident number it has no evidence for.
 */
export const fusionEcgRangeSd = 6;

/** The score-based pre-test probability and the fused probability of a record, from its ECG probability and items. */
export function applyFusion(block: FusionBlock, ecgProbability: number, items: PeItems): FusionOutcome {
  const features = itemFeatures(items, block.items);
  if ('missing' in features) return { ok: false, missing: features.missing, reason: `items not assessed: ${features.missing.join(', ')}` };
  const ecgLogit = logitOf(ecgProbability);
  const mean = block.fused.model.mean[0] ?? 0;
  const sd = block.fused.model.std[0] ?? 1;
  if (Math.abs(ecgLogit - mean) > fusionEcgRangeSd * sd) {
    return { ok: false, missing: [], reason: `the ECG probability ${ecgProbability.toFixed(3)} lies outside what the fusion model was fitted on (more than ${fusionEcgRangeSd} SD from its training records'): no fused number` };
  }
  const pretest = calibratedProbability(block.pretest, features.values);
  const fused = calibratedProbability(block.fused, [ecgLogit, ...features.values]);
  return { ok: true, pretest, fused, pretestDecision: pretest > block.pretest.threshold, fusedDecision: fused > block.fused.threshold };
}

/** One probability as the PE panel and `ecg predict` show it: never without the model and operating point that produced it. */
export interface ShownProbability {
  readonly probability: number;
  readonly modelId: string;
  readonly modelName: string;
  readonly threshold: number;
  readonly method: string;
  readonly temperature: number;
  readonly calibrationNote?: string;
  readonly decision: boolean;
}

/** A fusion package: its id and name, and its block. */
export interface FusionModel {
  readonly id: string;
  readonly name: string;
  readonly block: FusionBlock;
}

/**
 * The pre-test and fused probabilities of a record, each labelled with the fusion package and
 * the operating point it was tuned at (not the ECG network's): what the app's PE panel and
 * `ecg predict --pe-items` both show.
 */
export function fusedProbabilities(fusion: FusionModel, ecgProbability: number, items: PeItems): { readonly ok: true; readonly pretest: ShownProbability; readonly fused: ShownProbability } | { readonly ok: false; readonly reason: string } {
  const outcome = applyFusion(fusion.block, ecgProbability, items);
  if (!outcome.ok) return { ok: false, reason: outcome.reason };
  const shown = (probability: number, c: Calibrated, decision: boolean): ShownProbability => ({ probability, modelId: fusion.id, modelName: fusion.name, threshold: c.threshold, method: c.method, temperature: c.temperature, ...(c.calibrationNote ? { calibrationNote: c.calibrationNote } : {}), decision });
  return { ok: true, pretest: shown(outcome.pretest, fusion.block.pretest, outcome.pretestDecision), fused: shown(outcome.fused, fusion.block.fused, outcome.fusedDecision) };
}

/** What each doubt says of the D-dimer `value` (ng/mL FEU), after "is not to be relied on: ". */
function doubtText(doubt: DdimerDoubt, value: number): string {
  const { min, max, unit } = peNumberRanges.dDimerNgMlFeu;
  if (doubt === 'below floor') return `it is below ${min} ${unit}, which is not plausible (likely mg/L FEU typed as ng/mL)`;
  if (doubt === 'above ceiling') return `it is above ${max} ${unit}, which is not plausible (likely ng/mL typed as mg/L FEU)`;
  return `its unit was not confirmed (${value} mg/L FEU typed as ng/mL would be ${ngMlFromMgL(value)} ${unit})`;
}

/**
 * Why a stored score entry is not fused by this fusion: it reads the D-dimer (log10DDimer, in the
 * fused and the pre-test regressions alike), and the entry's D-dimer is one the app flags
 * (dDimerDoubt: stored before the floor, the ceiling or the unit confirmation). 24 mg/L FEU stored
 * as 24 ng/mL would make both probabilities falsely low, and a number is read whatever caveat
 * stands beside it, so none is given. The text names the package and says it reads the D-dimer:
 * a fusion that does not read it fuses the same entry, and a clinician who saw its figures beside
 * this record would otherwise not know why this one gives none. Null when the fusion does not read
 * the D-dimer, or the entry's is to be taken. For stored entries only: the labels CSV and
 * --pe-items refuse such values on reading, and a CSV row's unit confirmation is not kept in its items.
 */
export function doubtedDdimerReason(fusion: { readonly name: string; readonly block: Pick<FusionBlock, 'items'> }, items: PeItems): string | null {
  if (!fusion.block.items.includes('log10DDimer')) return null;
  const doubt = dDimerDoubt(items);
  const value = items.dDimerNgMlFeu;
  if (doubt === null || value === undefined) return null;
  const entered = `the score entry's D-dimer (${value} ${peNumberRanges.dDimerNgMlFeu.unit}) is not to be relied on: ${doubtText(doubt, value)}`;
  return `withheld because ${fusion.name} reads the D-dimer (one of its inputs), and ${entered}. Correct the entry; a fusion model that does not read the D-dimer still gives its figures from this entry`;
}

/**
 * The fusion's own operating point, in the shape of a package's: the manifest's top-level one is
 * its ECG network's (the fusion was fitted on that network's calibrated probabilities), so a
 * figure of the fusion is never reported at it.
 */
export function fusedOperatingPoint(block: FusionBlock): OperatingPoint {
  const { method, threshold, temperature, calibrationNote } = block.fused;
  return { method, thresholds: [threshold], temperature, ...(calibrationNote ? { calibrationNote } : {}) };
}

/** A fusion package as its refusals name it: its own name, and its base (its ECG network). */
interface FusionNamed {
  readonly name: string;
  readonly fusion?: { readonly baseModel: { readonly id: string; readonly name: string } } | undefined;
}

/**
 * Why a fusion package cannot be used as asked, and the one advice every such refusal ends with
 * (a prediction, a comparison, a fine-tuning, an evaluation without score items): where each of
 * its numbers comes from. `need` says what this use lacks ("its number needs those items").
 * A channel that takes a path drops every quoted excerpt from its errors (errors.ts
 * `withoutFileContent`): keep this text free of quotes so it reaches the app whole.
 */
export function fusionRefusalText(manifest: FusionNamed & Required<Pick<FusionNamed, 'fusion'>>, need: string): string {
  const { name, id } = manifest.fusion.baseModel;
  return (
    `${manifest.name} is a fusion of the ECG model ${name} (${id}) with clinical score items: ${need}. For the ECG alone use ${name}; ` +
    `the fused probability is in the PE panel of a record once its score items are entered; the fusion is evaluated against its network and each score on a labels CSV with the items ` +
    `(the comparison with the clinical scores on its Models card, or ecg evaluate --model ${manifest.name})`
  );
}

/**
 * A fusion package run, compared or fine-tuned as a plain model gives (or starts from) its ECG
 * network's outputs, at the network's operating point, under the fusion's own name and id:
 * stored or reported so, they would claim the fusion's figures. One refusal, with the same advice
 * wherever it is met, so the reader learns one way to each number.
 */
export function refuseFusionAsPlainModel(manifest: FusionNamed): void {
  if (!manifest.fusion) return;
  throw new EinthovenError('E_VALIDATION', fusionRefusalText({ ...manifest, fusion: manifest.fusion }, 'its number needs those items'));
}
