import { decodeRecordFiles } from '../data/records';
import type { DatasetItem, Split } from '../data/types';
import type { DuplicatesProvenance } from './package/manifest';
import { recordContentHash } from '../engine/record-hash';
import { recordProfile, type RecordProfile } from '../engine/record-profile';
import { EinthovenError } from '../errors';
import { sameRecordingPairs } from './rate-copies';

/**
 * One row of a dataset with the content hash of its recording (core/engine/record-hash.ts) and,
 * when it has one, its rate-free profile (core/engine/record-profile.ts).
 */
export interface HashedRow {
  readonly id: string;
  readonly split: Split;
  readonly hash: string;
  readonly profile?: RecordProfile;
}

/**
 * Rows holding the same recording, whatever their file names: the same rate, leads and samples
 * (one content hash), or the same ECG at another sampling rate (PTB-XL's 100 and 500 Hz files).
 */
export type DuplicateGroup = readonly HashedRow[];

/** The root of a row in a union-find forest (path halving). */
function rootOf(parent: number[], i: number): number {
  let k = i;
  while (parent[k] !== k) {
    parent[k] = parent[parent[k] as number] as number;
    k = parent[k] as number;
  }
  return k;
}

/** Every recording listed in more than one row, in the order first listed. */
export function duplicateGroups(rows: readonly HashedRow[]): DuplicateGroup[] {
  const parent = rows.map((_, i) => i);
  const join = (a: number, b: number) => {
    const [ra, rb] = [rootOf(parent, a), rootOf(parent, b)];
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  const firstWithHash = new Map<string, number>();
  rows.forEach((row, i) => {
    const first = firstWithHash.get(row.hash);
    if (first === undefined) firstWithHash.set(row.hash, i);
    else join(first, i);
  });
  for (const [a, b] of sameRecordingPairs(rows.map((r) => r.profile))) join(a, b);
  const byRoot = new Map<number, HashedRow[]>();
  rows.forEach((row, i) => {
    const root = rootOf(parent, i);
    const group = byRoot.get(root);
    if (group) group.push(row);
    else byRoot.set(root, [row]);
  });
  return [...byRoot.values()].filter((group) => group.length > 1);
}

const spansSplits = (group: DuplicateGroup) => new Set(group.map((r) => r.split)).size > 1;
const rowsText = (group: DuplicateGroup) => group.map((r) => `${r.id} (${r.split})`).join(' = ');

/** At most `shown` groups in words, and how many more. */
function listed(groups: readonly DuplicateGroup[], shown = 5): string {
  const more = groups.length > shown ? `; and ${groups.length - shown} more` : '';
  return `${groups.slice(0, shown).map(rowsText).join('; ')}${more}`;
}

/**
 * Refuses a recording listed in two splits (a copy of a training record in validation or test
 * is leakage: the model is scored on what it learned), naming the rows. Copies within one split
 * only weigh that recording twice: returned, for the output and the package's provenance.
 * `concerning`: only the groups a row of that split is part of (the others were reported before).
 */
export function sameSplitCopies(rows: readonly HashedRow[], concerning?: Split): DuplicateGroup[] {
  const groups = duplicateGroups(rows).filter((group) => concerning === undefined || group.some((r) => r.split === concerning));
  const leaks = groups.filter(spansSplits);
  if (leaks.length > 0) {
    throw new EinthovenError('E_VALIDATION', `${leaks.length} recording(s) are listed in more than one split (the same ECG under another row, or at another sampling rate: leakage between the splits): ${listed(leaks)}. Remove the copies, or keep each recording in one split`);
  }
  return groups;
}

/** The warning for copies kept within one split, undefined when none. */
export function sameSplitWarning(groups: readonly DuplicateGroup[]): string | undefined {
  if (groups.length === 0) return undefined;
  return `warning: ${groups.length} recording(s) are listed more than once in the same split, so they weigh twice: ${listed(groups)}`;
}

/** `sameSplitCopies` as a warning for the output: throws on copies across splits, undefined when none. */
export function checkDuplicates(rows: readonly HashedRow[], concerning?: Split): string | undefined {
  return sameSplitWarning(sameSplitCopies(rows, concerning));
}

/** At most this many groups are listed in a package's provenance (each by its row ids); all are counted. */
const provenanceGroups = 100;

/**
 * What a package keeps of the check for copies among the rows of `splits` (manifest provenance.duplicates):
 * how many recordings and rows, and the rows of each (ids and splits, no signal), so its model card and an
 * auditor see that some recordings weighed twice; with none, that the check was made and found none,
 * which a package made before every package recorded its check cannot say.
 */
export function duplicatesProvenance(groups: readonly DuplicateGroup[], splits: readonly Split[]): DuplicatesProvenance {
  return {
    recordings: groups.length,
    rows: groups.reduce((n, g) => n + g.length, 0),
    groups: groups.slice(0, provenanceGroups).map((g) => g.map((r) => ({ id: r.id, split: r.split }))),
    method: 'recording-content',
    splits: [...splits],
  };
}

/**
 * Cross-validation: a recording in two folds is tested by a model that trained on its copy.
 * Refused as leakage, naming the rows and their folds; copies within one fold only weigh twice.
 */
export function checkFoldDuplicates(rows: readonly HashedRow[], foldOf: (id: string) => number | undefined): string | undefined {
  const groups = duplicateGroups(rows);
  const leaks = groups.filter((group) => new Set(group.map((r) => foldOf(r.id))).size > 1);
  const inFolds = (group: DuplicateGroup) => group.map((r) => `${r.id} (fold ${foldOf(r.id) ?? '?'})`).join(' = ');
  if (leaks.length > 0) {
    const more = leaks.length > 5 ? `; and ${leaks.length - 5} more` : '';
    throw new EinthovenError('E_VALIDATION', `${leaks.length} recording(s) fall in more than one fold (the same ECG under another row, or at another sampling rate: each fold's test would hold a copy of a training record): ${leaks.slice(0, 5).map(inFolds).join('; ')}${more}. Remove the copies, or give them one patient id so they share a fold`);
  }
  if (groups.length === 0) return undefined;
  return `warning: ${groups.length} recording(s) are listed more than once in the same fold, so they weigh twice: ${listed(groups)}`;
}

/**
 * Content hashes and profiles of rows not yet decoded (the locked test split, read only at the
 * closing evaluation): each is decoded once, without the pipeline, and not kept. Unreadable rows
 * are skipped here; the evaluation reports them.
 */
export async function hashRows(items: readonly DatasetItem[], signal?: AbortSignal): Promise<HashedRow[]> {
  const rows: HashedRow[] = [];
  for (const item of items) {
    if (signal?.aborted) throw new EinthovenError('E_CANCELLED', 'cancelled while reading the test records');
    const record = await decodeRecordFiles(item.files).catch(() => undefined);
    if (!record) continue;
    const profile = recordProfile(record);
    rows.push({ id: item.id, split: item.split, hash: recordContentHash(record), ...(profile ? { profile } : {}) });
  }
  return rows;
}
