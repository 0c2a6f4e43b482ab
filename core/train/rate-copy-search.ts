import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { decodeRecordFiles } from '../data/records';
import { recordContentHash } from '../engine/record-hash';
import { recordProfile, type RecordProfile } from '../engine/record-profile';
import { EinthovenError } from '../errors';
import { sameRecordingPairs } from './rate-copies';

/** A record whose copies are looked for: its exact content hash and its rate-free profile. */
export interface SearchedRecord {
  readonly hash: string;
  readonly profile?: RecordProfile | undefined;
}

/**
 * What a search of a data folder for copies of some records at other sampling rates found: the
 * exact content hashes of each record's copies (by the record's own hash), so they can be looked
 * up in a model's training-record filter, which holds exact hashes only.
 */
export interface RateCopySearch {
  readonly root: string;
  /** Records of the folder outside the dataset that were compared. */
  readonly searched: number;
  readonly copies: ReadonlyMap<string, readonly string[]>;
  /** Why the folder was not searched (null when it was). */
  readonly skipped: string | null;
}

/** A folder with more WFDB records than this beside the dataset is not searched: each would be decoded (PTB-XL's pool has 912). */
export const maxSearchedRecords = 5000;

async function headersUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.hea')).map((e) => path.join(e.parentPath, e.name));
}

/** A WFDB record's files: its header and every file beside it with the same name (its signal files). */
async function filesOf(header: string): Promise<string[]> {
  const dir = path.dirname(header);
  const stem = path.basename(header).replace(/\.hea$/i, '');
  const names = await readdir(dir);
  return names.filter((n) => n.startsWith(`${stem}.`)).map((n) => path.join(dir, n));
}

/**
 * Copies at other sampling rates of the given records among the WFDB records of their data folder
 * that the dataset does not list (PTB-XL keeps every ECG at 100 and at 500 Hz: a model trained on
 * the 100 Hz files and a dataset labelling the 500 Hz ones hold the same ECGs under other hashes).
 * By rate-free profile (core/train/rate-copies.ts), as training's duplicate check finds them.
 */
export async function rateCopiesIn(root: string, listed: ReadonlySet<string>, records: readonly SearchedRecord[], signal?: AbortSignal): Promise<RateCopySearch> {
  const headers = (await headersUnder(root)).filter((h) => !listed.has(path.resolve(h)));
  if (headers.length > maxSearchedRecords) {
    return { root, searched: 0, copies: new Map(), skipped: `${root} holds ${headers.length} records beside the dataset, more than the ${maxSearchedRecords} searched for copies` };
  }
  const found: { hash: string; profile: RecordProfile | undefined }[] = [];
  for (const header of headers) {
    if (signal?.aborted) throw new EinthovenError('E_CANCELLED', 'cancelled while looking for copies at other sampling rates');
    const record = await decodeRecordFiles(await filesOf(header)).catch(() => undefined);
    if (record) found.push({ hash: recordContentHash(record), profile: recordProfile(record) });
  }
  const copies = new Map<string, string[]>();
  const n = records.length;
  for (const [a, b] of sameRecordingPairs([...records.map((r) => r.profile), ...found.map((f) => f.profile)])) {
    if (a >= n || b < n) continue;
    const own = (records[a] as SearchedRecord).hash;
    copies.set(own, [...(copies.get(own) ?? []), (found[b - n] as { hash: string }).hash]);
  }
  return { root, searched: found.length, copies, skipped: null };
}
