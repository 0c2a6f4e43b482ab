import type * as tf from '@tensorflow/tfjs';
import { metricsIntervals, metricsReport, type Interval, type MetricsReport } from '../ml/metrics/index';
import { fitTemperature, probabilities } from './calibration';
import type { TrainConfig } from './config';
import { tuneThresholds } from './thresholds';

/** Calibration and decision thresholds fitted on validation, with the validation metrics they give. */
export interface Calibrated {
  readonly temperature: number;
  readonly thresholds: number[];
  readonly metrics: MetricsReport;
  readonly ci: Record<string, Interval>;
}

/** Fits the temperature (if configured) and per-class thresholds on validation logits. */
export function calibrateOnValidation(valLogits: number[][], valLabels: number[][], classes: readonly string[], config: TrainConfig): Calibrated {
  const temperature = config.calibrate ? fitTemperature(valLabels, valLogits) : 1;
  const probs = probabilities(valLogits, temperature);
  const thresholds = config.thresholds === 'fixed' ? classes.map(() => 0.5) : tuneThresholds(valLabels, probs, config.thresholds);
  const options = { classes, thresholds, binaryAsTwoClasses: false };
  return {
    temperature,
    thresholds,
    metrics: metricsReport(valLabels, probs, options),
    ci: metricsIntervals(valLabels, probs, { ...options, bootstrap: { resamples: 500, seed: config.seed } }),
  };
}

/** Copies every weight of `from` into `to` except the output layer's (`logits`). Returns how many tensors moved. */
export function copyTrunkWeights(from: tf.LayersModel, to: tf.LayersModel): number {
  let copied = 0;
  for (const layer of to.layers) {
    if (layer.name === 'logits' || layer.weights.length === 0) continue;
    const source = from.layers[to.layers.indexOf(layer)];
    if (!source || source.getClassName() !== layer.getClassName()) continue;
    layer.setWeights(source.getWeights());
    copied += layer.weights.length;
  }
  return copied;
}
