import type { ModelDetail } from './clinic-schemas';
import type { Evaluated, ModelSummary } from './training-schemas';
import { counted, isAre, listed } from './counted';

/**
 * How a model's card words its training data and its figures, in the app's Models card and in
 * `ecg model inspect` alike, so neither calls a cross-validation fold's figures a locked test.
 */

/**
 * What a cross-validation fold's package is, for its card: a model of one fold, and why the
 * figures it carries are not a locked test. `hasLockedTest`: one was attached since.
 */
export function cvFoldText(fold: NonNullable<ModelSummary['cvFold']>, hasLockedTest: boolean): string {
  const dealt = fold.seed === null ? '' : ` (folds dealt with seed ${fold.seed})`;
  const figures = fold.heldOut
    ? `Its figures on fold ${fold.fold}'s ${counted(fold.heldOut.n, 'held-out row')} are below: cross-validation figures, made in the same selection loop as the other folds on the same data, not a locked test.`
    : `Its held-out fold was scored by the cross-validation report (cv.json), not kept here.`;
  const locked = hasLockedTest ? '' : ' It has no locked-test evaluation of its own.';
  return `Cross-validation fold ${fold.fold} of ${fold.k}${dealt}: trained on ${counted(fold.k - 2, 'fold')}, chosen and calibrated on the next. ${figures}${locked}`;
}

type Duplicates = NonNullable<ModelDetail['provenance']['duplicates']>;

const checkMethodWords: Record<NonNullable<Duplicates['method']>, string> = {
  'recording-content': 'the same recording by content, or the same ECG at another sampling rate',
};
const splitWords = { train: 'training', val: 'validation', test: 'test' } as const;

/** "(checked training and validation rows for …)": the check a package made, where it recorded it. */
function checkedText(duplicates: Duplicates): string {
  if (!duplicates.method) return '';
  const splits = (duplicates.splits ?? []).map((s) => splitWords[s]);
  const rows = splits.length > 0 ? listed(splits) : 'its';
  return ` (checked ${rows} rows for ${checkMethodWords[duplicates.method]})`;
}

/**
 * The card's "Duplicates": recordings its data listed under more than one row of one split,
 * which it kept, so each weighed more than once in training (or in its closing figures); the
 * first few by their row ids; none found, with the check that found none. A package made before
 * packages kept their check recorded only copies found: without one, it cannot say which.
 * `unchecked`: why this kind of package makes no check of its own (an ensemble).
 */
export function duplicatesText(duplicates: ModelDetail['provenance']['duplicates'], unchecked?: string): string {
  if (!duplicates) return unchecked ? `not checked: ${unchecked}` : 'not recorded (package made before packages kept their duplicate check: only copies found were written down, if any were looked for)';
  const { recordings, rows, groups } = duplicates;
  if (recordings === 0) return `none found${checkedText(duplicates)}`;
  const listed = groups.map((group) => `${group.map((r) => r.id).join(' = ')} (${group[0]?.split ?? ''})`).join('; ');
  const more = recordings > groups.length ? `; and ${recordings - groups.length} more` : '';
  return `${counted(recordings, 'recording')} listed in ${rows} rows of one split each, kept, so each weighed more than once: ${listed}${more}${checkedText(duplicates)}`;
}

/** The figures measured on one split's rows, with the records they leave out where the package counted them. */
type SplitFigures = Pick<Evaluated, 'n' | 'outOfScope' | 'unreadable'>;

/**
 * How many of a split's records its figures cover, beside the split's count, where they leave
 * some out: "54 within its intended input, see below", so a reader does not take the count under
 * the figures (54) for a mismatch with the split's (56); the note under the figures says why.
 * Nothing where none were left out, or where the figures' counts do not add up to the split's
 * (an evaluation attached from other rows): the count would then be of other records.
 */
function coveredText(total: number, figures: SplitFigures | null | undefined): string {
  const outside = figures?.outOfScope?.count ?? 0;
  const unreadable = figures?.unreadable ?? 0;
  if (!figures || (outside === 0 && unreadable === 0) || figures.n + outside + unreadable !== total) return '';
  const which = outside > 0 && unreadable > 0 ? 'read and within its intended input' : outside > 0 ? 'within its intended input' : 'could be read';
  return `${figures.n} ${which}, see below`;
}

/** A split's words with what its figures cover after them: "test (locked; 54 within …)", "validation (64 within …)". */
function withCovered(words: string, total: number, figures: SplitFigures | null | undefined): string {
  const covered = coveredText(total, figures);
  if (!covered) return words;
  return words.endsWith(')') ? `${words.slice(0, -1)}; ${covered})` : `${words} (${covered})`;
}

/**
 * The card's "Records": a fold package's test rows are its held-out fold, and a --paper-exact
 * package's (`selectedOnTest`) chose its epoch; neither is called a locked test, nor are the test
 * rows of closing figures that say they are none (`testNotLocked`). `figures`: the
 * figures the card shows on its validation and test rows (modelRecordsText), so each split's
 * count says how many of its records they cover where they leave some out.
 */
export function recordsText(
  records: ModelDetail['provenance']['records'],
  fold: ModelSummary['cvFold'],
  selectedOnTest = false,
  figures: { readonly val?: SplitFigures | null; readonly test?: SplitFigures | null } = {},
  testNotLocked = false,
): string {
  const test = (words: string) => `${records.test} ${withCovered(words, records.test, figures.test)}`;
  if (selectedOnTest) return `${records.train} train · ${records.val} validation (unused) · ${test('test (chose the epoch: --paper-exact; not a locked test)')}`;
  const testWords = fold ? `held out (cross-validation fold ${fold.fold} of ${fold.k}; not a locked test)` : testNotLocked ? 'test (not a locked test: see its figures)' : 'test (locked)';
  return `${records.train} train · ${records.val} ${withCovered('validation', records.val, figures.val)} · ${test(testWords)}`;
}

/**
 * A package's "Records" on its card and in `ecg model inspect`, each split's count beside the
 * figures measured on it: a fold's held-out figures on its test rows, a --paper-exact package's
 * validation figures on its test split (its validation rows unused), else its locked test.
 */
export function modelRecordsText(d: Pick<ModelDetail, 'provenance' | 'cvFold' | 'test' | 'validationDetail' | 'testNotLocked'>): string {
  const selected = d.provenance.selectedOnTest === true;
  const test = d.cvFold ? d.cvFold.heldOut : selected ? d.validationDetail : (d.test ?? d.testNotLocked);
  // A site operating point's validation and test figures are on the site's rows, not its base's training data's.
  const records = d.provenance.operatingPointDataset?.records ?? d.provenance.records;
  return recordsText(records, d.cvFold, selected, { val: selected ? null : d.validationDetail, test }, d.testNotLocked !== undefined);
}

/**
 * The data a package's card names as its dataset: a site operating point's site data, whose
 * validation rows chose its operating point and whose test split is its locked test (its
 * manifest's dataset, its base's training data, showed there beside figures on other records);
 * else the data it was trained (or a fusion fitted) on.
 */
export function cardDataset(d: Pick<ModelDetail, 'dataset' | 'provenance'>): { readonly name: string; readonly sha256: string } {
  return d.provenance.operatingPointDataset ?? { name: d.dataset, sha256: d.provenance.datasetSha256 };
}

/**
 * Beside a site operating point's site data: the data its weights were trained on, its base's,
 * which the card named as its dataset. Null for any other package, and for an operating point
 * derived before it kept its site data (its dataset is then still the base's).
 */
export function weightsTrainedOnText(d: Pick<ModelDetail, 'dataset' | 'provenance'>): string | null {
  const { operatingPointDataset: site, base, records, datasetSha256 } = d.provenance;
  if (!site || !base) return null;
  return `${d.dataset} (index SHA-256 ${datasetSha256.slice(0, 12)}…; ${records.train} train · ${records.val} validation · ${records.test} test), by its base ${base.name}; only the operating point was chosen on ${site.name}, its locked test that data's test split`;
}

/** A PE fusion's "Fitted on": the rows with every score item it was fitted and calibrated on, and those left out. */
export function fusionFitText(rows: NonNullable<NonNullable<ModelSummary['fusion']>['rows']>): string {
  const without = (n: number) => (n > 0 ? ` (${n} without them left out)` : '');
  return `fitted on ${rows.train} training rows with every score item${without(rows.trainSkipped)}, calibrated and thresholded on ${rows.val} validation rows${without(rows.valSkipped)}; the test split never read`;
}

/**
 * A PE fusion's base model's training, labelled as the base's: its network is what was trained on it.
 * An older fusion kept no record of that data; the duplicates it copied from its base are the base's.
 */
export function baseTrainingText(base: { readonly name: string; readonly id: string }, training: NonNullable<ModelDetail['provenance']['baseTraining']>): string {
  const { dataset, duplicates } = training;
  const data = dataset
    ? `trained on ${dataset.name} (${dataset.records.train} train · ${dataset.records.val} validation · ${dataset.records.test} test; ${dataset.split})`
    : 'its training data is not kept in this package (a fusion made before it was): see its own card';
  const found = duplicates ? duplicatesText(duplicates) : dataset ? duplicatesText(undefined) : null;
  const copied = dataset ? '' : ', as this package copied them';
  return `the ECG network of the base model ${base.name} (${base.id}): ${data}${found ? `; duplicates in that training${copied}: ${found}` : ''}`;
}

/**
 * Records of an evaluation's rows that could not be read, so are in none of its figures, in the
 * words the card's site evaluation line uses: said beside `n`, which counts only those read. Null
 * where none were, and where the evaluation did not count them (packages made before it was).
 * `rows`: which rows ('test', 'held-out').
 */
export function unreadableText(count: number | null | undefined, rows: string): string | null {
  if (!count) return null;
  return `${counted(count, `more ${rows} record`)} could not be read and ${isAre(count)} in no figure`;
}

/**
 * Which bootstrap made figures' intervals, where it was not today's (Evaluated `bootstrap`): two
 * blocks of one card may come from different ones (a locked test re-read by --attach
 * --replace-test beside the validation kept from training), and an interval's width depends on
 * it. Null for today's.
 */
export function bootstrapText(evaluated: Pick<Evaluated, 'bootstrap'>): string | null {
  if (evaluated.bootstrap !== 'unstratified') return null;
  return "these intervals are from the earlier bootstrap, which drew records unstratified (a class's few positives could be missing from a resample) and not by patient; today's keeps every class's positives and negatives in each resample and draws by patient where ids exist";
}

/**
 * What a package's own figures (its locked test, a fold's held-out rows, its validation) leave
 * out, in the words of the evaluation that made them: the records outside its intended input, a
 * fine-tuning's test records its base had trained on, then those that could not be read. Nothing of a count the package did not keep.
 * Then which earlier bootstrap made their intervals, where one did. The card and
 * `ecg model inspect` both say these beside the figures.
 */
export function leftOutNotes(evaluated: Pick<Evaluated, 'outOfScope' | 'unreadable' | 'seenByBase' | 'bootstrap'>, rows: 'test' | 'held-out' | 'validation'): string[] {
  const o = evaluated.outOfScope;
  return [o && o.count > 0 ? o.note : null, evaluated.seenByBase?.note ?? null, unreadableText(evaluated.unreadable, rows), bootstrapText(evaluated)].filter((note) => note !== null);
}

/** What a package's validation figures are: a --paper-exact package's are its test split's, where it chose the epoch. */
export function validationWords(selectedOnTest: boolean, records?: number): string {
  const n = records === undefined ? '' : `; ${counted(records, 'record')}`;
  return selectedOnTest ? `test split as validation (--paper-exact: chose the epoch; optimistic, not a locked test${n})` : `validation (chose the epoch and thresholds; optimistic${n})`;
}

/** When a reading was replaced, to the minute in UTC ("2026-12-07 14:03 UTC"): the same on the card and in `ecg model inspect`. */
function utcMinute(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(iso) ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : iso;
}

/**
 * How many times a package's locked test was read, counting its present figures (a locked test,
 * as an attach keeps only one) and each replaced reading that was one: figures kept as no locked
 * test (a fine-tuning's closing figures on records its base saw, or could not be checked against)
 * were not a reading of it, so a locked test attached in their place is its first.
 */
export function lockedTestReadings(replaced: readonly { readonly notLockedTest?: string | undefined }[]): number {
  return replaced.filter((r) => r.notLockedTest === undefined).length + 1;
}

/**
 * The line beside a package's locked-test figures when they replaced earlier ones (`ecg evaluate
 * --attach --replace-test`): how many times its locked test was read, and what each earlier
 * reading gave and when it was replaced, each that was no locked test said to be so. A locked
 * test promises a single reading; one read again may keep the more favourable figures, which a
 * reader must be told (a warning: `lockedTestReadings` above one). Oldest first.
 */
export function replacedTestsText(replaced: NonNullable<ModelDetail['replacedTests']>): string {
  const readings = replaced.map((r) => {
    const set = r.comparedWithBase ? '; its closing comparison with the base model, made on that reading, was set aside with it' : '';
    const notLocked = r.notLockedTest === undefined ? '' : '; not a locked test';
    return `n = ${r.n}, macro AUC ${r.aucMacro === null ? '—' : r.aucMacro.toFixed(3)}, replaced on ${utcMinute(r.replacedAt)}${notLocked}${set}`;
  });
  const times = lockedTestReadings(replaced);
  if (times === 1) {
    const earlier = replaced.length === 1 ? 'earlier figures' : `${replaced.length} earlier sets of figures`;
    return `Locked test read once: its present figures replaced ${earlier} that were not a locked test (${readings.join(' · ')}).`;
  }
  const earlier = replaced.length === 1 ? 'an earlier reading' : `${replaced.length} earlier readings`;
  return `Locked test read ${times} times: its present figures replaced ${earlier} (${readings.join(' · ')}). A locked test is meant to be read once; figures kept after it was read again may be the more favourable reading, so take them as optimistic.`;
}
