import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BaseComparison } from '../../contract/evaluation-schemas';
import { EinthovenError } from '../../errors';
import { crossValidationPlan, foldDataset, summariseFolds, type CopyGroups, type CvPlan, type CvSummary, type FoldPredictions } from '../cv';
import { duplicateGroups } from '../duplicates';
import { readManifest } from '../service/models';
import { jsonSafe } from '../finalize';
import { loadPackage } from '../package/archive';
import type { JobContext } from '../progress';
import { classMapping, splitItems } from './evaluate-job';
import { finetuneJob, refuseTestSplitBeforeFolds, type FinetuneJobOptions } from './finetune-job';
import { unlessCancelledEarly } from './package-trained';
import { hashedRows, indexDataset } from './prepare';
import { loadStore } from '../setup';
import type { SignalStore } from '../../data/store';
import type { Dataset, DatasetItem } from '../../data/types';
import { resolveWorkers } from '../../parallel/worker-count';
import { scoreItems } from './score-items';
import { inScopeItems, outOfScopeSummary } from '../evaluation-scope';
import { intendedInputOf } from '../package/manifest';
import { heldOutInScope } from './fold-scope';
import { JudgedRecords } from '../judged-records';
import { FolderRecords } from '../rate-copy-search';
import type { OutOfScopeSummary } from '../../contract/training-schemas';
import type { ModelManifest } from '../package/manifest';
import { heldOutAllSeenNote, heldOutSeenNote, seenByBaseAmong, unknownBaseOfCv } from './finetune-closing';
import { counted, listed } from '../../contract/counted';

export interface FinetuneCvOptions extends Omit<FinetuneJobOptions, 'out' | 'checkpointDir'> {
  readonly folds: number;
  readonly foldSeed?: number;
  /** Folder for the fold models and cv.json (not a model folder: fold models are not offered for predictions). */
  readonly workDir: string;
  /**
   * The package folder of the fine-tuning on all the data that follows the folds in the same
   * request (the app's "Cross-validate first"; its name, settings and allowTestSeenByBase are
   * these options'): a test split it would refuse (none, or every record seen by the base) is
   * refused before the first fold. Absent where none follows (ecg finetune --cv, whose folds never read the test split).
   */
  readonly finalOut?: string;
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
  /**
   * Held-out records within the intended input that the base (or a base of it) trained or validated
   * on: left out of the fold's figures and the pooled ones (`leftOut`), or, where it saw every
   * one, scored all the same and said to be optimistic. Absent where it saw none.
   */
  readonly seenByBase?: FoldSeenByBase;
}

/** A fold's held-out records its base saw: how many, the first three, whether left out, and the note. */
export interface FoldSeenByBase {
  readonly count: number;
  readonly ids: string[];
  readonly leftOut: boolean;
  readonly note: string;
}

/**
 * What the estimate holds of the records the base saw, over every fold: how many were found
 * (`count`; null where the base, or a base of it, keeps no filter, so it cannot be told), how many
 * of them were left out, and the note the report prints with the pooled figures.
 */
export interface CvSeenByBase {
  readonly count: number | null;
  readonly leftOut: number;
  /** True where some were scored all the same (a fold whose every held-out record the base saw) or whether it saw them is unknown: the estimate is then optimistic, or may be. */
  readonly optimistic: boolean;
  readonly note: string;
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
  /** The held-out records the base saw, over every fold; null where it saw none. */
  readonly seenByBase: CvSeenByBase | null;
  readonly cancelled: boolean;
  /** The folder holding fold-NN and cv.json. */
  readonly out: string;
  /**
   * Where a fine-tuning follows (finalOut): every record of the request, decoded once under the
   * base's stages before the crop, for that fine-tuning to read (its `decoded`). Not in cv.json.
   */
  readonly decoded?: SignalStore;
}

/**
 * The recordings listed under more than one participating row, found before any fold is worked
 * on (each record decoded once, for the whole job: the folds read their rows from it, and its
 * hashes find the copies), so the folds keep each in one fold: a fold's
 * fine-tuning refused them as leakage only once fold 1 was decoding. Said in the progress.
 * Then every fold's held-out rows are held to the intended input its package will state (the
 * base's, with the minimum duration of the fold's validation rows), as each fold's fine-tuning
 * holds its test rows before training: a fold with none of them is refused now. Before the copies
 * are looked for, where a fine-tuning follows the folds (finalOut), the test split it would refuse
 * (none, none within the intended input, or every one seen by the base) is refused: its test rows
 * are decoded with the others (that fine-tuning reads them from here).
 */
async function checkBeforeFolds(options: FinetuneCvOptions, context: JobContext, judged: JudgedRecords): Promise<{ copies: CopyGroups; copiesKept: string | null; decoded: SignalStore; manifest: ModelManifest; listing: Dataset; testRows: DatasetItem[] }> {
  const manifest = await readManifest(options.base);
  const dataset = await indexDataset(options.dataset, manifest.preprocessing, false);
  const participating = crossValidationPlan(dataset, options.folds, options.foldSeed).folds;
  const participants = dataset.items.filter((i) => participating.has(i.id));
  // The fine-tuning that follows (finalOut) reads its test rows too: decoded with the others, once for the whole request.
  const test = options.finalOut ? dataset.items.filter((i) => i.split === 'test' && !participating.has(i.id)) : [];
  context.onProgress?.({ kind: 'phase', phase: 'loading', message: `reading ${participants.length + test.length} records once, for recordings listed under more than one row` });
  // Decoded under the base's stages before the crop, which every fold's fine-tuning, closing evaluation and scoring read
  // its rows through (each decoded them again, several times a fold); hashed as they decode.
  const decoded = await loadStore([...participants, ...test], manifest.preprocessing, context, options.cacheDir, true, resolveWorkers(options.workers));
  if (options.finalOut) await refuseTestSplitBeforeFolds({ ...options, out: options.finalOut }, dataset, manifest, context.signal, judged, decoded);
  const copies = duplicateGroups(hashedRows(decoded, participants)).map((group) => group.map((row) => row.id));
  const plan = crossValidationPlan(dataset, options.folds, options.foldSeed, copies);
  if (plan.copiesKept) context.onProgress?.({ kind: 'phase', phase: 'loading', message: plan.copiesKept });
  await heldOutInScope(plan, dataset.items, intendedInputOf(manifest), manifest.preprocessing, context.signal, judged);
  // Shared once, so that the folds' views hand their workers one buffer rather than each packing a copy of it.
  if (resolveWorkers(options.workers) > 1) decoded.share();
  // Any fold's dataset: every fold lists the same records (those taking part), only their splits differ.
  return { copies, copiesKept: plan.copiesKept ?? null, decoded, manifest, listing: foldDataset(dataset, plan, 1), testRows: test };
}

/**
 * Cross-validates a fine-tuning on the hospital's own data before it is run on all of it: K
 * fine-tunings, each on K − 2 patient-grouped folds, selected and calibrated on the next fold and
 * scored on its own (the locked test split is never read). The estimate the final model cannot
 * give about itself: how much the result varies with the data, and the pooled out-of-fold figures.
 */
export async function finetuneCvJob(options: FinetuneCvOptions, context: JobContext = {}): Promise<FinetuneCvResult> {
  // Each record is judged against the intended input before the folds, then as a fold's validation and held-out rows, and in the fold's scoring: once.
  const judged = options.judged ?? new JudgedRecords();
  const { copies, copiesKept, decoded, manifest: baseManifest, listing, testRows } = await checkBeforeFolds(options, context, judged);
  // Only once the checks pass: a job refused before its folds writes nothing.
  await mkdir(options.workDir, { recursive: true });
  const base = { manifest: baseManifest };
  // Searches of the data folder for copies at other rates read its records once for the request (the fine-tuning that follows searches it too).
  const folderRecords = options.folderRecords ?? new FolderRecords();
  // The locked test rows decoded for the fine-tuning that follows are records the folds' datasets do not list: the search reads them from the store.
  folderRecords.adopt(decoded, testRows);
  // Which records taking part the base saw depends on the base and the records alone, not the fold: found once, with one search of the
  // data folder, which every fold's closing evaluation reads (each searched the folder, and the job again after it for the fold's held-out records).
  const seenByBase = await seenByBaseAmong(base, listing, decoded, listing.items.map((i) => i.id), context.signal, folderRecords);
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
    const foldContext = namingFold(context, fold);
    const r = await unlessCancelledEarly(finetuneJob({ ...finetune, dataset: foldSpec, out, name: `${options.name ?? 'finetune'}-cv-fold-${fold}`, judged, folderRecords, decoded, ...(seenByBase.copies ? { rateCopies: seenByBase.copies } : {}) }, foldContext));
    if (r === undefined || r.cancelled) {
      cancelled = true;
      break;
    }
    const loaded = await loadPackage(out);
    let outOfScope: OutOfScopeSummary;
    let foldSeen: FoldSeenByBase | undefined;
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
      // The held-out records the base saw are in no figure, as the fold's closing evaluation left them out: the estimate would be optimistic on them.
      const seen = scope.items.filter((i) => seenByBase.seen.has(i.id)).map((i) => i.id);
      foldSeen = foldSeenByBase(baseManifest, classes, seen, scope.items.length);
      const leftOut = new Set(foldSeen?.leftOut ? seen : []);
      const scored = await scoreItems(loaded, scope.items.filter((i) => !leftOut.has(i.id)), { decoded, ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}) }, foldContext);
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
    folds.push({ fold, out, modelId: r.manifest.id, bestEpoch: r.bestEpoch, epochs: r.epochs, outOfScope, ...(validationOutOfScope ? { validationOutOfScope } : {}), ...(overlap ? { overlap } : {}), ...(foldSeen ? { seenByBase: foldSeen } : {}) });
  }
  if (predictions.length === 0) throw new EinthovenError('E_CANCELLED', 'cross-validation was cancelled before its first fold finished');
  const pooled = summariseFolds(predictions, classes);
  const cvSeen = cvSeenByBase(base, folds, predictions.reduce((n, p) => n + p.ids.length, 0));
  if (cvSeen) context.onProgress?.({ kind: 'phase', phase: 'evaluating', message: `${cvSeen.optimistic ? 'warning' : 'note'}: ${cvSeen.note}` });
  const result: FinetuneCvResult = { ...pooled, k: options.folds, ...plan, copiesKept, dataset, classes, folds, seenByBase: cvSeen, cancelled, out: options.workDir };
  await writeFile(path.join(options.workDir, 'cv.json'), `${JSON.stringify(jsonSafe({ ...result, predictions }), null, 1)}\n`);
  return options.finalOut ? { ...result, decoded } : result;
}

/**
 * A fold's progress, its notes and warnings naming the fold ("warning: cross-validation fold 2: …"),
 * as the report numbers them: the app's notices keep each text once, so folds that warned alike
 * showed as one warning of no fold.
 */
function namingFold(context: JobContext, fold: number): JobContext {
  const { onProgress } = context;
  if (!onProgress) return context;
  const named = (message: string) => message.replace(/^(note|warning): /, `$1: cross-validation fold ${fold}: `);
  return { ...context, onProgress: (e) => onProgress(e.kind === 'phase' ? { ...e, message: named(e.message) } : e) };
}

/** A fold's held-out records its base saw (`seen`, of `heldOut`): left out, or, where that would leave none, scored and said to be optimistic (as its fine-tuned `classes`' comparison with the base is, where it holds the base's figures). */
function foldSeenByBase(base: Pick<ModelManifest, 'name' | 'classes'>, classes: readonly string[], seen: readonly string[], heldOut: number): FoldSeenByBase | undefined {
  if (seen.length === 0) return undefined;
  const all = seen.length === heldOut;
  return { count: seen.length, ids: seen.slice(0, 3), leftOut: !all, note: all ? heldOutAllSeenNote(base, classes, heldOut) : heldOutSeenNote(base.name, seen, heldOut) };
}

/**
 * The estimate's word on the records its base saw, over every fold, as the closing evaluation
 * gives its locked test's: how many were left out (by fold), which folds were scored all the same
 * (every held-out record seen), and, where the base or a base of it keeps no filter, that the
 * estimate may include records it saw. Null where the base saw none it could tell of.
 */
function cvSeenByBase(base: { manifest: ModelManifest }, folds: readonly FinetuneFoldOutcome[], scored: number): CvSeenByBase | null {
  const { name } = base.manifest;
  const seen = folds.filter((f) => f.seenByBase);
  const count = seen.reduce((n, f) => n + (f.seenByBase?.count ?? 0), 0);
  const leftOutFolds = seen.filter((f) => f.seenByBase?.leftOut);
  const leftOut = leftOutFolds.reduce((n, f) => n + (f.seenByBase?.count ?? 0), 0);
  const scoredFolds = seen.filter((f) => !f.seenByBase?.leftOut);
  const parts = [
    ...(leftOut > 0 ? [`the pooled figures cover only the held-out records ${name} (the base the folds' weights started from) and its bases never trained or validated on; ${leftOut} of ${scored + leftOut} left out (${leftOutFolds.map((f) => `fold ${f.fold}: ${f.seenByBase?.count}`).join(', ')}), as figures on records the model saw are optimistic`] : []),
    ...(scoredFolds.length > 0 ? [`${listed(scoredFolds.map((f) => `fold ${f.fold}'s ${counted(f.seenByBase?.count ?? 0, 'held-out record')}`))}, every one seen by ${name} or its bases, ${scoredFolds.length === 1 ? 'is' : 'are'} scored all the same (leaving them out would leave the fold none), so the estimate is optimistic`] : []),
  ];
  const unknown = unknownBaseOfCv(base);
  if (unknown) parts.push(unknown);
  if (parts.length === 0) return null;
  return { count: unknown ? null : count, leftOut, optimistic: scoredFolds.length > 0 || unknown !== null, note: parts.join('; ') };
}
