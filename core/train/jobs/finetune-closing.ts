import path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { decodedView, SignalStore } from '../../data/store';
import { itemsOf, type Dataset } from '../../data/types';
import type { RecordProfile } from '../../engine/record-profile';
import { rateCopiesIn, type FolderRecords, type RateCopySearch } from '../rate-copy-search';
import { EinthovenError } from '../../errors';
import { calibrationByClass } from '../../ml/metrics/index';
import { probabilities } from '../calibration';
import type { TrainConfig } from '../config';
import { compareWithBase, type BaseComparison } from '../comparison';
import type { LoadedPackage } from '../package/io';
import type { ModelManifest, Provenance } from '../package/manifest';
import { recordLogits, type EvalOptions } from '../predict';
import type { JobContext } from '../progress';
import { figuresOptimistic, seenHashes, trainingOverlap } from '../training-overlap';
import { counted, everyOneOf, listed, someOf, wordFor } from '../../contract/counted';
import type { SeenByBase } from '../../contract/training-schemas';
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
export async function assertTestRowsInScope(dataset: Dataset, tuned: ClosingModel, signal: AbortSignal | undefined, judged?: JudgedRecords): Promise<Set<string>> {
  const { items } = await inScopeItems(tuned.name, [tuned.intendedInput], itemsOf(dataset, 'test'), signal, judged);
  return new Set(items.map((i) => i.id));
}

/**
 * Whether a fine-tuning whose every test record its base saw goes ahead all the same, and how its
 * caller's user asks for that (the CLI's flag, the app's checkbox), as the refusal names it.
 */
export interface AllowAllSeen {
  readonly allow: boolean;
  readonly control?: string;
}

/** The refusal's words where the caller names no control of its own. */
const genericAllowControl = 'ask for it (allowTestSeenByBase), its figures then kept as no locked test';

/**
 * Before training, what the closing evaluation will find of the base's overlap with the test rows,
 * by the exact content hashes of the test rows within the intended input (`testRows`, hashed
 * before training for the copy check): the same rule closingRecords applies after it, which hours
 * of training would otherwise only reach. Every one seen by the base or its bases is refused (its
 * figures could be no locked test, so the model could not be promoted on them); where whether the
 * base saw them cannot be checked, a warning that they will be none; some seen, a note that they
 * will be left out. Copies at other sampling rates are looked for only in the closing evaluation.
 * Nothing for a cross-validation fold, whose held-out records the base saw are left out at the end
 * (heldOutRecords), or scored all the same and said to be optimistic where it saw every one.
 */
export function checkTestAgainstBase(base: Pick<LoadedPackage, 'manifest'>, dataset: Dataset, testRows: readonly { id: string; hash: string }[], context: JobContext, allowAllSeen: AllowAllSeen = { allow: false }): void {
  if (dataset.cvFold || testRows.length === 0) return;
  const { name } = base.manifest;
  const unknown = unknownBaseNote(base);
  if (unknown) {
    const names = unknownBases(base).join(', ');
    const say = `warning: this fine-tuning's closing figures will be ${unknown.replace(/^not a locked test: /, 'no locked test: ')}. They will be shown as such, not as its locked test, and not recorded as its evaluation on this site's data, so it could not be promoted on them. For a locked test, fine-tune from a base that keeps its training records: ${names}, trained or fine-tuned again with this version`;
    context.onProgress?.({ kind: 'phase', phase: 'loading', message: say });
    return;
  }
  // Exact content only: no copies searched yet (copies: undefined).
  const ids = seenIdsOf(base, { test: testRows, val: [], copies: undefined });
  if (ids.length === testRows.length) {
    const why = `${dataset.name}: ${everyOneOf(testRows.length, 'test record')} within the model's intended input is among the training and validation records of ${name} (the base this model's weights start from) or its bases, by content (${firstIds(ids)}). A locked test holds no record the model saw: the closing evaluation, which leaves such records out, would have none left, and its figures on them would be optimistic and no locked test, so the fine-tuned model could not be promoted on them`;
    // Asked for all the same (ecg finetune --allow-test-seen-by-base, the app's checkbox): said as the job starts, and again with its figures.
    if (allowAllSeen.allow) {
      context.onProgress?.({ kind: 'phase', phase: 'loading', message: `warning: ${why}; fine-tuning all the same, as asked` });
      return;
    }
    throw new EinthovenError(
      'E_VALIDATION',
      `${why}. Nothing was trained. Give the test split records neither ${name} nor its bases trained or validated on (on ${name}'s own data, its test split; otherwise other patients' ECGs), in the labels' split column or with --test-labels; or, to fine-tune all the same and evaluate the model on other records later, ${allowAllSeen.control ?? genericAllowControl}`,
    );
  }
  if (ids.length > 0) {
    const note = `note: ${someOf(ids.length, testRows.length, 'test record')} within the model's intended input ${ids.length === 1 ? 'is' : 'are'} among the training and validation records of ${name} (the base this model's weights start from) or its bases (${firstIds(ids)}): the closing evaluation will leave them out, its locked test being the other ${testRows.length - ids.length}`;
    context.onProgress?.({ kind: 'phase', phase: 'loading', message: note });
  }
}

/** A store's hash and profile of each id it decoded: what a copy search compares. */
function searchedRecords(store: SignalStore, ids: readonly string[]): { id: string; hash: string; profile: RecordProfile | undefined }[] {
  return ids.flatMap((id) => {
    const hash = store.contentHash(id);
    return hash === undefined ? [] : [{ id, hash, profile: store.profile(id) }];
  });
}

/** The test and validation records a closing evaluation checks against its base's training records, and the copies of them found at other rates. */
interface Checked {
  readonly test: readonly { id: string; hash: string }[];
  readonly val: readonly { id: string; hash: string }[];
  readonly copies: RateCopySearch | undefined;
}

/**
 * Hashes the test and validation records and searches the data folder for copies of them at other
 * sampling rates (the base keeps exact hashes only: PTB-XL's 500 Hz files of the 100 Hz ECGs the
 * starter trained on were "none"), where the base keeps a training-record filter to check them by.
 */
async function checkedRecords(base: Pick<LoadedPackage, 'manifest'>, dataset: Dataset, test: { store: SignalStore; ids: readonly string[] }, val: { store: SignalStore; ids: readonly string[] }, signal: AbortSignal | undefined, folder: FolderRecords | undefined, searched?: RateCopySearch): Promise<Checked> {
  const testRecords = searchedRecords(test.store, test.ids);
  const valRecords = searchedRecords(val.store, val.ids);
  if (!trainingRecordsOf(base.manifest).own) return { test: testRecords, val: valRecords, copies: undefined };
  if (searched) return { test: testRecords, val: valRecords, copies: searched };
  const listed = new Set(dataset.items.flatMap((i) => i.files.map((f) => path.resolve(f))));
  const copies = await rateCopiesIn(dataset.root, listed, [...testRecords, ...valRecords], signal, folder);
  return { test: testRecords, val: valRecords, copies };
}

/** Which records the base or its bases saw, and the search of the data folder that found their copies at other rates (undefined where none was made). */
export interface SeenByBaseSearch {
  readonly seen: ReadonlySet<string>;
  readonly copies: RateCopySearch | undefined;
}

/**
 * The records among `ids` (in `store`) that the base or its bases trained or validated on, exactly
 * or as a copy at another sampling rate in the data folder, by the same search and rule as a
 * closing evaluation (closingRecords). A cross-validation asks it once, of every record taking
 * part (`dataset`: a fold's, which lists those records in every fold): each fold's held-out
 * records are among them, and a record's copies do not depend on which others are searched with
 * it (sameRecordingPairs compares pairs), so the folds' closing evaluations are given `copies`
 * (their search) and the job leaves out of its pooled figures the records each fold's package left out.
 */
export async function seenByBaseAmong(base: Pick<LoadedPackage, 'manifest'>, dataset: Dataset, store: SignalStore, ids: readonly string[], signal: AbortSignal | undefined, folder: FolderRecords | undefined): Promise<SeenByBaseSearch> {
  const checked = await checkedRecords(base, dataset, { store, ids }, { store, ids: [] }, signal, folder);
  return { seen: new Set(seenIdsOf(base, checked)), copies: checked.copies };
}

/** Why a cross-validation estimate may include records its base saw (it keeps no filter, or a base of it keeps none), or null where every one could be checked. */
export function unknownBaseOfCv(base: Pick<LoadedPackage, 'manifest'>): string | null {
  const unknown = unknownBases(base);
  if (unknown.length === 0) return null;
  return `${uncheckable(unknown, 'held-out records')}: the estimate may include records ${wordFor(unknown.length, 'it', 'they')} saw, and so be optimistic`;
}

/**
 * How many of the scored test records and of the validation records the base model already saw
 * (its training-record filter, and those of the bases its own weights started from, whose records
 * it learned too), in words, counting a record whose copy at another sampling rate lies in the data
 * folder and was in the base's training.
 */
function overlapOf(base: LoadedPackage, dataset: Dataset, checked: Checked, scoredTest: ReadonlySet<string>): BaseComparison['overlap'] {
  const { name } = base.manifest;
  const records = trainingRecordsOf(base.manifest);
  // A cross-validation fold's test rows are its held-out fold, named so.
  const what = dataset.cvFold ? 'held-out record' : 'test record';
  const testHashes = checked.test.filter((r) => scoredTest.has(r.id)).map((r) => r.hash);
  const onTest = trainingOverlap(name, records, testHashes, (seen) => `${figuresOptimistic(seen)}${comparisonAlsoOptimistic(base.manifest, dataset.classes)}`, what, checked.copies);
  const onVal = trainingOverlap(name, records, checked.val.map((r) => r.hash), 'the epoch, temperature and thresholds were chosen on records the base had learned, so they and the validation figures are optimistic', 'validation record', checked.copies);
  return { checked: onTest.checked, inBaseTraining: onTest.inTraining, note: onTest.note, validation: { checked: onVal.checked, inBaseTraining: onVal.inTraining, note: onVal.note } };
}

/** The base and the bases its weights started from whose training records are unknown (none kept), by name. */
function unknownBases(base: Pick<LoadedPackage, 'manifest'>): string[] {
  const { own, bases } = trainingRecordsOf(base.manifest);
  return [...(own ? [] : [base.manifest.name]), ...bases.filter((b) => !b.records).map((b) => b.name)];
}

/** That whether the bases named in `unknown` (which keep no filter) saw `records` cannot be checked, and why: said of a locked test and of a cross-validation estimate alike. */
function uncheckable(unknown: readonly string[], records: string): string {
  const n = unknown.length;
  return `whether ${wordFor(n, 'the base', 'the bases')} ${unknown.join(', ')} trained or validated on these ${records} cannot be checked, as ${wordFor(n, 'it keeps', 'they keep')} no record of ${wordFor(n, 'its', 'their')} training records (written before packages kept one)`;
}

/** Why closing figures are not a locked test where the base's training records are unknown, or null where they are known. */
function unknownBaseNote(base: Pick<LoadedPackage, 'manifest'>): string | null {
  const unknown = unknownBases(base);
  if (unknown.length === 0) return null;
  return `not a locked test: ${uncheckable(unknown, 'test records')}, and a locked test holds no record the model saw; a fine-tuning from a base that keeps its training records (and its bases') leaves out the test records they saw, so its figures are one`;
}

/** Records named in a note: the first three, and how many more ("and 3 more": counted's plural read "3 mores"). */
function firstIds(ids: readonly string[]): string {
  return ids.length <= 3 ? ids.join(', ') : `${ids.slice(0, 3).join(', ')} and ${counted(ids.length - 3, 'more', 'more')}`;
}

/**
 * The test records the base trained or validated on (or a base of it, exactly or as a copy at another
 * rate): left out of the closing figures, which are then a locked test on records the model never
 * saw, as records outside its intended input are left out. Counted and named (the first three).
 */
function seenByBaseOf(base: LoadedPackage, checked: Checked, decoded: number, cvFold = false): { ids: Set<string>; summary: SeenByBase | undefined } {
  const ids = seenIdsOf(base, checked);
  if (ids.length === 0) return { ids: new Set(), summary: undefined };
  const n = ids.length;
  const note = cvFold ? heldOutSeenNote(base.manifest.name, ids, decoded) : `the figures cover only the test records ${base.manifest.name} (the base this model's weights started from) and its bases never trained or validated on; ${n} of ${decoded} left out, as a locked test holds no record the model saw (${firstIds(ids)})`;
  return { ids: new Set(ids), summary: { count: n, ids: ids.slice(0, 3), note } };
}

/** The checked test (or held-out) records the base or its bases saw, exactly or as a copy at another rate, by id. */
function seenIdsOf(base: Pick<LoadedPackage, 'manifest'>, checked: Checked): string[] {
  const { exact, viaCopy } = seenHashes(trainingRecordsOf(base.manifest), checked.test.map((r) => r.hash), checked.copies);
  const seen = new Set([...exact, ...viaCopy]);
  return checked.test.filter((r) => seen.has(r.hash)).map((r) => r.id);
}

/** A cross-validation fold's held-out records its base saw, left out of its figures: said as the closing evaluation says its test records. */
export function heldOutSeenNote(baseName: string, ids: readonly string[], heldOut: number): string {
  return `the figures cover only the held-out records ${baseName} (the base this model's weights started from) and its bases never trained or validated on; ${ids.length} of ${heldOut} left out, as figures on records the model saw are optimistic (${firstIds(ids)})`;
}

/**
 * That the comparison with the base made on records the base saw is optimistic too, said only of
 * what that comparison holds of the base: its figures for the fine-tuned classes it also outputs
 * (by name, as baseScores reads them). Where it outputs none of them (a new head, as PE on a
 * superclass base), the comparison shows only the fine-tuned model's figures, so nothing is said of
 * it; where some, it names them. Empty, or ", and so is …" to follow what is optimistic.
 */
export function comparisonAlsoOptimistic(base: Pick<ModelManifest, 'classes'>, classes: readonly string[]): string {
  const compared = classes.filter((c) => base.classes.includes(c));
  if (compared.length === 0) return '';
  return `, and so is the comparison with the base${compared.length === classes.length ? '' : ` on ${listed(compared)}`}`;
}

/**
 * Records the base saw every one of, scored all the same (leaving them out would leave no figure):
 * which they are, and that the figures on them are optimistic, and so is the comparison with the
 * base made on them where it holds the base's figures (comparisonAlsoOptimistic). Said alike of a
 * locked test's records and a cross-validation fold's held-out ones, both of which keep such a comparison.
 */
function allSeenByBase(base: Pick<ModelManifest, 'name' | 'classes'>, classes: readonly string[], n: number, what: 'test record' | 'held-out record'): { seen: string; optimistic: string } {
  return {
    seen: `${everyOneOf(n, what)} is among the training and validation records of ${base.name} (the base this model's weights started from) or its bases`,
    optimistic: `these figures, on ${wordFor(n, 'it', 'them')}, are optimistic${comparisonAlsoOptimistic(base, classes)}`,
  };
}

/** A cross-validation fold whose every held-out record its base saw: scored all the same (leaving them out would leave no figure), said to be optimistic. `classes`: the fold's fine-tuned classes. */
export function heldOutAllSeenNote(base: Pick<ModelManifest, 'name' | 'classes'>, classes: readonly string[], heldOut: number): string {
  const { seen, optimistic } = allSeenByBase(base, classes, heldOut, 'held-out record');
  return `${seen}; ${optimistic} (leaving them out would leave none)`;
}

/**
 * The records the closing figures are scored on, those the base saw left out (`seenByBase`), and why
 * the figures are no locked test. `allSeen`: scored whole because the base saw every one, which
 * `notLockedTest` then says, so their overlap with the base's records is not said again.
 */
interface ClosingRecords {
  readonly scored: string[];
  readonly seenByBase?: SeenByBase;
  readonly notLockedTest?: string;
  readonly allSeen?: true;
}

/**
 * What the closing figures are scored on, and whether they are a locked test: the decoded test
 * records less those the base saw; where it saw every one, all of them, said to be no locked test
 * (leaving all out would leave no figure); where whether it saw them cannot be checked, all of
 * them, said so too. A cross-validation fold's held-out rows by the same rule (heldOutRecords).
 */
function closingRecords(base: LoadedPackage, dataset: Dataset, checked: Checked, decoded: readonly string[]): ClosingRecords {
  if (dataset.cvFold) return heldOutRecords(base, dataset.classes, checked, decoded);
  const unknown = unknownBaseNote(base);
  const { ids, summary } = seenByBaseOf(base, checked, decoded.length);
  const scored = decoded.filter((id) => !ids.has(id));
  if (scored.length === 0) {
    const { seen, optimistic } = allSeenByBase(base.manifest, dataset.classes, decoded.length, 'test record');
    const all = `not a locked test: ${seen}, and a locked test holds no record the model saw; ${optimistic}: evaluate the model on records neither it nor its bases trained on`;
    return { scored: [...decoded], notLockedTest: all, allSeen: true };
  }
  return { scored, ...(summary ? { seenByBase: summary } : {}), ...(unknown ? { notLockedTest: unknown } : {}) };
}

/**
 * What a cross-validation fold's closing figures are scored on: its held-out records less those
 * the base saw (as the locked test's are), which the cross-validation job leaves out of its pooled
 * figures too (seenByBaseAmong); where it saw every one, all of them, said to be optimistic. Its
 * figures are never a locked test, so a base that keeps no filter is said only in the overlap note.
 */
function heldOutRecords(base: LoadedPackage, classes: readonly string[], checked: Checked, decoded: readonly string[]): ClosingRecords {
  const { ids, summary } = seenByBaseOf(base, checked, decoded.length, true);
  const scored = decoded.filter((id) => !ids.has(id));
  if (scored.length === 0) return { scored: [...decoded], notLockedTest: heldOutAllSeenNote(base.manifest, classes, decoded.length), allSeen: true };
  return { scored, ...(summary ? { seenByBase: summary } : {}) };
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
 * same records beside it (DeLong's paired interval of each class's AUC difference). Test records
 * the base model had trained or validated on are left out, counted and named (closingRecords), so
 * the figures are a locked test on records the model never saw; where whether it had cannot be
 * checked, or it had seen every one, the figures say they are no locked test. Nothing here feeds
 * back into the model. `judged`: the job's verdicts, among them the test rows' from before training (assertTestRowsInScope);
 * `folder`: the data folder's records the job's searches for copies read before; `copies`: the
 * search a cross-validation made once for every record taking part (seenByBaseAmong), which a
 * fold's closing evaluation reads rather than searching the folder again.
 */
export function closingEvaluation(args: { base: LoadedPackage; model: tf.LayersModel; prepared: PreparedData; config: TrainConfig; evaluation: EvalOptions; context: JobContext; judged?: JudgedRecords; folder?: FolderRecords; copies?: RateCopySearch }) {
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
    // A cross-validation fold's store holds its test rows too (the job decoded every record once): read from it.
    const store = decodedView(prepared.store, items, pipeline) ?? (await SignalStore.build(items, { pipeline, ...(context.signal ? { signal: context.signal } : {}) }));
    const decoded = items.filter((i) => store.has(i.id));
    const checked = await checkedRecords(base, dataset, { store, ids: decoded.map((i) => i.id) }, { store: prepared.store, ids: prepared.val.ids }, context.signal, args.folder, args.copies);
    const closing = closingRecords(base, dataset, checked, decoded.map((i) => i.id));
    if (closing.seenByBase) context.onProgress?.({ kind: 'phase', phase: 'evaluating', message: `note: ${closing.seenByBase.note}` });
    if (closing.notLockedTest) context.onProgress?.({ kind: 'phase', phase: 'evaluating', message: `warning: ${closing.notLockedTest}` });
    const scoredIds = new Set(closing.scored);
    const kept = decoded.filter((i) => scoredIds.has(i.id));
    const ids = kept.map((i) => i.id);
    const labels = kept.map((i) => [...i.labels]);
    const probs = probabilities(await recordLogits(model, store, ids, args.evaluation), calibrated.operatingPoint.temperature);
    const patients = patientIdsOf(kept, ids);
    const scored = scoreWithCi(labels, probs, dataset.classes, calibrated.operatingPoint.thresholds, config.seed, patients, { paperExact: config.paperExact });
    const samePipeline = JSON.stringify(base.manifest.preprocessing) === JSON.stringify(pipeline);
    const baseStore = samePipeline ? store : await SignalStore.build(kept, { pipeline: base.manifest.preprocessing });
    const overlap = overlapOf(base, dataset, checked, scoredIds);
    // Test (or a fold's held-out) records the base saw every one of were just warned of (closingRecords): their overlap says the same again.
    if (overlap.inBaseTraining && !closing.allSeen) context.onProgress?.({ kind: 'phase', phase: 'evaluating', message: `warning: ${overlap.note}` });
    if (overlap.validation?.inBaseTraining) context.onProgress?.({ kind: 'phase', phase: 'evaluating', message: `warning: ${overlap.validation.note}` });
    const { comparison } = compareWithBase(dataset.classes, { labels, probs }, await baseScores(base, baseStore, ids, dataset.classes), overlap, config.seed, comparedRecords(dataset, closing), { patients, paperExact: config.paperExact });
    const calibration = calibrationByClass(probs, labels, dataset.classes);
    // Records that did not decode are in no figure: counted, so the evaluation recorded from these figures says so.
    const test = { n: kept.length, metrics: scored.metrics as unknown as Record<string, unknown>, ci: scored.ci, calibration, unreadable: items.length - decoded.length, outOfScope: outOfScopeSummary(outOfScope) };
    return { test: { ...test, ...(closing.seenByBase ? { seenByBase: closing.seenByBase } : {}), ...(closing.notLockedTest ? { notLockedTest: closing.notLockedTest } : {}) }, comparison };
  };
}

/**
 * What the records a fine-tuning and its base are compared on are, in the comparison's note: a
 * cross-validation fold's held-out records were never a locked test (the folds were made and the
 * fine-tuning chosen in one loop on the same data), nor are test records its base saw every one
 * of, or whose overlap with it cannot be checked (`notLockedTest`).
 */
function comparedRecords(dataset: Pick<Dataset, 'cvFold'>, closing: Pick<ClosingRecords, 'notLockedTest'>): string {
  if (dataset.cvFold) return `held-out records of cross-validation fold ${dataset.cvFold.fold}, not a locked test`;
  return closing.notLockedTest === undefined ? 'locked test records' : 'test records, not a locked test';
}
