/**
 * How model outputs are worded on screen. Pure functions, so the wording medical honesty depends
 * on (which operating point, what a PE output may claim) is unit-tested.
 */
import type { PeProbabilities } from '../../../../core/contract/pe-schemas';
import { isNeverFlagged, operatingPointMethodText, rateIntervalWords, type Evaluated, type ModelSummary } from '../../../../core/contract/training-schemas';
import { classOutcome, unvalidatedFlagText, unvalidatedReason, type ClassOutcome } from './locked-test-support';

/** Headline metrics in the order the models view lists them, with their on-screen names. */
export const headlineMetrics = [
  ['aucMacro', 'Macro AUC'],
  ['f1Macro', 'Macro F1'],
  ['mapMacro', 'Macro average precision'],
  ['gmean', 'G-mean'],
  ['accuracy', 'Accuracy (per label)'],
  ['subsetAccuracy', 'Exact-match accuracy'],
] as const;

interface OperatingPointShown {
  readonly method: string;
  readonly target?: number | undefined;
  readonly temperature: number;
  readonly calibrationNote?: string | undefined;
  /** Per class; a class at `neverFlaggedThreshold` showed no discrimination on validation. */
  readonly thresholds?: Readonly<Record<string, number>>;
}

/**
 * "F1-optimal thresholds tuned on validation · temperature 1.70" (temperature 1 = uncalibrated),
 * with the reason when the validation rows could not determine the temperature. Classes left
 * without a threshold are counted, and a model none of whose classes discriminated says so
 * instead of naming a tuning that chose nothing.
 */
export function operatingPointLabel(point: OperatingPointShown): string {
  const calibration = Math.abs(point.temperature - 1) < 1e-9 ? 'no temperature scaling' : `temperature ${point.temperature.toFixed(2)}`;
  return `${thresholdsLabel(point)} · ${calibration}${point.calibrationNote ? ` (${point.calibrationNote})` : ''}`;
}

function thresholdsLabel(point: OperatingPointShown): string {
  const method = operatingPointMethodText(point);
  const thresholds = Object.values(point.thresholds ?? {});
  const never = thresholds.filter(isNeverFlagged).length;
  if (never === 0) return method;
  if (never === thresholds.length) return 'no thresholds: no class discriminated on validation, none is ever flagged';
  return `${method}; ${never} of ${thresholds.length} classes never flagged (no discrimination on validation)`;
}

/**
 * What the intervals over a model's figures (MetricsTable) are, in the words `ecg evaluate`'s help
 * and `ecg operating-point` use (rateIntervalWords): the bootstrap alone has no width at 0 or 100 %
 * or at AUC 1, so no header may call them bootstrap intervals without saying they are widened.
 * Stored figures keep no patient ids: those stored before patients were counted are widened
 * where read on records, so the header says that too.
 */
export const metricsIntervalWords = `95 % intervals: bootstrap (a macro AUC's widened by the variance its classes' bootstraps lacked); a class's AUC the wider of that and Newcombe's on its positives and negatives, its sensitivity, specificity, PPV and NPV ${rateIntervalWords}; figures stored before patients were counted, on records`;

/** A probability or rate as a percentage with one decimal; "—" where undefined (e.g. no positives). */
export function percent(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : `${(value * 100).toFixed(1)} %`;
}

/**
 * A model's probability as a percentage. Never "100.0 %" or "0.0 %": a calibrated model is never
 * certain, and rounding must not make it look so ("> 99.9 %", "< 0.1 %").
 */
export function probabilityText(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (value > 0.999) return '> 99.9 %';
  if (value < 0.001) return '< 0.1 %';
  return `${(value * 100).toFixed(1)} %`;
}

/** A class's decision threshold; a class that is never flagged says so rather than "> 99.9 %". */
export function thresholdText(value: number | null | undefined): string {
  return isNeverFlagged(value) ? 'none: no discrimination on validation, never flagged' : probabilityText(value);
}

/** A rate with its 95 % interval: "85.7 % (42.1–99.6)"; the interval left out when unknown. */
export function rateWithInterval(value: number | null | undefined, ci?: { readonly low: number | null; readonly high: number | null }): string {
  const shown = percent(value);
  if (shown === '—' || !ci || ci.low === null || ci.high === null || !Number.isFinite(ci.low) || !Number.isFinite(ci.high)) return shown;
  return `${shown} (${(ci.low * 100).toFixed(1)}–${(ci.high * 100).toFixed(1)})`;
}

/** The labels every figure on screen carries: which split it comes from and what that means. */
export const splitLabels = {
  test: 'Locked test split — read once, after every choice was made',
  validation: 'Validation — used to choose thresholds, optimistic',
  none: 'No locked-test evaluation: this model\'s quality on unseen records is unknown',
} as const;

/** A metric in [0, 1] with three decimals and its interval: "0.812 (0.701–0.903)". */
export function metricWithInterval(value: number | null | undefined, ci?: { readonly low: number | null; readonly high: number | null }): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const shown = value.toFixed(3);
  if (!ci || ci.low === null || ci.high === null) return shown;
  return `${shown} (${ci.low.toFixed(3)}–${ci.high.toFixed(3)})`;
}

/**
 * What a model's id is, for a tooltip: the one identifier shown for a model wherever one is (the
 * viewer, the PE panel, the history, the print, the model card) and the one `ecg predict` and
 * `ecg model inspect` print, so the screen and the CLI can be compared. The weights'
 * SHA-256 was shown as the version here while the CLI printed the id: two hashes for one model.
 */
export const modelIdMeaning = "the model's id: its name and the first 12 hex digits of its package's seal, as ecg predict prints it";

/**
 * What follows an abstention's headline ("No prediction: …"), as a sentence of its own: the
 * scope's reasons (the headline already says the record is outside what the model is for, so
 * not the engine's own prefix again), else the engine's reason. Both are composed lower-case
 * to be joined into other text; after a full stop they begin with a capital.
 */
export function abstentionDetail(p: { readonly scope: { readonly reasons: readonly string[] }; readonly reason?: string | null }): string {
  const text = p.scope.reasons.length > 0 ? p.scope.reasons.join('; ') : (p.reason ?? '');
  const trimmed = text.trim().replace(/\.$/, '');
  if (!trimmed) return '';
  return `${trimmed.charAt(0).toUpperCase()}${trimmed.slice(1)}.`;
}

/**
 * A pulmonary-embolism output: the PE-HSM layout's class 'PE', or a class naming embolism. For
 * these, ECG alone is weak evidence (product.md §3): the UI shows the calibrated probability
 * with a caveat and never a binary "PE".
 */
export function isPulmonaryEmbolismClass(name: string): boolean {
  return /^pe$/i.test(name.trim()) || /embol/i.test(name);
}

export function isPulmonaryEmbolismModel(classes: readonly string[]): boolean {
  return classes.some(isPulmonaryEmbolismClass);
}

/**
 * What the decision at the operating point says for one class. A class without a threshold made
 * no decision: "not flagged" or "below threshold" would read as a negative finding it never made.
 */
export function decisionText(className: string, flagged: boolean, threshold?: number | null): string {
  const pe = isPulmonaryEmbolismClass(className);
  if (isNeverFlagged(threshold)) return pe ? noDecisionText.pe : noDecisionText.other;
  if (pe) return flagged ? 'above threshold: consider further evaluation' : 'below threshold: does not rule out PE';
  return flagged ? 'flagged' : 'not flagged';
}

const noDecisionText = {
  pe: 'no decision: the model did not discriminate PE on validation; neither suggests nor rules out PE',
  other: 'no decision: never flagged (no discrimination on validation)',
} as const;

/** Which model produced a stored prediction, as screen lists and paper name it: its id ("name@seal", as the CLI prints it), a demonstration model said so. */
export function predictionModelText(p: { readonly model: { readonly id: string; readonly demonstration: boolean } }): string {
  return `${p.model.id}${p.model.demonstration ? ' (demonstration model)' : ''}`;
}

/**
 * A stored prediction's outcome in a few words (the history list). Classes are grouped as the
 * printed AI line groups them (locked-test-support.ts `classOutcome`): a flag the model's locked
 * test never backed is qualified as the viewer's table qualifies it, never listed as a plain
 * "flagged"; classes without a threshold are not counted as negatives. `lockedTest`: the
 * producing model's locked-test figures, when it is still installed.
 */
export function predictionOutcomeText(
  p: { readonly abstained: boolean; readonly classes: readonly string[]; readonly decisions: Readonly<Record<string, boolean>> | null; readonly operatingPoint: { readonly thresholds: Readonly<Record<string, number>> }; readonly outsideIntendedUse?: string },
  name: (className: string) => string,
  lockedTest?: Evaluated | null,
): string {
  if (p.abstained) return 'abstained';
  // No decision either where the probability is withheld (the PE score entry's age): the row says why, as the result does.
  if (p.outsideIntendedUse) return `no probability: ${p.outsideIntendedUse}`;
  const outcomes = p.classes.map((c) => [c, classOutcome(p, c, lockedTest)] as const);
  const of = (wanted: ClassOutcome) => outcomes.filter(([, o]) => o === wanted).map(([c]) => c);
  const [flagged, doubtful, undecided] = [of('flagged'), of('unvalidated'), of('none')];
  if (undecided.length === p.classes.length) return 'no decision: no class discriminated on validation';
  const parts = [
    flagged.length > 0 ? `flagged: ${flagged.map(name).join(', ')}` : doubtful.length === 0 ? 'nothing flagged' : '',
    doubtful.length > 0 ? `${unvalidatedFlagText}: ${doubtful.map((c) => `${name(c)} (${unvalidatedReason(lockedTest, c) ?? ''})`).join(', ')}` : '',
  ];
  const without = undecided.length > 0 ? ` (${undecided.length} of ${p.classes.length} classes without a threshold)` : '';
  return `${parts.filter((x) => x).join('; ')}${without}`;
}

/** The PE panel's decision cell: any of its three probabilities (ECG, pre-test, fused) may lack a threshold. */
export function peDecisionText(decision: boolean, threshold: number): string {
  if (isNeverFlagged(threshold)) return noDecisionText.pe;
  return decision ? 'above threshold' : 'below threshold';
}

/**
 * The PE panel's row for a score-based pre-test or fused probability the engine did not give:
 * why, after the fusion package that gave none, as a row with a figure names the model that
 * produced it and the printed page names the package (peProbabilitiesLine). Without a package
 * installed the engine's reason already says there is none (and how to build one).
 */
export function peAbsentText(shown: Pick<PeProbabilities, 'fusionModel' | 'fusionUnavailable'>): string {
  if (!shown.fusionModel) return shown.fusionUnavailable ?? '—';
  return `no probability from ${shown.fusionModel.name}: ${shown.fusionUnavailable ?? 'no reason given'}`;
}

/** "2 min 05 s", "45 s"; "—" before the first estimate. */
export function duration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/**
 * How a record reached the model, in words: the resampling (so a 500 Hz tracing read by a 100 Hz
 * model is never a surprise) and which part of the record was scored.
 */
export function modelInputText(recordHz: number, input: ModelSummary['input']): string {
  const rate = input.rateHz === null || input.rateHz === recordHz ? `read at ${recordHz} Hz` : `resampled from ${recordHz} Hz to the model's ${input.rateHz} Hz`;
  if (input.windowSeconds === null) return `Input: ${rate}.`;
  const seconds = Number(input.windowSeconds.toFixed(1));
  const covered = input.mode === 'windows' ? `${seconds} s windows across the whole record, ${input.aggregate} of their outputs` : `the central ${seconds} s of the record`;
  return `Input: ${rate}; ${covered}${longRecordText(input, seconds)}.`;
}

/** What happens to a record longer than the model's padded length (packages say so since whole-record inference). */
function longRecordText(input: ModelSummary['input'], seconds: number): string {
  if (!input.longRecords || !input.paddedSeconds) return '';
  const padded = Number(input.paddedSeconds.toFixed(1));
  if (input.longRecords === 'truncated') return `; a record longer than ${padded} s is read only in its first ${padded} s`;
  return input.mode === 'windows' ? '' : `; a record longer than ${padded} s is read by ${seconds} s windows across its whole length, ${input.aggregate} of their outputs`;
}

/** "sliding windows (mean, stride 125)" or "centre crop": how a model reads a record. */
export function inferenceText(inference: { readonly mode: 'centre' | 'windows'; readonly aggregate: 'mean' | 'max'; readonly stride?: number | undefined }): string {
  return inference.mode === 'centre' ? 'centre crop' : `sliding windows (${inference.aggregate}${inference.stride ? `, stride ${inference.stride}` : ''})`;
}

/** Null when a fine-tuned model reads records as its base did; else what differs, in words. */
export function inferenceDiffers(
  model: { readonly mode: 'centre' | 'windows'; readonly aggregate: 'mean' | 'max'; readonly stride?: number | undefined },
  base: { readonly mode: 'centre' | 'windows'; readonly aggregate: 'mean' | 'max'; readonly stride?: number | undefined } | undefined,
): string | null {
  if (!base) return null;
  const same = model.mode === base.mode && (model.mode === 'centre' || (model.aggregate === base.aggregate && (model.stride ?? null) === (base.stride ?? null)));
  return same ? null : `reads records differently from its base: ${inferenceText(model)} here, ${inferenceText(base)} in the base`;
}
