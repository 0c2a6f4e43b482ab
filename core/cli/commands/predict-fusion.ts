import { PeItemsSchema, type PeItems } from '../../contract/pe-schemas';
import { isNeverFlagged, operatingPointMethodText, temperatureText, thresholdText } from '../../contract/training-schemas';
import { EinthovenError } from '../../errors';
import type { ModelManifest } from '../../train/package/manifest';
import { fusedProbabilities, type FusionModel, type ShownProbability } from '../../train/pe/fusion';
import { withheldBecause, type AgeRange } from '../../train/pe/intended-age';
import type { Prediction } from '../../train/predictor';
import { textColumn } from '../text-column';

/**
 * `ecg predict` on a PE fusion package. The package's network and its operating point are its
 * base ECG model's, so what the predictor returns is the ECG part: it is shown under the base's
 * id, never the fusion's, and the fused number comes from the same code as the app's PE panel,
 * at the fusion's own operating point, when the score items are given.
 */

export const itemsNeededText = `a fusion model needs the clinical score items: enter them in the app's PE panel, or give --pe-items '{"dvtSigns":false,"peMostLikely":true,"heartRateBpm":110,…}'`;

/** The fusion's half of a prediction: the fused and score-only probabilities, or why there are none. */
export interface FusionPart {
  readonly model: { readonly id: string; readonly name: string };
  readonly fused: ShownProbability | null;
  readonly pretest: ShownProbability | null;
  readonly unavailable: string | null;
  readonly notice: string;
}

/** The fusion package of a manifest, if it is one. */
export function fusionModelOf(manifest: ModelManifest): FusionModel | undefined {
  return manifest.fusion ? { id: manifest.id, name: manifest.name, block: manifest.fusion } : undefined;
}

/** `--pe-items JSON`: one patient's score items, checked as the app's form checks them. */
export function peItemsFrom(text: string | undefined): PeItems | undefined {
  if (text === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new EinthovenError('E_VALIDATION', `--pe-items must be a JSON object of score items, e.g. '{"dvtSigns":false,"heartRateBpm":88}'`);
  }
  const parsed = PeItemsSchema.safeParse(raw);
  if (!parsed.success) throw new EinthovenError('E_VALIDATION', `--pe-items: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'items'}: ${i.message}`).join('; ')}`);
  return Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) as PeItems;
}

/**
 * Splits a fusion package's prediction into the ECG part (under its base's id) and the fusion's part. Where the
 * items give an age outside the ECG model's intended ages (`intendedAges`, the package's: a fusion keeps its base's),
 * neither part has a number and `outsideIntendedUse` says why, in the app's words (withheldBecause): the file
 * states no age, so the model let the ECG through, and its probability would read as if the model were for them.
 */
export function splitFusionPrediction(
  prediction: Prediction,
  fusion: FusionModel,
  items: PeItems | undefined,
  intendedAges: AgeRange,
): { readonly ecg: Prediction; readonly fusion: FusionPart; readonly outsideIntendedUse?: string } {
  const base = fusion.block.baseModel;
  const ecg: Prediction = { ...prediction, model: { ...prediction.model, id: base.id, name: base.name } };
  const part = (fields: Pick<FusionPart, 'fused' | 'pretest' | 'unavailable'>): FusionPart => ({ model: { id: fusion.id, name: fusion.name }, ...fields, notice: fusion.block.notice });
  const probability = Object.values(prediction.probabilities ?? {})[0];
  if (prediction.abstained || probability === undefined) return { ecg, fusion: part({ fused: null, pretest: null, unavailable: 'the ECG model abstained: no ECG probability to fuse' }) };
  const outside = items?.ageYears === undefined ? null : withheldBecause(ecg.model, items.ageYears, intendedAges);
  if (outside) return { ecg: { ...ecg, probabilities: null, decisions: null }, fusion: part({ fused: null, pretest: null, unavailable: outside }), outsideIntendedUse: outside };
  if (!items) return { ecg, fusion: part({ fused: null, pretest: null, unavailable: itemsNeededText }) };
  const outcome = fusedProbabilities(fusion, probability, items);
  if (!outcome.ok) return { ecg, fusion: part({ fused: null, pretest: null, unavailable: outcome.reason }) };
  return { ecg, fusion: part({ fused: outcome.fused, pretest: outcome.pretest, unavailable: null }) };
}

/**
 * One probability with its operating point. A threshold of 1 is no threshold (no discrimination
 * on validation): said as the ECG line and evaluate say it, where 'threshold 1.000' beside a
 * tuning method read as a threshold the tuning chose.
 */
function shownText(label: string, p: ShownProbability, probabilityText: (p: number) => string): string {
  const rule = isNeverFlagged(p.threshold) ? thresholdText(p.threshold) : `${operatingPointMethodText(p)}, ${thresholdText(p.threshold)}`;
  return `  ${label}: ${probabilityText(p.probability)}${p.decision ? '*' : ''}   (${textColumn(p.modelId)}, ${rule}, ${textColumn(temperatureText(p, 'T'))})`;
}

/** The fusion's lines under the ECG part's line. */
export function fusionPartLines(part: FusionPart, probabilityText: (p: number) => string): string[] {
  if (!part.fused || !part.pretest) return [`  fused (${textColumn(part.model.id)}): none — ${textColumn(part.unavailable ?? 'no fused probability')}`];
  return [shownText('fused ECG + score items', part.fused, probabilityText), shownText('pre-test from the score items alone', part.pretest, probabilityText)];
}
