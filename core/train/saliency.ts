import * as tf from '@tensorflow/tfjs';
import { EinthovenError } from '../errors';
import { canonicalLeads } from '../formats/record';
import { buildPipeline, cropAt, windowStarts, type LeadSignal, type Pipeline } from '../signal/pipeline';
import type { PredictionInput } from './predictor';

/**
 * Where on the tracing a prediction came from (issue 12 item 6): integrated gradients
 * (Sundararajan et al. 2017) of one class's logit with respect to the model's input, over time
 * and lead. Why integrated gradients rather than Grad-CAM: Grad-CAM weighs the last
 * convolutional block's channels, whose time axis is 8–32× coarser than the input and which mix
 * all 12 leads into each channel, so it cannot say *which lead* mattered; it also needs a
 * convolutional block, which the Transformer and the CRNNs' recurrent tails do not end with.
 * Integrated gradients works for every architecture in the zoo, at the input's own resolution
 * (time × lead), satisfies completeness (attributions sum to f(x) − f(baseline)), and needs
 * only gradients, so it runs on every tfjs backend (cpu, wasm, WebGPU, native).
 */
export interface Saliency {
  readonly className: string;
  readonly method: 'integrated-gradients';
  /** Riemann steps of the path integral (midpoint rule) and the baseline: a flat zero signal after preprocessing. */
  readonly steps: number;
  readonly baseline: 'zero';
  /** Leads, in map order. */
  readonly leads: string[];
  /** Time axis: bin width in seconds from the record's start, and the record's duration covered. */
  readonly binSeconds: number;
  readonly seconds: number;
  /** |attribution| per lead × time bin, scaled so the largest bin is 1. */
  readonly map: number[][];
  /** Each lead's share of the total |attribution| (sums to 1). */
  readonly perLead: number[];
  /** Which windows were explained (the model's inference mode), as start times in seconds. */
  readonly windowStarts: number[];
}

/** What explaining needs of a package: its model, pipeline, classes and inference mode. */
export interface Explainable {
  readonly model: tf.LayersModel;
  readonly pipeline: Pipeline;
  readonly classes: readonly string[];
  readonly inference: { readonly mode: 'centre' | 'windows'; readonly stride?: number | undefined };
}

/**
 * Integrated gradients of the logit of `classIndex` for one model input (leads × samples), from
 * a zero baseline, `steps` midpoint-rule steps evaluated `batch` at a time. Returns leads × samples.
 */
export async function integratedGradients(model: tf.LayersModel, input: readonly Float32Array[], classIndex: number, steps = 32, batch = 8): Promise<Float32Array[]> {
  const leads = input.length;
  const length = input[0]?.length ?? 0;
  const x = new Float32Array(length * leads);
  input.forEach((lead, l) => lead.forEach((v, t) => (x[t * leads + l] = v)));
  const total = new Float64Array(length * leads);
  const logit = (inputs: tf.Tensor) => (model.apply(inputs, { training: false }) as tf.Tensor).slice([0, classIndex], [-1, 1]).sum();
  const gradient = tf.grad(logit);
  for (let from = 0; from < steps; from += batch) {
    const count = Math.min(batch, steps - from);
    const summed = tf.tidy(() => {
      const alphas = tf.tensor1d(Array.from({ length: count }, (_, k) => (from + k + 0.5) / steps)).reshape([count, 1, 1]);
      const path = tf.tensor3d(x, [1, length, leads]).mul(alphas);
      return gradient(path).sum(0);
    });
    // Read asynchronously: a GPU backend has no synchronous read.
    const grads = (await summed.data().finally(() => summed.dispose())) as Float32Array;
    for (let i = 0; i < grads.length; i++) total[i] = (total[i] as number) + (grads[i] as number);
  }
  return Array.from({ length: leads }, (_, l) => Float32Array.from({ length }, (_, t) => (x[t * leads + l] as number) * ((total[t * leads + l] as number) / steps)));
}

/** The model's 12 input leads of a record (missing ones as zeros), as the predictor builds them. */
function leadSignal(input: PredictionInput): LeadSignal {
  const byName = new Map(input.leads.map((l) => [l.name.toLowerCase(), l.samples]));
  const n = input.leads[0]?.samples.length ?? 0;
  return { fs: input.fs, signal: canonicalLeads.map((name) => byName.get(name.toLowerCase()) ?? new Float32Array(n)) };
}

/**
 * Integrated-gradients saliency of one class for one record, over the very inputs the prediction
 * scored (centre crop or every sliding window), placed back on the record's time axis (windows
 * overlapping a sample are averaged), binned to `binSeconds`.
 */
export async function explainRecord(target: Explainable, input: PredictionInput, className: string, options: { steps?: number; binSeconds?: number } = {}): Promise<Saliency> {
  const classIndex = target.classes.indexOf(className);
  if (classIndex < 0) throw new EinthovenError('E_VALIDATION', `the model has no class '${className}' (it has ${target.classes.join(', ')})`);
  const steps = options.steps ?? 32;
  const config = target.pipeline.config;
  const cropIndex = config.stages.findIndex((s) => s.kind === 'crop');
  const crop = config.stages[cropIndex];
  if (!crop || crop.kind !== 'crop') throw new EinthovenError('E_MODEL', 'the package has no crop stage: nothing to place the explanation on');
  const signal = leadSignal(input);
  // The record at the model's rate, before the crop (padded or truncated as the pipeline does).
  const before = buildPipeline({ ...config, stages: config.stages.slice(0, cropIndex), augmentation: null }).run(signal, { mode: 'eval' });
  const after = buildPipeline({ ...config, stages: config.stages.slice(cropIndex + 1), augmentation: null, leads: config.leads });
  const n = before.signal[0]?.length ?? 0;
  const starts = target.inference.mode === 'windows' ? windowStarts(n, crop.length, target.inference.stride ?? Math.max(1, Math.floor(crop.length / 2))) : [n <= crop.length ? 0 : Math.floor((n - crop.length) / 2)];
  const sum = config.leads.map(() => new Float64Array(n));
  const count = new Uint16Array(n);
  for (const start of starts) {
    const window = after.run(cropAt(before, start, crop.length), { mode: 'eval' });
    const attribution = await integratedGradients(target.model, window.signal, classIndex, steps);
    attribution.forEach((lead, l) => lead.forEach((v, t) => start + t < n && ((sum[l] as Float64Array)[start + t] = ((sum[l] as Float64Array)[start + t] as number) + Math.abs(v))));
    for (let t = 0; t < crop.length && start + t < n; t++) count[start + t] = (count[start + t] as number) + 1;
  }
  const rate = before.fs;
  const seconds = Math.min(n / rate, (input.leads[0]?.samples.length ?? 0) / input.fs);
  const binSeconds = options.binSeconds ?? 0.04;
  const binSize = Math.max(1, Math.round(binSeconds * rate));
  const bins = Math.max(1, Math.ceil((seconds * rate) / binSize));
  const map = sum.map((lead) =>
    Array.from({ length: bins }, (_, b) => {
      let s = 0;
      for (let t = b * binSize; t < Math.min(n, (b + 1) * binSize); t++) s += (count[t] as number) > 0 ? (lead[t] as number) / (count[t] as number) : 0;
      return s / binSize;
    }),
  );
  const peak = Math.max(...map.flat(), 0);
  const perLeadMass = map.map((lead) => lead.reduce((a, b) => a + b, 0));
  const totalMass = perLeadMass.reduce((a, b) => a + b, 0);
  return {
    className,
    method: 'integrated-gradients',
    steps,
    baseline: 'zero',
    leads: [...config.leads],
    binSeconds: binSize / rate,
    seconds,
    map: map.map((lead) => lead.map((v) => (peak > 0 ? v / peak : 0))),
    perLead: perLeadMass.map((m) => (totalMass > 0 ? m / totalMass : 0)),
    windowStarts: starts.map((s) => s / rate),
  };
}
