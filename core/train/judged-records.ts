import { stat } from 'node:fs/promises';
import path from 'node:path';
import { decodeRecordFiles } from '../data/records';
import type { DatasetItem } from '../data/types';
import { recordSeconds } from '../formats/record';
import { durationFinding, scopeFindings, scopeReasonKinds, type IntendedInput, type ScopeFindings, type ScopeReasonKind } from './scope';

/**
 * How many times a dataset's record was judged against an intended input (scopeFindings) in this
 * process: what the jobs' tests count to show that a job judges each of its records once.
 */
export const scopeJudgements = { count: 0 };

/** What one reading of an item's files found: why it is outside (none: within) and its duration, neither for a record that did not decode. */
export interface ItemJudgement {
  readonly reasons: ScopeFindings['reasons'];
  readonly seconds?: number;
}

/** A record's judgements so far: its duration (none where it did not decode) and, per intended input less its minimum duration, its reasons other than duration. */
interface RecordJudgements {
  readonly seconds?: number;
  readonly reasons: Map<string, ScopeFindings['reasons']>;
}

/**
 * The dataset's own age for a record where it lists one (PTB-XL's database, a labels CSV's age
 * column), else the record file's: the model's age range applies to the patient, wherever stated.
 */
function ageOf(item: DatasetItem, fileAge: number | undefined): number | undefined {
  return item.demographics?.ageYears ?? fileAge;
}

/** JSON with object keys sorted, and numbers as String gives them (Infinity is not null, an open bound). */
function keyOf(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  if (Array.isArray(value)) return `[${value.map(keyOf).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return `{${entries.sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${JSON.stringify(k)}:${keyOf(v)}`).join(',')}}`;
}

/**
 * The part of an intended input a verdict depends on but for its minimum duration (which
 * durationFinding applies to the record's duration alone): every other field, so a field added
 * later is part of it.
 */
function intendedKey(intended: IntendedInput): string {
  const { minSeconds: _seconds, minSecondsBasis: _basis, ...rest } = intended;
  return keyOf(rest);
}

/**
 * The item's files as they are now (path, size, modification time) and the age its row states:
 * all a verdict reads of the item, so a file written again in the job is read again. The files by
 * path, not in the order the item lists them (a folder's listing order, which the file system
 * need not keep from one listing to the next): the same unchanged record listed otherwise was
 * decoded and judged again. Only the key: the decoder is handed item.files as they are.
 */
async function recordKey(item: DatasetItem): Promise<string> {
  const files = await Promise.all(
    item.files.map((file) => path.resolve(file)).sort().map(async (where) => {
      const s = await stat(where).catch(() => undefined);
      return s ? [where, s.size, s.mtimeMs] : [where, null];
    }),
  );
  return keyOf([files, item.demographics?.ageYears ?? null]);
}

/** `reasons` (none of kind duration) with `intended`'s duration reason for a record of `seconds`, in the place scopeFindings gives it. */
export function withDurationReason(reasons: ScopeFindings['reasons'], seconds: number, intended: Pick<IntendedInput, 'minSeconds' | 'minSecondsBasis'>): ScopeFindings['reasons'] {
  const order = (kind: ScopeReasonKind) => scopeReasonKinds.indexOf(kind);
  const short = durationFinding(seconds, intended);
  return [...reasons.filter((r) => r.kind !== 'duration'), ...(short ? [short] : [])].sort((a, b) => order(a.kind) - order(b.kind));
}

/**
 * The verdicts one job has reached on its records. A job reads the same records against the same
 * intended input more than once (a fine-tuning its test rows before training and in its closing
 * evaluation; a cross-validation each record before the folds, as a fold's validation and held-out
 * rows, and in the fold's scoring), and judging a record takes several times as long as decoding
 * it. A verdict is given again for the same files, unchanged, and the same age, against an intended
 * input equal in every field but the minimum duration, whose reason is made afresh from the
 * record's duration: the verdict scopeFindings would give.
 */
export class JudgedRecords {
  readonly #records = new Map<string, RecordJudgements>();

  /** The item judged against each intended input given (one per model; an ensemble's members each), its reasons one input's after another's. */
  async judge(item: DatasetItem, intended: readonly IntendedInput[]): Promise<ItemJudgement> {
    const key = await recordKey(item);
    const known = this.#records.get(key);
    const missing = intended.filter((one) => !known?.reasons.has(intendedKey(one)));
    const judged = known && (known.seconds === undefined || missing.length === 0) ? known : await this.#read(item, known, missing);
    this.#records.set(key, judged);
    if (judged.seconds === undefined) return { reasons: [] };
    const seconds = judged.seconds;
    return { reasons: intended.flatMap((one) => withDurationReason(judged.reasons.get(intendedKey(one)) ?? [], seconds, one)), seconds };
  }

  /** Decodes the item's files and judges the record against the intended inputs not judged before. */
  async #read(item: DatasetItem, known: RecordJudgements | undefined, intended: readonly IntendedInput[]): Promise<RecordJudgements> {
    const record = await decodeRecordFiles(item.files).catch(() => undefined);
    if (!record) return { reasons: new Map() };
    const reasons = new Map(known?.reasons);
    const input = { fs: record.fs, leads: record.leads, patient: { ageYears: ageOf(item, record.patient.ageYears) } };
    for (const one of intended) {
      scopeJudgements.count++;
      reasons.set(intendedKey(one), scopeFindings(input, one).reasons.filter((r) => r.kind !== 'duration'));
    }
    return { seconds: recordSeconds(record), reasons };
  }
}
