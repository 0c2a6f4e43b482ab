import type * as tf from '@tensorflow/tfjs';
import { SignalStore } from '../../data/store';
import { itemsOf, type Dataset } from '../../data/types';
import { EinthovenError } from '../../errors';
import { calibrationByClass } from '../../ml/metrics/index';
import { probabilities } from '../calibration';
import type { TrainConfig } from '../config';
import { compareWithBase, type BaseComparison } from '../comparison';
import type { LoadedPackage } from '../package/io';
import type { Provenance } from '../package/manifest';
import { recordLogits, type EvalOptions } from '../predict';
import type { JobContext } from '../progress';
import { trainingOverlap } from '../training-overlap';
import { patientIdsOf, type Calibrated } from '../finalize';
import { scoreWithCi } from '../scores';
import type { PreparedData } from './prepare';

/** A fine-tuning needs locked test rows to end with its test evaluation: refused before training otherwise. */
export function assertTestRows(dataset: Dataset): void {
  if (itemsOf(dataset, 'test').length > 0) return;
  throw new EinthovenError('E_VALIDATION', `${dataset.name}: no locked test rows: a fine-tuning ends with its evaluation on them; give some rows split 'test', or a test labels CSV (--test-labels)`);
}

/** How many test records the base model already saw (its training-record filter), in words. */
function overlapOf(base: LoadedPackage, hashes: readonly (string | undefined)[]): BaseComparison['overlap'] {
  const { checked, inTraining, note } = trainingOverlap(base.manifest.name, base.manifest.provenance.trainingRecords, hashes, 'its figures on them are optimistic, and so is the comparison');
  return { checked, inBaseTraining: inTraining, note };
}

/** The base model's probabilities for the fine-tuned classes it also outputs (by name), at its own temperature and thresholds. */
async function baseScores(base: LoadedPackage, store: SignalStore, ids: readonly string[], classes: readonly string[]) {
  const { manifest } = base;
  const stride = manifest.inference.stride ?? Math.max(1, Math.floor((manifest.architecture.buildOptions.inputLength ?? 2) / 2));
  const all = probabilities(await recordLogits(base.model, store, ids, { ...manifest.inference, stride }), manifest.operatingPoint.temperature);
  const columns = classes.map((c) => manifest.classes.indexOf(c));
  return {
    id: manifest.id,
    name: manifest.name,
    probs: all.map((row) => columns.map((k) => (k < 0 ? null : (row[k] as number)))),
    thresholds: columns.map((k) => (k < 0 ? null : (manifest.operatingPoint.thresholds[k] as number))),
  };
}

/**
 * The end of every fine-tuning, once its operating point is fixed: one evaluation on the
 * hospital's locked test rows, the base model on the same records beside it (DeLong's paired
 * interval of each class's AUC difference), and a count of the test records the base model had
 * already seen in training. Nothing here feeds back into the model.
 */
export function closingEvaluation(args: { base: LoadedPackage; model: tf.LayersModel; prepared: PreparedData; config: TrainConfig; evaluation: EvalOptions; context: JobContext }) {
  return async (calibrated: Calibrated): Promise<Pick<Provenance, 'test' | 'comparison'>> => {
    const { base, model, prepared, config, context } = args;
    const { dataset } = prepared;
    const items = itemsOf(dataset, 'test');
    // A cross-validation fold's test rows are its held-out fold, which the progress calls so (its package keeps them under cvFold).
    const rows = dataset.cvFold ? `cross-validation fold ${dataset.cvFold.fold} held out` : 'locked test';
    context.onProgress?.({ kind: 'phase', phase: 'evaluating', message: `${rows}: ${items.length} records, the fine-tuned model and ${base.manifest.name} on the same records` });
    const pipeline = { ...prepared.pipeline, augmentation: null };
    const store = await SignalStore.build(items, { pipeline, ...(context.signal ? { signal: context.signal } : {}) });
    const kept = items.filter((i) => store.has(i.id));
    const ids = kept.map((i) => i.id);
    const labels = kept.map((i) => [...i.labels]);
    const probs = probabilities(await recordLogits(model, store, ids, args.evaluation), calibrated.operatingPoint.temperature);
    const scored = scoreWithCi(labels, probs, dataset.classes, calibrated.operatingPoint.thresholds, config.seed, patientIdsOf(kept, ids), { paperExact: config.paperExact });
    const samePipeline = JSON.stringify(base.manifest.preprocessing) === JSON.stringify(pipeline);
    const baseStore = samePipeline ? store : await SignalStore.build(kept, { pipeline: base.manifest.preprocessing });
    const overlap = overlapOf(base, ids.map((id) => store.contentHash(id)));
    if (overlap.inBaseTraining) context.onProgress?.({ kind: 'phase', phase: 'evaluating', message: `warning: ${overlap.note}` });
    const { comparison } = compareWithBase(dataset.classes, { labels, probs }, await baseScores(base, baseStore, ids, dataset.classes), overlap, config.seed);
    const calibration = calibrationByClass(probs, labels, dataset.classes);
    // Records that did not decode are in no figure: counted, so the evaluation recorded from these figures says so.
    return { test: { n: kept.length, metrics: scored.metrics as unknown as Record<string, unknown>, ci: scored.ci, calibration, unreadable: items.length - kept.length }, comparison };
  };
}
