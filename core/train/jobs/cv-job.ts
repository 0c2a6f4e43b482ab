import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EinthovenError } from '../../errors';
import { probabilities } from '../calibration';
import { trainConfigSchema } from '../config';
import { crossValidationPlan, foldDataset, summariseFolds, type CvPlan, type CvSummary, type FoldPredictions } from '../cv';
import { jsonSafe } from '../finalize';
import { loadPackage } from '../package/archive';
import { pipelineCrop } from '../pipelines';
import { recordLogits } from '../predict';
import type { JobContext } from '../progress';
import { ensureBackend, loadStore, usable } from '../setup';
import { checkFoldDuplicates, duplicateGroups, type DuplicateGroup } from '../duplicates';
import type { Dataset } from '../../data/types';
import { evalOptionsOf, hashedRows, indexDataset, type PreparedData } from './prepare';
import { jobPipeline, trainPrepared, type TrainJobOptions } from './train-job';
import { packageName, unlessCancelledEarly } from './package-trained';
import { inScopeItems, outOfScopeSummary } from '../evaluation-scope';
import { intendedInputOf } from '../package/manifest';
import { defaultIntendedInput } from '../scope';
import { scopedValidation, validationOutOfScope } from './validation-scope';
import { heldOutInScope, type FoldScope } from './fold-scope';
import { JudgedRecords } from '../judged-records';
import type { OutOfScopeSummary } from '../../contract/training-schemas';

export interface CvJobOptions extends TrainJobOptions {
  /** Number of folds. */
  readonly folds: number;
  /** Seed of the folds where the dataset does not fix them (CPSC/CinC with K ≠ 10, hospital data). */
  readonly foldSeed?: number;
  readonly resamples?: number;
}

/** One fold's model and what it did. */
export interface FoldOutcome {
  readonly fold: number;
  readonly out: string;
  readonly modelId: string;
  readonly counts: { readonly train: number; readonly val: number; readonly test: number };
  readonly bestEpoch: number;
  readonly epochs: number;
  readonly secondsPerEpoch: number;
  /** Test-fold records outside the fold model's intended input (what predict abstains on), in no figure, by reason. */
  readonly outOfScope: OutOfScopeSummary;
  /** Validation-fold records outside it: the fold's epoch, temperature and thresholds were chosen on the others (its package's provenance.validation.outOfScope). */
  readonly validationOutOfScope: OutOfScopeSummary;
}

/** `ecg train --cv K --json`: the plan, every fold's model, and the summary (per fold, mean ± SD, pooled with CIs). */
export interface CvJobResult extends CvSummary {
  readonly k: number;
  readonly source: string;
  readonly excluded: CvPlan['excluded'];
  /** Recordings under rows of different folds kept in one fold, in words; null when none. */
  readonly copiesKept: string | null;
  readonly dataset: string;
  readonly classes: string[];
  readonly folds: FoldOutcome[];
  readonly cancelled: boolean;
  readonly out: string;
}

/** Copies kept within one fold (copies across folds are refused), their rows' splits as fold `data` sees them: what its package records. */
function foldCopies(copies: readonly DuplicateGroup[], data: Dataset): DuplicateGroup[] {
  const splitOf = new Map(data.items.map((i) => [i.id, i.split]));
  return copies.map((group) => group.map((row) => ({ ...row, split: splitOf.get(row.id) ?? row.split })));
}

/**
 * K-fold cross-validation: decodes every participating record once, then for each fold trains
 * on K − 2 folds, selects, calibrates and tunes thresholds on its inner validation fold, writes
 * its package (OUT/fold-NN), and scores its test fold with that package's own inference and
 * operating point. The summary pools every record's out-of-fold prediction.
 */
export async function cvJob(options: CvJobOptions, context: JobContext = {}): Promise<CvJobResult> {
  const config = trainConfigSchema.parse(options.train ?? {});
  if (config.paperExact) throw new EinthovenError('E_VALIDATION', 'cross-validation selects each fold on its own validation fold; --paper-exact (selection on the test split) does not apply');
  const backend = await ensureBackend(options.backend);
  const pipelineInput = jobPipeline(options, config);
  const dataset = await indexDataset(options.dataset, pipelineInput, false);
  // Which records take part does not depend on how copies are dealt: decoded (and hashed) once, before the folds are fixed.
  const participating = crossValidationPlan(dataset, options.folds, options.foldSeed).folds;
  const participants = dataset.items.filter((i) => participating.has(i.id));
  const store = await loadStore(participants, pipelineInput, context, options.cacheDir, options.inMemory ?? true);
  // A recording under two rows (PTB-XL's pool lists some twice) is kept in one fold, as a patient's records are,
  // where it was refused with advice (one patient id) a PTB-XL folder cannot take.
  const hashed = hashedRows(store, participants);
  const copies = duplicateGroups(hashed);
  const plan = crossValidationPlan(dataset, options.folds, options.foldSeed, copies.map((group) => group.map((row) => row.id)));
  if (plan.copiesKept) context.onProgress?.({ kind: 'phase', phase: 'loading', message: plan.copiesKept });
  // Now only copies within a fold, which weigh twice there: each fold's package records them, as a plain training's does.
  const duplicates = checkFoldDuplicates(hashed, (id) => plan.folds.get(id));
  if (duplicates) context.onProgress?.({ kind: 'phase', phase: 'loading', message: duplicates });
  // Every fold's held-out rows, checked before any fold trains against the intended input its model will state; a fold's validation is the next fold's rows, read here once.
  // Their verdicts are kept: each fold's scoring judges its held-out rows again against its package's intended input.
  const judged = new JudgedRecords();
  const scopes = await heldOutInScope(plan, dataset.items, defaultIntendedInput(pipelineInput), pipelineInput, context.signal, judged);
  await mkdir(options.out, { recursive: true });
  const predictions: FoldPredictions[] = [];
  const outcomes: FoldOutcome[] = [];
  let cancelled = false;
  for (let fold = 1; fold <= plan.k && !cancelled; fold++) {
    const data = foldDataset(dataset, plan, fold);
    const of = (split: 'train' | 'val' | 'test') => data.items.filter((i) => i.split === split);
    const view = store.withPipeline(pipelineInput);
    // The fold's epoch and operating point are chosen on the validation rows its model is for, as a plain training's (prepare.ts).
    const valScope = scopedValidation(data.name, (scopes.get(fold) as FoldScope).validation);
    const name = `${packageName(options)}-fold-${fold}`;
    // Named as the fold's package names it (package-trained.ts), which keeps it with its validation figures.
    const valOutOfScope = validationOutOfScope(valScope.leftOut, name);
    if (valScope.leftOut.count > 0) context.onProgress?.({ kind: 'phase', phase: 'loading', message: `fold ${fold}: note: ${valOutOfScope.note}` });
    const train = usable(of('train'), view);
    const val = usable(valScope.items, view);
    // The fold's rows by split, as its package's dataset records count them (those left out of validation among them).
    const valRows = usable(of('val'), view).ids.length;
    const test = usable(of('test'), view);
    if (train.ids.length === 0 || val.ids.length === 0 || test.ids.length === 0) {
      throw new EinthovenError('E_VALIDATION', `fold ${fold}: ${train.ids.length} training, ${val.ids.length} validation and ${test.ids.length} test records; every fold needs all three (fewer folds?)`);
    }
    const prepared: PreparedData = { dataset: data, store: view, train, val, pipeline: view.fitStandardisation(train.ids), duplicates: foldCopies(copies, data), duplicatesChecked: ['train', 'val', 'test'], valLeftOut: valScope.leftOut };
    const out = path.join(options.out, `fold-${String(fold).padStart(2, '0')}`);
    context.onProgress?.({ kind: 'phase', phase: 'training', message: `fold ${fold}/${plan.k}: train ${train.ids.length}, validation ${valRows}, test ${test.ids.length}` });
    const trained = await unlessCancelledEarly(trainPrepared({ ...options, out, name, checkpointDir: options.checkpointDir && path.join(options.checkpointDir, `fold-${fold}`) }, config, backend.active, pipelineInput, prepared, context));
    // A fold cancelled part-way is left out; the folds before it are still summarised.
    if (trained === undefined || trained.cancelled) {
      cancelled = true;
      break;
    }
    const loaded = await loadPackage(out);
    let outOfScope: OutOfScopeSummary;
    try {
      // Scored as `ecg evaluate` scores a split: only the records the fold's model is for.
      const scope = await inScopeItems(loaded.manifest.name, [intendedInputOf(loaded.manifest)], of('test'), context.signal, judged);
      outOfScope = outOfScopeSummary(scope.outOfScope);
      if (outOfScope.count > 0) context.onProgress?.({ kind: 'phase', phase: 'evaluating', message: `fold ${fold}: note: ${outOfScope.note}` });
      const scored = usable(scope.items, view);
      const inputLength = pipelineCrop(loaded.manifest.preprocessing) ?? 1;
      const logits = await recordLogits(loaded.model, view, scored.ids, evalOptionsOf(config, inputLength));
      const patientOf = new Map(dataset.items.map((i) => [i.id, i.patientId]));
      predictions.push({ fold, ids: scored.ids, patients: scored.ids.map((id) => patientOf.get(id)), labels: scored.labels, probs: probabilities(logits, loaded.manifest.operatingPoint.temperature), thresholds: loaded.manifest.operatingPoint.thresholds });
    } finally {
      loaded.model.dispose();
    }
    outcomes.push({ fold, out, modelId: trained.manifest.id, counts: { train: train.ids.length, val: valRows, test: test.ids.length }, bestEpoch: trained.bestEpoch, epochs: trained.history.length, secondsPerEpoch: trained.secondsPerEpoch, outOfScope, validationOutOfScope: valOutOfScope });
  }
  if (predictions.length === 0) throw new EinthovenError('E_CANCELLED', 'cross-validation was cancelled before its first fold finished');
  const summary = summariseFolds(predictions, dataset.classes, { ...(options.resamples ? { resamples: options.resamples } : {}), seed: config.seed });
  const result: CvJobResult = { ...summary, k: plan.k, source: plan.source, excluded: plan.excluded, copiesKept: plan.copiesKept ?? null, dataset: dataset.name, classes: [...dataset.classes], folds: outcomes, cancelled, out: options.out };
  await writeFile(path.join(options.out, 'cv.json'), `${JSON.stringify(jsonSafe({ ...result, predictions }), null, 1)}\n`);
  return result;
}
