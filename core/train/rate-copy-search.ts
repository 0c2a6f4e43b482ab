import { readdir, stat } from 'node:fs/promises';
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

/**
 * How many times the searches of this process listed a folder or directory: what the tests count to
 * show that a search lists its folder once.
 */
export const folderListings = { count: 0 };

/** A WFDB record of the folder: its header and its files (the header and every entry beside it with the same name: its signal files). */
interface FolderEntry {
  readonly header: string;
  readonly files: readonly string[];
}

/**
 * The folder's WFDB records with their files, from one listing of the folder: each header's
 * directory was listed again for its files, a thousand times per directory of PTB-XL's pool
 * (0.5–1 s a search, as much as a search whose records were all read before took in all).
 */
async function recordsUnder(root: string): Promise<FolderEntry[]> {
  folderListings.count++;
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  const names = new Map<string, string[]>();
  for (const e of entries) {
    const dir = path.join(e.parentPath);
    const inDir = names.get(dir);
    if (inDir) inDir.push(e.name);
    else names.set(dir, [e.name]);
  }
  return entries.filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.hea')).map((e) => {
    const dir = path.join(e.parentPath);
    const stem = e.name.replace(/\.hea$/i, '');
    return { header: path.join(dir, e.name), files: (names.get(dir) ?? []).filter((n) => n.startsWith(`${stem}.`)).map((n) => path.join(dir, n)) };
  });
}

/** What a search keeps of one folder record: its exact hash and rate-free profile. */
interface FolderRecord {
  readonly hash: string;
  readonly profile: RecordProfile | undefined;
}

/**
 * How many folder records the searches of this process decoded: what the jobs' tests count to
 * show that a job searching its folder more than once decodes each of its records once.
 */
export const folderRecordsDecoded = { count: 0 };

/** A record's files as they are now (path, size, modification time): a file written again is read again. */
async function stampOf(files: readonly string[]): Promise<string> {
  const stamps = await Promise.all(files.map(async (file) => {
    const s = await stat(file).catch(() => undefined);
    return s ? [file, s.size, s.mtimeMs] : [file, null];
  }));
  return JSON.stringify(stamps);
}

/**
 * The folder records one job's searches have read. A cross-validation's folds each search the
 * same folder (a fine-tuning fold's closing evaluation: finetune-closing.ts), and decoding it took
 * each fold several seconds on PTB-XL's pool. A record is given again while its files are
 * unchanged (same paths, sizes and modification times); read again, its entry is replaced. Bounded:
 * one entry (a 64-character hash and a profile of at most 2 leads × 500 samples, about 4 KB) per
 * WFDB header searched, and a search reads at most maxSearchedRecords of them, so about 20 MB for
 * a folder at that limit.
 */
export class FolderRecords {
  readonly #read = new Map<string, { readonly stamp: string; readonly record: FolderRecord | undefined }>();

  /** The record of `entry` (undefined: it does not decode), decoded only if its files changed since it was last read. */
  async read(entry: FolderEntry): Promise<FolderRecord | undefined> {
    const { header, files } = entry;
    const stamp = await stampOf(files);
    const key = path.resolve(header);
    const known = this.#read.get(key);
    if (known?.stamp === stamp) return known.record;
    folderRecordsDecoded.count++;
    const decoded = await decodeRecordFiles(files).catch(() => undefined);
    const record = decoded ? { hash: recordContentHash(decoded), profile: recordProfile(decoded) } : undefined;
    this.#read.set(key, { stamp, record });
    return record;
  }
}

/**
 * Copies at other sampling rates of the given records among the WFDB records of their data folder
 * that the dataset does not list (PTB-XL keeps every ECG at 100 and at 500 Hz: a model trained on
 * the 100 Hz files and a dataset labelling the 500 Hz ones hold the same ECGs under other hashes).
 * By rate-free profile (core/train/rate-copies.ts), as training's duplicate check finds them.
 * `folder`: the folder records the job read before, given again where their files are unchanged.
 */
export async function rateCopiesIn(root: string, listed: ReadonlySet<string>, records: readonly SearchedRecord[], signal?: AbortSignal, folder: FolderRecords = new FolderRecords()): Promise<RateCopySearch> {
  const unlisted = (await recordsUnder(root)).filter((r) => !listed.has(path.resolve(r.header)));
  if (unlisted.length > maxSearchedRecords) {
    return { root, searched: 0, copies: new Map(), skipped: `${root} holds ${unlisted.length} records beside the dataset, more than the ${maxSearchedRecords} searched for copies` };
  }
  const found: FolderRecord[] = [];
  for (const entry of unlisted) {
    if (signal?.aborted) throw new EinthovenError('E_CANCELLED', 'cancelled while looking for copies at other sampling rates');
    const record = await folder.read(entry);
    if (record) found.push(record);
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
