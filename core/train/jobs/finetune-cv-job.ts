import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BaseComparison } from '../../contract/evaluation-schemas';
import { EinthovenError } from '../../errors';
import { crossValidationPlan, summariseFolds, type CopyGroups, type CvPlan, type CvSummary, type FoldPredictions } from '../cv';
import { duplicateGroups } from '../duplicates';
import { readManifest } from '../service/models';
import { jsonSafe } from '../finalize';
import { loadPackage } from '../package/archive';
import type { JobContext } from '../progress';
import { classMapping, splitItems } from './evaluate-job';
import { finetuneJob, type FinetuneJobOptions } from './finetune-job';
import { unlessCancelledEarly } from './package-trained';
import { hashedRows, indexDataset } from './prepare';
import { loadStore } from '../setup';
import type { SignalStore } from '../../data/store';
import { resolveWorkers } from '../../parallel/worker-count';
import { scoreItems } from './score-items';
import { inScopeItems, outOfScopeSummary } from '../evaluation-scope';
import { intendedInputOf } from '../package/manifest';
import { heldOutInScope } from './fold-scope';
import { JudgedRecords } from '../judged-records';
import { FolderRecords } from '../rate-copy-search';
import type { OutOfScopeSummary } from '../../contract/training-schemas';

export interface FinetuneCvOptions extends Omit<FinetuneJobOptions, 'out' | 'checkpointDir'> {
  readonly folds: number;
  readonly foldSeed?: number;
  /** Folder for the fold models and cv.json (not a model folder: fold models are not offered for predictions). */
  readonly workDir: string;
}

/** One fold's fine-tuned package and how its training went. */
export interface FinetuneFoldOutcome {
  readonly fold: number;
  readonly out: string;
  readonly modelId: string;
  readonly bestEpoch: number;
  readonly epochs: number;
  /** The fold's held-out and validation records the base model trained on (its package's comparison), when it could tell. */
  readonly overlap?: BaseComparison['overlap'];
  /** Held-out records outside the fold model's intended input (what predict abstains on), in no figure, by reason. */
  readonly outOfScope: OutOfScopeSummary;
  /** Validation records outside the base's intended input: the fold's epoch and operating point were chosen on the others (absent where not counted). */
  readonly validationOutOfScope?: OutOfScopeSummary;
}

/** The K-fold estimate, in the shape `ecg train --cv` reports (cv-print.ts prints both). */
export interface FinetuneCvResult extends CvSummary {
  readonly k: number;
  readonly source: string;
  /** The locked test split, which cross-validation never reads. */
  readonly excluded: CvPlan['excluded'];
  /** Recordings under rows of different patients dealt to one fold, in words; null when none. */
  readonly copiesKept: string | null;
  readonly dataset: string;
  readonly classes: string[];
  readonly folds: FinetuneFoldOutcome[];
  readonly cancelled: boolean;
  /** The folder holding fold-NN and cv.json. */
  readonly out: string;
}

/**
 * The recordings listed under more than one participating row, found before any fold is worked
 * on (each record decoded once, for the whole job: the folds read their rows from it, and its
 * hashes find the copies), so the folds keep each in one fold: a fold's
 * fine-tuning refused them as leakage only once fold 1 was decoding. Said in the progress.
 * Then every fold's held-out rows are held to the intended input its package will state (the
 * base's, with the minimum duration of the fold's validation rows), as each fold's fine-tuning
 * holds its test rows before training: a fold with none of them is refused now.
 */
async function checkBeforeFolds(options: FinetuneCvOptions, context: JobContext, judged: JudgedRecords): Promise<{ copies: CopyGroups; copiesKept: string | null; decoded: SignalStore }> {
  const manifest = await readManifest(options.base);
  const dataset = await indexDataset(options.dataset, manifest.preprocessing, false);
  const participating = crossValidationPlan(dataset, options.folds, options.foldSeed).folds;
  context.onProgress?.({ kind: 'phase', phase: 'loading', message: `reading ${participating.size} records once, for recordings listed under more than one row` });
  const participants = dataset.items.filter((i) => participating.has(i.id));
  // Decoded under the base's stages before the crop, which every fold's fine-tuning, closing evaluation and scoring read
  // its rows through (each decoded them again, several times a fold); hashed as they decode.
  const decoded = await loadStore(participants, manifest.preprocessing, context, options.cacheDir, true, resolveWorkers(options.workers));
  const copies = duplicateGroups(hashedRows(decoded, participants)).map((group) => group.map((row) => row.id));
  const plan = crossValidationPlan(dataset, options.folds, options.foldSeed, copies);
  if (plan.copiesKept) context.onProgress?.({ kind: 'phase', phase: 'loading', message: plan.copiesKept });
  await heldOutInScope(plan, dataset.items, intendedInputOf(manifest), manifest.preprocessing, context.signal, judged);
  // Shared once, so that the folds' views hand their workers one buffer rather than each packing a copy of it.
  if (resolveWorkers(options.workers) > 1) decoded.share();
  return { copies, copiesKept: plan.copiesKept ?? null, decoded };
}

/**
 * Cross-validates a fine-tuning on the hospital's own data before it is run on all of it: K
 * fine-tunings, each on K − 2 patient-grouped folds, selected and calibrated on the next fold and
 * scored on its own (the locked test split is never read). The estimate the final model cannot
 * give about itself: how much the result varies with the data, and the pooled out-of-fold figures.
 */
export async function finetuneCvJob(options: FinetuneCvOptions, context: JobContext = {}): Promise<FinetuneCvResult> {
  await mkdir(options.workDir, { recursive: true });
  // Each record is judged against the intended input before the folds, then as a fold's validation and held-out rows, and in the fold's scoring: once.
  const judged = options.judged ?? new JudgedRecords();
  const { copies, copiesKept, decoded } = await checkBeforeFolds(options, context, judged);
  // Every fold's closing evaluation searches the same data folder for copies at other rates: its records are decoded once, by the first.
  const folderRecords = options.folderRecords ?? new FolderRecords();
  const predictions: FoldPredictions[] = [];
  const folds: FinetuneFoldOutcome[] = [];
  let plan: Pick<CvPlan, 'source' | 'excluded'> = { source: '', excluded: null };
  let dataset = '';
  let classes: string[] = [];
  let cancelled = false;
  for (let fold = 1; fold <= options.folds && !cancelled; fold++) {
    const foldSpec = { ...options.dataset, cvFold: { k: options.folds, fold, ...(options.foldSeed === undefined ? {} : { seed: options.foldSeed }), copies } };
    const out = path.join(options.workDir, `fold-${String(fold).padStart(2, '0')}`);
    context.onProgress?.({ kind: 'phase', phase: 'training', message: `cross-validation fold ${fold} of ${options.folds}` });
    const { folds: _k, foldSeed: _s, workDir: _w, ...finetune } = options;
    // The folds' packages are this job's scratch (the engine's cv/<name>/): one left by a cancelled
    // or failed run of the same name is cleared, since finetuneJob writes only into an empty folder.
    await rm(out, { recursive: true, force: true });
    const r = await unlessCancelledEarly(finetuneJob({ ...finetune, dataset: foldSpec, out, name: `${options.name ?? 'finetune'}-cv-fold-${fold}`, judged, folderRecords, decoded }, context));
    if (r === undefined || r.cancelled) {
      cancelled = true;
      break;
    }
    const loaded = await loadPackage(out);
    let outOfScope: OutOfScopeSummary;
    try {
      const indexed = await indexDataset(foldSpec, loaded.manifest.preprocessing, false);
      if (fold === 1) {
        const base = await indexDataset(options.dataset, loaded.manifest.preprocessing, false);
        const { source, excluded } = crossValidationPlan(base, options.folds, options.foldSeed, copies);
        plan = { source, excluded };
        dataset = base.name;
      }
      classes = [...loaded.manifest.classes];
      const columns = classMapping(loaded.manifest.classes, indexed);
      // Scored as `ecg evaluate` scores a split (and as the fold's own closing evaluation did): only the records its model is for.
      const scope = await inScopeItems(loaded.manifest.name, [intendedInputOf(loaded.manifest)], splitItems(indexed, 'test'), context.signal, judged);
      outOfScope = outOfScopeSummary(scope.outOfScope);
      const scored = await scoreItems(loaded, scope.items, { decoded, ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}) }, context);
      predictions.push({
        fold,
        ids: scored.kept.map((i) => i.id),
        patients: scored.kept.map((i) => i.patientId),
        labels: scored.kept.map((i) => columns.map((c) => i.labels[c] as number)),
        probs: scored.probs,
        thresholds: loaded.manifest.operatingPoint.thresholds,
      });
    } finally {
      loaded.model.dispose();
    }
    // A fold's closing comparison is kept under its cvFold (as its held-out rows'), not as a locked test's.
    const overlap = (r.manifest.provenance.cvFold?.comparison ?? r.manifest.provenance.comparison)?.overlap;
    const validationOutOfScope = r.manifest.provenance.validation.outOfScope;
    folds.push({ fold, out, modelId: r.manifest.id, bestEpoch: r.bestEpoch, epochs: r.epochs, outOfScope, ...(validationOutOfScope ? { validationOutOfScope } : {}), ...(overlap ? { overlap } : {}) });
  }
  if (predictions.length === 0) throw new EinthovenError('E_CANCELLED', 'cross-validation was cancelled before its first fold finished');
  const result: FinetuneCvResult = { ...summariseFolds(predictions, classes), k: options.folds, ...plan, copiesKept, dataset, classes, folds, cancelled, out: options.workDir };
  await writeFile(path.join(options.workDir, 'cv.json'), `${JSON.stringify(jsonSafe({ ...result, predictions }), null, 1)}\n`);
  return result;
}
