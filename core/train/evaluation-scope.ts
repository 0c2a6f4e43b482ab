import { everyOneOf, noneOf, wordFor } from '../contract/counted';
import type { DatasetItem } from '../data/types';
import { EinthovenError } from '../errors';
import { JudgedRecords, withDurationReason, type ItemJudgement } from './judged-records';
import { scopeReasonCounted, scopeReasonKinds, type IntendedInput, type ScopeReasonKind } from './scope';

/**
 * The records an evaluation left out as outside the model's intended input (what `ecg predict`
 * abstains on): how many, and how many for each reason (a record may miss more than one part).
 */
export interface OutOfScope {
  readonly count: number;
  readonly byReason: Partial<Record<ScopeReasonKind, number>>;
  /** One left-out record and its reasons in full, for the reader to check. */
  readonly example: { readonly id: string; readonly reasons: string[] } | null;
  /** What the figures cover, in words: said with them whenever a record was left out. */
  readonly note: string;
}

/** The counts by reason in words: '3 with sampling rates outside the model's range, 1 too short'. */
function reasonCounts(byReason: OutOfScope['byReason']): string {
  return scopeReasonKinds.flatMap((kind) => {
    const n = byReason[kind];
    return n ? [scopeReasonCounted[kind](n)] : [];
  }).join(', ');
}

/** Items split by scope, before any refusal or note: those kept, and how many were left out for which reasons. */
export interface ScopePartition {
  readonly items: DatasetItem[];
  /** Of all the items given. */
  readonly total: number;
  readonly count: number;
  readonly byReason: OutOfScope['byReason'];
  readonly example: OutOfScope['example'];
}

/** What one reading of an item's file found: why it is outside (none: within) and its duration, neither for a record that did not decode. */
interface ItemVerdict extends ItemJudgement {
  readonly item: DatasetItem;
}

/**
 * Items read once from their original files (before any resampling) and judged against every
 * intended input given (one per model; an ensemble's members each). Judging the pacing of a
 * record takes far longer than decoding it, so the verdicts are kept: a partition under a longer
 * minimum duration (withMinimumDuration) reads nothing again.
 */
export interface ScopeReading {
  readonly verdicts: readonly ItemVerdict[];
}

/**
 * Reads the items' files and judges each against every intended input given (partitionOf splits
 * them). `judged`: the verdicts the job reached before, given again where they stand (JudgedRecords).
 */
export async function readScope(intended: readonly IntendedInput[], items: readonly DatasetItem[], signal?: AbortSignal, judged: JudgedRecords = new JudgedRecords()): Promise<ScopeReading> {
  const verdicts: ItemVerdict[] = [];
  for (const item of items) {
    if (signal?.aborted) throw new EinthovenError('E_CANCELLED', 'cancelled while checking the records against the model\'s intended input');
    verdicts.push({ item, ...(await judged.judge(item, intended)) });
  }
  return { verdicts };
}

/**
 * The reading judged against `intended` where it differs from the intended inputs read only in
 * its minimum duration: each record's duration reason, if any, is `intended`'s (durationFinding),
 * in the place scopeFindings gives it, the other reasons as they were.
 */
export function withMinimumDuration(reading: ScopeReading, intended: IntendedInput): ScopeReading {
  return { verdicts: reading.verdicts.map((v) => (v.seconds === undefined ? v : { ...v, reasons: withDurationReason(v.reasons, v.seconds, intended) })) };
}

/** The durations of the records a reading keeps that decoded: what a package's minimum duration is measured on (withValidatedDuration). */
export function keptSeconds(reading: ScopeReading): number[] {
  return reading.verdicts.flatMap((v) => (v.seconds !== undefined && v.reasons.length === 0 ? [v.seconds] : []));
}

/** A reading split into the items within every intended input and those outside. A record that did not decode is kept, for the caller to report as unreadable. */
export function partitionOf(reading: ScopeReading): ScopePartition {
  const kept: DatasetItem[] = [];
  const byReason: Partial<Record<ScopeReasonKind, number>> = {};
  let example: OutOfScope['example'] = null;
  for (const { item, reasons } of reading.verdicts) {
    if (reasons.length === 0) {
      kept.push(item);
      continue;
    }
    for (const kind of new Set(reasons.map((r) => r.kind))) byReason[kind] = (byReason[kind] ?? 0) + 1;
    example ??= { id: item.id, reasons: [...new Set(reasons.map((r) => r.text))] };
  }
  const total = reading.verdicts.length;
  return { items: kept, total, count: total - kept.length, byReason, example };
}

/**
 * Splits items into those within every intended input given (one per model; an ensemble's
 * members each) and those outside, read from their original files before any resampling. A
 * record that does not decode is kept here, for the caller to report as unreadable.
 */
export async function partitionByScope(intended: readonly IntendedInput[], items: readonly DatasetItem[], signal?: AbortSignal, judged?: JudgedRecords): Promise<ScopePartition> {
  return partitionOf(await readScope(intended, items, signal, judged));
}

/** Why records were left out, in words, with one of them: '3 too short; e.g. r7: too short: 2.00 s; …'. */
export function leftOutWhy(partition: Pick<ScopePartition, 'byReason' | 'example'>): string {
  return `${reasonCounts(partition.byReason)}; e.g. ${partition.example?.id}: ${partition.example?.reasons.join('; ')}`;
}

/**
 * How many of the partition's records were left out and why, after `what`: the note beside figures
 * or choices. Kept in the package and shown by the app's card as by the CLI, so it says what the
 * model does with such a record in words both readers know, not the name of the CLI's command.
 * The pronoun agrees with the count: "1 of 6 left out, as the model gives no prediction on it".
 */
export function leftOutNote(partition: Pick<ScopePartition, 'count' | 'total' | 'byReason'>, what: string): string {
  return `${what}; ${partition.count} of ${partition.total} left out, as the model gives no prediction on ${wordFor(partition.count, 'it', 'them')} (${reasonCounts(partition.byReason)})`;
}

/**
 * Splits evaluated items into those within every intended input given and those outside
 * (partitionByScope): a 100 Hz record scored by a model for 500 Hz and up was silently
 * upsampled and counted, where `ecg predict` abstains on it. Refused when no record is left.
 */
export async function inScopeItems(modelName: string, intended: readonly IntendedInput[], items: readonly DatasetItem[], signal?: AbortSignal, judged?: JudgedRecords): Promise<{ items: DatasetItem[]; outOfScope: OutOfScope }> {
  const partition = await partitionByScope(intended, items, signal, judged);
  const { items: kept, count, byReason, example } = partition;
  if (kept.length === 0) {
    throw new EinthovenError('E_VALIDATION', `${noneOf(items.length, 'record', ['is', `within ${modelName}'s intended input`])} (${leftOutWhy(partition)}): there is nothing the model is for to evaluate it on`);
  }
  const note = count === 0 ? `${everyOneOf(items.length, 'record')} is within ${modelName}'s intended input` : leftOutNote(partition, `the figures cover only the records within ${modelName}'s intended input`);
  return { items: kept, outOfScope: { count, byReason, example, note } };
}

/** What a result and a recorded site evaluation keep of it: the counts and what the figures cover. */
export function outOfScopeSummary(o: OutOfScope): { count: number; byReason: Record<string, number>; note: string } {
  return { count: o.count, byReason: { ...o.byReason }, note: o.note };
}
