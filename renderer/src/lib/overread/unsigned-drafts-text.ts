import type { RecordSummary } from '../../../../core/contract/schemas';
import { counted, wordFor } from '../../../../core/contract/counted';

/** A record holding an unsigned reading draft, named as the worklist names it. */
export interface DraftRecord {
  readonly recordId: number;
  readonly label: string;
}

/** How many records a warning names before it counts the rest ("and 4 more"): a close prompt must stay readable. */
const namedAtMost = 8;

/** The record as the worklist shows it: its file name, with the patient's name or ID when known ("00001_lr.hea, ID 15709"). */
export function draftRecordLabel(record: Pick<RecordSummary, 'sourcePath' | 'patient'>): string {
  const file = record.sourcePath.split(/[\\/]/).pop() ?? record.sourcePath;
  const who = record.patient.name ?? (record.patient.id ? `ID ${record.patient.id}` : '');
  return who ? `${file}, ${who}` : file;
}

function namesOf(records: readonly DraftRecord[]): string {
  const named = records.slice(0, namedAtMost).map((r) => r.label);
  const rest = records.length - named.length;
  return rest > 0 ? `${named.join('; ')} and ${rest} more` : named.join('; ');
}

/** "2 records have unsigned reading drafts" (or "1 record has an unsigned reading draft"). */
export function unsignedDraftsCount(count: number): string {
  return `${counted(count, 'record')} ${wordFor(count, 'has an unsigned reading draft', 'have unsigned reading drafts')}`;
}

/**
 * The warning shown when the window is closed or reloaded while readings are drafted but not
 * signed: drafts live in this window's memory only, so closing loses them. Null when there are none.
 */
export function unsignedDraftsWarning(records: readonly DraftRecord[]): string | null {
  if (records.length === 0) return null;
  const them = wordFor(records.length, 'it', 'them');
  return `${unsignedDraftsCount(records.length)}: ${namesOf(records)}. Drafts are not saved: closing or reloading Einthoven loses ${them}. Go back to sign ${them}, or close to discard ${them}.`;
}
