import { counted, isAre, noneOf, someOf, wordFor } from '../contract/counted';
import type { ModelRecords } from './base-records';
import type { BaseRecordFilter, RecordFilter } from './record-filter';
import { recordFilterTest } from './record-filter';
import type { RateCopySearch } from './rate-copy-search';

export interface TrainingOverlap {
  /** Records whose content hash was checked. */
  readonly checked: number;
  /** How many of them the model trained or validated on; null when it keeps no record of those. */
  readonly inTraining: number | null;
  readonly note: string;
}

/** Plain filters (a package's own) and a model's with its bases' both read as a model's records. */
function asModelRecords(records: ModelRecords | RecordFilter | undefined): ModelRecords {
  return records === undefined || 'kind' in records ? { own: records, bases: [] } : records;
}

/**
 * What the seen records make of the figures, said of how many were seen: a fixed sentence, or one
 * that agrees with that number (the default read "its figures on them" of one record).
 */
export type Consequence = string | ((seen: number) => string);

/** The default consequence: "its figures on it are optimistic", "… on them …". */
export const figuresOptimistic = (seen: number): string => `its figures on ${wordFor(seen, 'it', 'them')} are optimistic`;

const consequenceOf = (consequence: Consequence, seen: number): string => (typeof consequence === 'string' ? consequence : consequence(seen));

/** Whether a record was seen by any of `filters`. */
function seenByAny(filters: readonly RecordFilter[]): (sha256: string) => boolean {
  const tests = filters.map(recordFilterTest);
  return (sha256) => tests.some((seen) => seen(sha256));
}

const knownBases = (bases: readonly BaseRecordFilter[]) => bases.flatMap((b) => (b.records ? [{ name: b.name, records: b.records }] : []));

/** "its base starter" or "its bases ft, starter". */
const itsBases = (names: readonly string[]) => `its ${wordFor(names.length, 'base')} ${names.join(', ')}`;

/**
 * Where some bases keep no filter (a package written before it kept its bases', or a base that
 * kept none): whether those learned the records is unknown, said rather than counted as none.
 */
function unknownBasesText(modelName: string, bases: readonly BaseRecordFilter[]): string {
  const unknown = bases.filter((b) => !b.records).map((b) => b.name);
  return unknown.length === 0 ? '' : `; overlap with the training records of ${itsBases(unknown)} is unknown (${modelName} keeps no record of them)`;
}

/**
 * Which of `hashes` a model saw: in its own training-record filter or a known base's, exactly or
 * (with `copies`) as a copy at another sampling rate; none where it keeps no filter of its own.
 * What the overlap counts, and what names the records it counted (evaluate-job's seenRecordIds).
 */
export function seenHashes(records: ModelRecords | RecordFilter | undefined, hashes: readonly (string | undefined)[], copies?: RateCopySearch): { exact: string[]; viaCopy: string[] } {
  const { own, bases } = asModelRecords(records);
  if (!own) return { exact: [], viaCopy: [] };
  const seen = seenByAny([own, ...knownBases(bases).map((b) => b.records)]);
  const checked = hashes.filter((h): h is string => h !== undefined);
  return { exact: checked.filter(seen), viaCopy: checked.filter((h) => !seen(h) && (copies?.copies.get(h) ?? []).some(seen)) };
}

/**
 * How many evaluated records a model already saw, by its training-record filter (the content
 * hashes of its training and validation records, kept in its package) and those of the bases its
 * weights started from (a fine-tuning's network learned its base's records too): figures on those
 * are optimistic. `records`: the model's own filter, or its own with its bases' (base-records.ts
 * `trainingRecordsOf`). `consequence` ends the note when some were seen (a function of how many,
 * where it names them); `what` names the records
 * checked, in the singular ('test record'), counted in the note as many as there are.
 * With `copies` (rate-copy-search.ts), a record also counts as seen when a copy of it at another
 * sampling rate in its data folder is in a filter: PTB-XL's 500 Hz files are other hashes of
 * the 100 Hz ECGs a model trained on, and the check said "none" of records it had all trained on.
 */
export function trainingOverlap(modelName: string, records: ModelRecords | RecordFilter | undefined, hashes: readonly (string | undefined)[], consequence: Consequence = figuresOptimistic, what = 'test record', copies?: RateCopySearch): TrainingOverlap {
  const checked = hashes.filter((h): h is string => h !== undefined);
  const { own, bases } = asModelRecords(records);
  if (!own) return { checked: checked.length, inTraining: null, note: `${modelName} keeps no record of its training records (written before packages kept one): overlap with its training data is unknown` };
  const known = knownBases(bases);
  const byOwn = seenByAny([own]);
  const copiesOf = (h: string) => copies?.copies.get(h) ?? [];
  const { exact, viaCopy } = seenHashes(records, checked, copies);
  const inTraining = exact.length + viaCopy.length;
  // "1 of them" where one was seen in all read as more than one.
  const copyText = viaCopy.length === 0 ? '' : ` (${inTraining === 1 ? '' : `${viaCopy.length} of them `}as a copy at another sampling rate in ${copies?.root})`;
  // The bases are named only where some records are theirs alone: a record the model itself trained on is said as before.
  const baseOnly = [...exact, ...viaCopy].some((h) => !byOwn(h) && !copiesOf(h).some(byOwn));
  const whose = baseOnly ? `${modelName}'s or ${itsBases(known.map((b) => b.name))}'s` : `${modelName}'s`;
  const unknown = unknownBasesText(modelName, bases);
  const note = inTraining === 0 ? `${noneNote(modelName, own.count, known, checked.length, what, copies)}${unknown}` : `${someOf(inTraining, checked.length, what)} ${isAre(inTraining)} among ${whose} training and validation records${copyText}: ${consequenceOf(consequence, inTraining)}${unknown}`;
  return { checked: checked.length, inTraining, note };
}

/** "None seen", saying how far that was checked: exact content always, copies at other rates where a folder was searched. */
function noneNote(modelName: string, count: number, bases: readonly { name: string; records: RecordFilter }[], checked: number, what: string, copies: RateCopySearch | undefined): string {
  // "… among ft's 22 training and validation records or its base starter's 388".
  const basesText = bases.length === 0 ? '' : ` or ${itsBases(bases.map((b) => `${b.name}'s ${b.records.count}`))}`;
  const among = `among ${modelName}'s ${counted(count, 'training and validation record')}${basesText}`;
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

/** An ensemble member's records: its own filter, with those of the bases its weights started from where given. */
export interface MemberRecords {
  readonly name: string;
  readonly filter: RecordFilter | undefined;
  readonly bases?: readonly BaseRecordFilter[];
}

/** The members' bases whose filters are unknown, said as "one's base starter". */
function unknownMemberBasesText(members: readonly MemberRecords[]): string {
  const each = members.flatMap((m) => {
    const unknown = (m.bases ?? []).filter((b) => !b.records).map((b) => b.name);
    return unknown.length === 0 ? [] : [`${m.name}'s ${wordFor(unknown.length, 'base')} ${listNames(unknown)}`];
  });
  return each.length === 0 ? '' : `; overlap with the training records of ${each.join('; ')} is unknown (not kept)`;
}

/**
 * How many evaluated records an ensemble already saw: a record counts as seen when any member's
 * filter, or that of a base a member's weights started from, holds it (that member's vote on it is
 * optimistic, so the ensemble's is). Members without a filter, or with bases without one, leave the
 * combined count a lower bound, and the note says which.
 */
export function ensembleTrainingOverlap(ensembleName: string, members: readonly MemberRecords[], hashes: readonly (string | undefined)[], consequence: Consequence = figuresOptimistic, what = 'test record'): EnsembleOverlap {
  const checked = hashes.filter((h): h is string => h !== undefined);
  const perMember = members.map((m) => ({ name: m.name, ...trainingOverlap(m.name, { own: m.filter, bases: m.bases ?? [] }, hashes, consequence, what) }));
  const recorded = members.filter((m) => m.filter);
  const baseFilters = recorded.flatMap((m) => knownBases(m.bases ?? []).map((b) => b.records));
  const seenByMember = new Set(recorded.flatMap((m) => seenHashes({ own: m.filter, bases: m.bases ?? [] }, checked).exact));
  const seen = (hash: string) => seenByMember.has(hash);
  const unknown = members.filter((m) => !m.filter).map((m) => m.name);
  const unknownText = `${unknown.length > 0 ? `; ${listNames(unknown)} ${wordFor(unknown.length, 'keeps', 'keep')} no record of ${wordFor(unknown.length, 'its', 'their')} training records, so overlap with those is unknown` : ''}${unknownMemberBasesText(recorded)}`;
  if (recorded.length === 0) {
    return { checked: checked.length, inTraining: null, note: `none of ${ensembleName}'s ${members.length} members keeps a record of its training records (written before packages kept one): overlap with their training data is unknown`, members: perMember };
  }
  const inTraining = checked.filter(seen).length;
  const of = `the training and validation records of ${unknown.length > 0 ? `${recorded.length} of` : 'any of'} ${ensembleName}'s ${members.length} members${baseFilters.length > 0 ? ' or their bases' : ''}`;
  const note =
    inTraining === 0
      ? `by exact content, ${noneOf(checked.length, what, ['is', `among ${of}`])} (a copy at another sampling rate would not be recognised)${unknownText}`
      : `${someOf(inTraining, checked.length, what)} ${isAre(inTraining)} among ${of} (one member's is enough): ${consequenceOf(consequence, inTraining)}${unknownText}`;
  return { checked: checked.length, inTraining, note, members: perMember };
}
