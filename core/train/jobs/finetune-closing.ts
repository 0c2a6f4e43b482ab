import path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { SignalStore } from '../../data/store';
import { itemsOf, type Dataset } from '../../data/types';
import type { RecordProfile } from '../../engine/record-profile';
import { rateCopiesIn } from '../rate-copy-search';
import { EinthovenError } from '../../errors';
import { calibrationByClass } from '../../ml/metrics/index';
import { probabilities } from '../calibration';
import type { TrainConfig } from '../config';
import { compareWithBase, type BaseComparison } from '../comparison';
import type { LoadedPackage } from '../package/io';
import type { Provenance } from '../package/manifest';
import { recordLogits, type EvalOptions } from '../predict';
import type { JobContext } from '../progress';
import { figuresOptimistic, trainingOverlap } from '../training-overlap';
import { trainingRecordsOf } from '../base-records';
import { patientIdsOf, type Calibrated } from '../finalize';
import { scoreWithCi } from '../scores';
import type { PreparedData } from './prepare';
import type { ClosingModel } from './package-trained';
import { inScopeItems, outOfScopeSummary } from '../evaluation-scope';
import type { JudgedRecords } from '../judged-records';

/** A fine-tuning needs locked test rows to end with its test evaluation: refused before training otherwise. */
export function assertTestRows(dataset: Dataset): void {
  if (itemsOf(dataset, 'test').length > 0) return;
  throw new EinthovenError('E_VALIDATION', `${dataset.name}: no locked test rows: a fine-tuning ends with its evaluation on them; give some rows split 'test', or a test labels CSV (--test-labels)`);
}

/**
 * The closing evaluation scores only the test rows within the intended input the package will
 * state (the base's, which the fine-tuning keeps, with the minimum duration its validation
 * records set: statedIntendedInput): a dataset with none of them is refused before training, not
 * after hours of it. The base's own minimum refused test rows as long as the validation records.
 * `judged`: the job's verdicts, which its closing evaluation gives again.
 */
export async function assertTestRowsInScope(dataset: Dataset, tuned: ClosingModel, signal: AbortSignal | undefined, judged?: JudgedRecords): Promise<void> {
  await inScopeItems(tuned.name, [tuned.intendedInput], itemsOf(dataset, 'test'), signal, judged);
}

/** A store's hash and profile of each id it decoded: what a copy search compares. */
function searchedRecords(store: SignalStore, ids: readonly string[]): { id: string; hash: string; profile: RecordProfile | undefined }[] {
  return ids.flatMap((id) => {
    const hash = store.contentHash(id);
    return hash === undefined ? [] : [{ id, hash, profile: store.profile(id) }];
  });
}

/**
 * How many test and validation records the base model already saw (its training-record filter,
 * and those of the bases its own weights started from, whose records it learned too), in words, counting a record whose copy at another sampling rate lies in the data folder and was
 * in the base's training (the base keeps exact hashes only: PTB-XL's 500 Hz files of the 100 Hz
 * ECGs the starter trained on were "none").
 */
async function overlapOf(base: LoadedPackage, dataset: Dataset, test: { store: SignalStore; ids: readonly string[] }, val: { store: SignalStore; ids: readonly string[] }, signal: AbortSignal | undefined): Promise<BaseComparison['overlap']> {
  const { name } = base.manifest;
  const records = trainingRecordsOf(base.manifest);
  const testRecords = searchedRecords(test.store, test.ids);
  const valRecords = searchedRecords(val.store, val.ids);
  const listed = new Set(dataset.items.flatMap((i) => i.files.map((f) => path.resolve(f))));
  const copies = records.own ? await rateCopiesIn(dataset.root, listed, [...testRecords, ...valRecords], signal) : undefined;
  // A cross-validation fold's test rows are its held-out fold, named so.
  const what = dataset.cvFold ? 'held-out record' : 'test record';
  const onTest = trainingOverlap(name, records, testRecords.map((r) => r.hash), (seen) => `${figuresOptimistic(seen)}, and so is the comparison`, what, copies);
  const onVal = trainingOverlap(name, records, valRecords.map((r) => r.hash), 'the epoch, temperature and thresholds were chosen on records the base had learned, so they and the validation figures are optimistic', 'validation record', copies);
  return { checked: onTest.checked, inBaseTraining: onTest.inTraining, note: onTest.note, validation: { checked: onVal.checked, inBaseTraining: onVal.inTraining, note: onVal.note } };
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
 * hospital's locked test rows within the model's intended input (those `ecg predict` gives a
 * number on, as `ecg evaluate` scores them; the others counted by reason), the base model on the
 * same records beside it (DeLong's paired interval of each class's AUC difference), and a count
 * of the test records the base model had already seen in training. Nothing here feeds back into
 * the model. `judged`: the job's verdicts, among them the test rows' from before training (assertTestRowsInScope).
 */
export function closingEvaluation(args: { base: LoadedPackage; model: tf.LayersModel; prepared: PreparedData; config: TrainConfig; evaluation: EvalOptions; context: JobContext; judged?: JudgedRecords }) {
  return async (calibrated: Calibrated, tuned: ClosingModel): Promise<Pick<Provenance, 'test' | 'comparison'>> => {
    const { base, model, prepared, config, context } = args;
    const { dataset } = prepared;
    // The package's card shows these as its locked-test figures: they must be the ones `ecg evaluate` gives on this split.
    const { items, outOfScope } = await inScopeItems(tuned.name, [tuned.intendedInput], itemsOf(dataset, 'test'), context.signal, args.judged);
    // A cross-validation fold's test rows are its held-out fold, which the progress calls so (its package keeps them under cvFold).
    const rows = dataset.cvFold ? `cross-validation fold ${dataset.cvFold.fold} held out` : 'locked test';
    context.onProgress?.({ kind: 'phase', phase: 'evaluating', message: `${rows}: ${items.length} records, the fine-tuned model and ${base.manifest.name} on the same records` });
    if (outOfScope.count > 0) context.onProgress?.({ kind: 'phase', phase: 'evaluating', message: `note: ${outOfScope.note}` });
    const pipeline = { ...prepared.pipeline, augmentation: null };
    const store = await SignalStore.build(items, { pipeline, ...(context.signal ? { signal: context.signal } : {}) });
    const kept = items.filter((i) => store.has(i.id));
    const ids = kept.map((i) => i.id);
    const labels = kept.map((i) => [...i.labels]);
    const probs = probabilities(await recordLogits(model, store, ids, args.evaluation), calibrated.operatingPoint.temperature);
    const scored = scoreWithCi(labels, probs, dataset.classes, calibrated.operatingPoint.thresholds, config.seed, patientIdsOf(kept, ids), { paperExact: config.paperExact });
    const samePipeline = JSON.stringify(base.manifest.preprocessing) === JSON.stringify(pipeline);
    const baseStore = samePipeline ? store : await SignalStore.build(kept, { pipeline: base.manifest.preprocessing });
    const overlap = await overlapOf(base, dataset, { store, ids }, { store: prepared.store, ids: prepared.val.ids }, context.signal);
    if (overlap.inBaseTraining) context.onProgress?.({ kind: 'phase', phase: 'evaluating', message: `warning: ${overlap.note}` });
    if (overlap.validation?.inBaseTraining) context.onProgress?.({ kind: 'phase', phase: 'evaluating', message: `warning: ${overlap.validation.note}` });
    const { comparison } = compareWithBase(dataset.classes, { labels, probs }, await baseScores(base, baseStore, ids, dataset.classes), overlap, config.seed);
    const calibration = calibrationByClass(probs, labels, dataset.classes);
    // Records that did not decode are in no figure: counted, so the evaluation recorded from these figures says so.
    return { test: { n: kept.length, metrics: scored.metrics as unknown as Record<string, unknown>, ci: scored.ci, calibration, unreadable: items.length - kept.length, outOfScope: outOfScopeSummary(outOfScope) }, comparison };
  };
}
