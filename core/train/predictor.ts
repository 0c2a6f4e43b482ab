import { canonicalLeads } from '../formats/record';
import { RecordReadings } from '../signal/record-readings';
import type { LeadSignal } from '../signal/pipeline';
import { probabilities } from './calibration';
import type { LoadedPackage } from './package/io';
import { intendedInputOf, operatingPointByClass, type ModelIdentity } from './package/manifest';
import { checkScope, type ScopeVerdict } from './scope';
import { aggregateLogits, logitsOf } from './predict';
import { qualityGate, type QualityGate } from './quality-gate';

/** The minimum a prediction needs from a record: rate and named leads in mV (NaN = missing sample), and the patient's age when the file states it. */
export interface PredictionInput {
  readonly fs: number;
  readonly leads: readonly { readonly name: string; readonly samples: Float32Array }[];
  readonly patient?: { readonly ageYears?: number | undefined } | undefined;
}

/** One record's prediction, exactly what `ecg predict --json` prints (plus the file name). */
export interface Prediction {
  /** Calibrated probabilities per class; null when the model abstained. */
  readonly probabilities: Record<string, number> | null;
  /** probability > threshold per class, at the package's operating point; null when abstained. */
  readonly decisions: Record<string, boolean> | null;
  readonly abstained: boolean;
  /** Why the model abstained (null when it did not). */
  readonly reason: string | null;
  /** Which model and which operating point produced the numbers. */
  readonly model: { readonly id: string; readonly name: string; readonly demonstration: boolean };
  readonly operatingPoint: { readonly method: string; readonly temperature: number; readonly thresholds: Record<string, number>; readonly calibrationNote?: string };
  readonly quality: QualityGate;
  /** Where the record falls outside the model's intended input (then it abstained), and what could not be checked. */
  readonly scope: ScopeVerdict;
  readonly researchUseOnly: true;
}

function modelBlock(identity: ModelIdentity, classes: readonly string[]): Pick<Prediction, 'model' | 'operatingPoint'> {
  return {
    model: { id: identity.id, name: identity.name, demonstration: identity.demonstration },
    operatingPoint: operatingPointByClass(identity.operatingPoint, classes),
  };
}

/** Minimum duration the model needs: its crop length at its own rate. */
function minimumSeconds(loaded: LoadedPackage): number {
  const crop = loaded.manifest.preprocessing.stages.find((s) => s.kind === 'crop');
  const rate = loaded.manifest.preprocessing.stages.find((s) => s.kind === 'resample');
  if (crop?.kind !== 'crop' || rate?.kind !== 'resample') return 0;
  return crop.length / rate.targetHz;
}

/** Half the crop: the stride of a centre-crop model reading a long record by windows (as evaluation). */
function defaultStride(loaded: LoadedPackage): number {
  const crop = loaded.manifest.preprocessing.stages.find((s) => s.kind === 'crop');
  return crop?.kind === 'crop' ? Math.max(1, Math.floor(crop.length / 2)) : 1;
}

/** The 12 model leads in order; null entries for leads the record lacks. */
function modelLeads(input: PredictionInput): (Float32Array | null)[] {
  const byName = new Map(input.leads.map((l) => [l.name.toLowerCase(), l.samples]));
  return canonicalLeads.map((name) => byName.get(name.toLowerCase()) ?? null);
}

/** What a prediction knows of a record before its model runs. */
export interface PredictionGates {
  /** The 12 model leads in order; null entries for leads the record lacks. */
  readonly leads: (Float32Array | null)[];
  readonly quality: QualityGate;
  readonly scope: ScopeVerdict;
}

/**
 * The quality gate (the model's leads) and the scope check (the leads present) of one record. On
 * a record whose leads are the model's, in its order and names, both read the same QRS detection,
 * and under 250 Hz the same lead quality, made once (`readings`): made twice, they took a sixth of
 * a 100 Hz prediction and a ninth of a 500 Hz one (docs/benchmarks.md, "predict-gates").
 */
export function predictionGates(loaded: LoadedPackage, input: PredictionInput, readings: RecordReadings = new RecordReadings()): PredictionGates {
  const leads = modelLeads(input);
  const quality = qualityGate(input, leads, minimumSeconds(loaded), readings);
  const scope = checkScope(input, intendedInputOf(loaded.manifest), readings);
  return { leads, quality, scope };
}

/**
 * Predicts one record with a loaded package: quality gate first (abstain on a record the
 * signal-quality verdict rejects, on missing leads, or on one too short for the model), then
 * the package's pipeline, inference mode (centre crop or windows), temperature and thresholds.
 */
export async function predictRecord(loaded: LoadedPackage, input: PredictionInput): Promise<Prediction> {
  const { manifest } = loaded;
  const classes = manifest.classes;
  const n = input.leads[0]?.samples.length ?? 0;
  const { leads, quality, scope } = predictionGates(loaded, input);
  const base = { ...modelBlock(loaded.identity, classes), quality, scope, researchUseOnly: true as const };
  // Out of scope first: a record the model is not for gets no number, however clean its signal.
  if (scope.reasons.length > 0) return { ...base, probabilities: null, decisions: null, abstained: true, reason: `outside the model's intended input: ${scope.reasons.join('; ')}` };
  if (quality.abstain) return { ...base, probabilities: null, decisions: null, abstained: true, reason: quality.reason };
  const signal: LeadSignal = { fs: input.fs, signal: leads.map((l) => (l ? l : new Float32Array(n))) };
  const inference = manifest.inference;
  const windows = loaded.pipeline.evalInputs(signal, { mode: inference.mode, stride: inference.stride ?? defaultStride(loaded) });
  const logits = await logitsOf(loaded.model, windows.map((w) => w.signal), Math.max(1, windows.length));
  const probs = probabilities([aggregateLogits(logits, inference.aggregate)], manifest.operatingPoint.temperature)[0] as number[];
  return {
    ...base,
    probabilities: Object.fromEntries(classes.map((c, j) => [c, probs[j] as number])),
    decisions: Object.fromEntries(classes.map((c, j) => [c, (probs[j] as number) > (manifest.operatingPoint.thresholds[j] as number)])),
    abstained: false,
    reason: null,
  };
}
