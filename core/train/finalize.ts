import type * as tf from '@tensorflow/tfjs';
import type { Interval } from '../ml/metrics/index';
import { calibrationTemperature, probabilities } from './calibration';
import type { TrainConfig } from './config';
import type { OperatingPoint } from './package/manifest';
import { scoreWithCi, type ScoredMetrics } from './scores';
import { operatingThresholds } from './thresholds';

/** Calibration and decision thresholds fitted on validation, with the validation metrics they give. */
export interface Calibrated {
  readonly operatingPoint: OperatingPoint;
  readonly metrics: ScoredMetrics;
  readonly ci: Record<string, Interval>;
}

export { bootstrapResamples, scoreWithCi, type ScoredMetrics } from './scores';

/** Patient ids of records, or undefined unless every record has one (a partial grouping would mix units). */
export function patientIdsOf(items: readonly { readonly id: string; readonly patientId?: string }[], ids: readonly string[]): string[] | undefined {
  const byId = new Map(items.map((i) => [i.id, i.patientId]));
  const patients = ids.map((id) => byId.get(id));
  return patients.every((p): p is string => p !== undefined) ? patients : undefined;
}

/**
 * Fits the temperature (Guo et al.) on validation logits, then per-class thresholds on the
 * calibrated validation probabilities (F1-optimal, Youden, or the paper's fixed 0.5); a tuned
 * threshold is given only to a class whose validation scores show discrimination, the others are
 * never flagged (thresholds.ts `operatingThresholds`). A temperature the validation rows cannot
 * determine is not applied, and the operating point says why (calibration.ts
 * `calibrationTemperature`).
 */
export function calibrateOnValidation(valLogits: number[][], valLabels: number[][], classes: readonly string[], config: TrainConfig, patients?: readonly string[]): Calibrated {
  const { temperature, note } = config.calibrate ? calibrationTemperature(valLabels, valLogits) : { temperature: 1, note: undefined };
  const probs = probabilities(valLogits, temperature);
  const method = config.thresholds;
  const thresholds = method === 'fixed' ? classes.map(() => 0.5) : operatingThresholds(valLabels, probs, method);
  const operatingPoint = { method, thresholds, temperature, ...(note ? { calibrationNote: note } : {}) };
  return { operatingPoint, ...scoreWithCi(valLabels, probs, classes, thresholds, config.seed, patients, { paperExact: config.paperExact }) };
}

/** Deep copy with every non-finite number replaced by null (JSON has no NaN; a metric can be undefined). */
export function jsonSafe<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))) as T;
}

/** Copies every weight of `from` into `to` except the output layer's (`logits`). Returns how many tensors moved. */
export function copyTrunkWeights(from: tf.LayersModel, to: tf.LayersModel): number {
  if (from.layers.length !== to.layers.length) return 0;
  let copied = 0;
  to.layers.forEach((layer, i) => {
    const source = from.layers[i];
    if (layer.name === 'logits' || layer.weights.length === 0 || !source || source.getClassName() !== layer.getClassName()) return;
    layer.setWeights(source.getWeights());
    copied += layer.weights.length;
  });
  return copied;
}
