import { counted, isAre, noneOf, someOf, wordFor } from '../contract/counted';
import type { RecordFilter } from './record-filter';
import { recordFilterTest } from './record-filter';
import type { RateCopySearch } from './rate-copy-search';

export interface TrainingOverlap {
  /** Records whose content hash was checked. */
  readonly checked: number;
  /** How many of them the model trained or validated on; null when it keeps no record of those. */
  readonly inTraining: number | null;
  readonly note: string;
}

/**
 * How many evaluated records a model already saw, by its training-record filter (the content
 * hashes of its training and validation records, kept in its package): figures on those are
 * optimistic. `consequence` ends the note when some were seen; `what` names the records checked,
 * in the singular ('test record'), counted in the note as many as there are.
 * With `copies` (rate-copy-search.ts), a record also counts as seen when a copy of it at another
 * sampling rate in its data folder is in the filter: PTB-XL's 500 Hz files are other hashes of
 * the 100 Hz ECGs a model trained on, and the check said "none" of records it had all trained on.
 */
export function trainingOverlap(modelName: string, filter: RecordFilter | undefined, hashes: readonly (string | undefined)[], consequence = 'its figures on them are optimistic', what = 'test record', copies?: RateCopySearch): TrainingOverlap {
  const checked = hashes.filter((h): h is string => h !== undefined);
  if (!filter) return { checked: checked.length, inTraining: null, note: `${modelName} keeps no record of its training records (written before packages kept one): overlap with its training data is unknown` };
  const seen = recordFilterTest(filter);
  const exact = checked.filter(seen);
  const viaCopy = checked.filter((h) => !seen(h) && (copies?.copies.get(h) ?? []).some(seen));
  const inTraining = exact.length + viaCopy.length;
  const copyText = viaCopy.length > 0 ? ` (${viaCopy.length} of them as a copy at another sampling rate in ${copies?.root})` : '';
  const note = inTraining === 0 ? noneNote(modelName, filter.count, checked.length, what, copies) : `${someOf(inTraining, checked.length, what)} ${isAre(inTraining)} among ${modelName}'s training and validation records${copyText}: ${consequence}`;
  return { checked: checked.length, inTraining, note };
}

/** "None seen", saying how far that was checked: exact content always, copies at other rates where a folder was searched. */
function noneNote(modelName: string, count: number, checked: number, what: string, copies: RateCopySearch | undefined): string {
  const among = `among ${modelName}'s ${counted(count, 'training and validation record')}`;
  // The filter holds exact content hashes: a copy at another rate is recognised only where it was found.
  if (!copies || copies.skipped !== null) {
    return `by exact content, ${noneOf(checked, what, ['is', among])} (a copy at another sampling rate would not be recognised${copies?.skipped ? `: ${copies.skipped}` : ''})`;
  }
  const elsewhere = `at another sampling rate among the ${counted(copies.searched, 'other record')} in ${copies.root}`;
  const none = checked === 1 ? `neither the 1 ${what} nor a copy of it ${elsewhere} is ${among}` : `none of the ${checked} ${what}s, nor a copy of one ${elsewhere}, is ${among}`;
  return `${none} (a copy kept elsewhere would not be recognised)`;
}

/** One ensemble member's overlap, named. */
export interface MemberOverlap extends TrainingOverlap {
  readonly name: string;
}

/** An ensemble's overlap: combined over its members (a record seen by any member counts), and each member's. */
export interface EnsembleOverlap extends TrainingOverlap {
  readonly members: readonly MemberOverlap[];
}

const listNames = (names: readonly string[]) => names.join(', ');

/**
 * How many evaluated records an ensemble already saw: a record counts as seen when any member's
 * filter holds it (that member's vote on it is optimistic, so the ensemble's is). Members without
 * a filter leave the combined count a lower bound, and the note says which.
 */
export function ensembleTrainingOverlap(ensembleName: string, members: readonly { name: string; filter: RecordFilter | undefined }[], hashes: readonly (string | undefined)[], consequence = 'its figures on them are optimistic', what = 'test record'): EnsembleOverlap {
  const checked = hashes.filter((h): h is string => h !== undefined);
  const perMember = members.map((m) => ({ name: m.name, ...trainingOverlap(m.name, m.filter, hashes, consequence, what) }));
  const tests = members.flatMap((m) => (m.filter ? [recordFilterTest(m.filter)] : []));
  const unknown = members.filter((m) => !m.filter).map((m) => m.name);
  const unknownText = unknown.length > 0 ? `; ${listNames(unknown)} ${wordFor(unknown.length, 'keeps', 'keep')} no record of ${wordFor(unknown.length, 'its', 'their')} training records, so overlap with those is unknown` : '';
  if (tests.length === 0) {
    return { checked: checked.length, inTraining: null, note: `none of ${ensembleName}'s ${members.length} members keeps a record of its training records (written before packages kept one): overlap with their training data is unknown`, members: perMember };
  }
  const inTraining = checked.filter((h) => tests.some((seen) => seen(h))).length;
  const of = `the training and validation records of ${unknown.length > 0 ? `${tests.length} of` : 'any of'} ${ensembleName}'s ${members.length} members`;
  const note =
    inTraining === 0
      ? `by exact content, ${noneOf(checked.length, what, ['is', `among ${of}`])} (a copy at another sampling rate would not be recognised)${unknownText}`
      : `${someOf(inTraining, checked.length, what)} ${isAre(inTraining)} among ${of} (one member's is enough): ${consequence}${unknownText}`;
  return { checked: checked.length, inTraining, note, members: perMember };
}
