import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { decodeRecordFiles } from '../data/records';
import type { SignalStore } from '../data/store';
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

/** A WFDB record of the folder: its header and its files (the header and every entry beside it with the same stem and one extension: its signal files). */
interface FolderEntry {
  readonly header: string;
  readonly files: readonly string[];
}

/**
 * The folder's WFDB records with their files, from one listing of the folder: each header's
 * directory was listed again for its files, a thousand times per directory of PTB-XL's pool
 * (0.5–1 s a search, as much as a search whose records were all read before took in all).
 * Exported for its tests.
 */
export async function recordsUnder(root: string): Promise<FolderEntry[]> {
  folderListings.count++;
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  const byStem = new Map<string, Map<string, string[]>>();
  for (const e of entries) {
    const dir = path.join(e.parentPath);
    const inDir = byStem.get(dir) ?? new Map<string, string[]>();
    byStem.set(dir, inDir);
    addUnderStem(inDir, e.name);
  }
  return entries.filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.hea')).map((e) => {
    const dir = path.join(e.parentPath);
    const stem = e.name.replace(/\.hea$/i, '');
    return { header: path.join(dir, e.name), files: (byStem.get(dir)?.get(stem) ?? []).map((n) => path.join(dir, n)) };
  });
}

/**
 * Files `name` under its stem, the name without its last extension ("a.dat" and "a.atr" are files
 * of "a"; "a.b.dat" is a file of "a.b" only). Filed under every stem it began with, as
 * `name.startsWith(stem + '.')` said, a record "a.b" beside "a" (a hospital's "12345.v2" beside
 * "12345") was among the files of "a", and decoding those gave whichever record came first: "a.b"
 * sorts before "a.hea", so "a" was searched as "a.b" and a copy of it was missed. One map entry per
 * name, where filtering the directory's names for each header made 830,000 comparisons a search of
 * PTB-XL's pool (47–190 ms of a 100 ms search whose records were read before).
 */
function addUnderStem(inDir: Map<string, string[]>, name: string): void {
  const dot = name.lastIndexOf('.');
  if (dot < 0) return;
  const stem = name.slice(0, dot);
  const files = inDir.get(stem);
  if (files) files.push(name);
  else inDir.set(stem, [name]);
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

/**
 * How many records' files are looked at (stat) at once. One record's after another, the 762 records
 * a search of PTB-XL's pool reads took about 40 of the 100 ms of a search whose records were read
 * before (docs/benchmarks.md, folder-search); sixteen at once keep Node's file-system threads busy
 * without holding more requests than that.
 */
export const stampConcurrency = 16;

/** How many records' files this process's searches are looking at now, and the most at once: what the tests read to show the looks overlap, within stampConcurrency. */
export const stampsInFlight = { now: 0, peak: 0 };

/**
 * A record's files as they are now (path, size, modification time): a file written again is read
 * again. By path, not in the order the folder's listing gave them (which the file system decides
 * and need not keep from one listing to the next): in listing order an unchanged record listed
 * otherwise had another stamp and was decoded again. Exported for its tests.
 */
export async function stampOf(files: readonly string[]): Promise<string> {
  stampsInFlight.peak = Math.max(stampsInFlight.peak, ++stampsInFlight.now);
  try {
    const stamps = await Promise.all([...files].sort().map(async (file) => {
      const s = await stat(file).catch(() => undefined);
      return s ? [file, s.size, s.mtimeMs] : [file, null];
    }));
    return JSON.stringify(stamps);
  } finally {
    stampsInFlight.now--;
  }
}

/**
 * The stamp of every entry, in order, at most `limit` at once: each of `limit` runners takes the
 * next entry until none is left, so the requests in flight stay bounded whatever the folder holds.
 * The stamps themselves (one short string a record) are bounded by maxSearchedRecords.
 */
async function stampsOf(entries: readonly FolderEntry[], limit: number, signal: AbortSignal | undefined): Promise<string[]> {
  const stamps = new Array<string>(entries.length);
  let next = 0;
  const runner = async () => {
    while (next < entries.length) {
      if (signal?.aborted) throw cancelled();
      const k = next++;
      stamps[k] = await stampOf((entries[k] as FolderEntry).files);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, entries.length) }, runner));
  return stamps;
}

const cancelled = () => new EinthovenError('E_CANCELLED', 'cancelled while looking for copies at other sampling rates');

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
  /** Each record's reading under its stamp, kept from the moment it starts: a search that asks while it is decoding waits for it. */
  readonly #read = new Map<string, { readonly stamp: string; readonly record: Promise<FolderRecord | undefined> }>();
  /** Records the request decoded into its store, by header: given as the request read them, whatever their stamp. */
  readonly #decoded = new Map<string, FolderRecord>();

  /**
   * The hash and profile of each of `items` that `store` decoded (store.ts computes them from the
   * decoded record as `read` does), given to later searches rather than decoded again: the app's
   * cross-validation decodes the locked test rows into its store for the fine-tuning after it, and
   * its folds' search decoded them again, as records their datasets do not list. The request's
   * figures read those records as the store holds them, so its searches do too.
   */
  adopt(store: SignalStore, items: readonly { readonly id: string; readonly files: readonly string[] }[]): void {
    for (const item of items) {
      const hash = store.contentHash(item.id);
      const header = item.files.find((f) => f.toLowerCase().endsWith('.hea'));
      if (hash !== undefined && header !== undefined) this.#decoded.set(path.resolve(header), { hash, profile: store.profile(item.id) });
    }
  }

  /**
   * The record of `entry` (undefined: it does not decode), decoded only if its files changed since
   * it was last read: `stamp` is how they are now (stampOf), looked at before, many records at once.
   * A file written between its stamp and its decoding is kept under the older stamp, so the next
   * search reads it again: never a stale record given as current. The reading is kept before it
   * is awaited: kept only once decoded, two searches of one job asking for the same record at once
   * (the second looking while the first was decoding) each decoded it, and how many times a record
   * was decoded hung on how their steps interleaved.
   */
  read(entry: FolderEntry, stamp: string): Promise<FolderRecord | undefined> {
    const key = path.resolve(entry.header);
    const adopted = this.#decoded.get(key);
    if (adopted) return Promise.resolve(adopted);
    const known = this.#read.get(key);
    if (known?.stamp === stamp) return known.record;
    folderRecordsDecoded.count++;
    const record = folderRecordOf(entry.files);
    this.#read.set(key, { stamp, record });
    return record;
  }
}

/** A folder record's exact hash and profile from its files (undefined: they do not decode; never rejects). */
async function folderRecordOf(files: readonly string[]): Promise<FolderRecord | undefined> {
  const decoded = await decodeRecordFiles(files).catch(() => undefined);
  return decoded ? { hash: recordContentHash(decoded), profile: recordProfile(decoded) } : undefined;
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
  // The files' stamps first, many at once; the records are then decoded one after another as before (each decode holds a record's samples).
  const stamps = await stampsOf(unlisted, stampConcurrency, signal);
  const found: FolderRecord[] = [];
  for (const [k, entry] of unlisted.entries()) {
    if (signal?.aborted) throw cancelled();
    const record = await folder.read(entry, stamps[k] as string);
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
