import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cvLines } from '../cli/commands/cv-print';
import { decodeRecordFiles } from '../data/records';
import { recordContentHash } from '../engine/record-hash';
import { recordProfile } from '../engine/record-profile';
import { fixturePath } from '../test/shared-data';
import { summariseFolds } from './cv';
import { FolderRecords, folderListings, folderRecordsDecoded, rateCopiesIn, recordsUnder, stampConcurrency, stampOf, stampsInFlight } from './rate-copy-search';
import { buildRecordFilter } from './record-filter';
import { trainingOverlap } from './training-overlap';

/** A data folder as PTB-XL lays it out: one ECG at 500 Hz (the dataset's) and at 100 Hz, and another ECG at 100 Hz. */
function dataFolder(): { root: string; hr: string[]; lr: string[]; other: string[] } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'einthoven-rate-copies-'));
  const copy = (from: string, sub: string, stem: string) => {
    mkdirSync(path.join(root, sub), { recursive: true });
    return ['hea', 'dat'].map((ext) => {
      const to = path.join(root, sub, `${stem}.${ext}`);
      copyFileSync(path.join(from, `${stem}.${ext}`), to);
      return to;
    });
  };
  return {
    root,
    hr: copy(fixturePath('train', 'ptbxl-500', 'records500', '00000'), 'records500', '00001_hr'),
    lr: copy(fixturePath('train', 'ptbxl', 'records100', '00000'), 'records100', '00001_lr'),
    other: copy(fixturePath('train', 'ptbxl', 'records100', '00000'), 'records100', '00038_lr'),
  };
}

async function hashed(files: string[]) {
  const record = await decodeRecordFiles(files);
  return { hash: recordContentHash(record), profile: recordProfile(record) };
}

describe("a base model's training overlap, across sampling rates", () => {
  it('counts a held-out 500 Hz record whose 100 Hz copy the base trained on, where it said none', async () => {
    const { root, hr, lr, other } = dataFolder();
    const held = await hashed(hr);
    const filter = buildRecordFilter([(await hashed(lr)).hash, (await hashed(other)).hash]);
    const copies = await rateCopiesIn(root, new Set(hr), [held]);
    expect(copies).toMatchObject({ searched: 2, skipped: null });
    const overlap = trainingOverlap('starter', filter, [held.hash], undefined, 'test record', copies);
    expect(overlap).toMatchObject({ checked: 1, inTraining: 1 });
    expect(overlap.note).toBe(`the 1 test record is among starter's training and validation records (as a copy at another sampling rate in ${root}): its figures on it are optimistic`);
  });

  it("finds the 100 Hz copy 'a' of a held-out record beside another record 'a.filtered', where it searched 'a' as 'a.filtered' and missed the copy", async () => {
    const { root, hr, other } = dataFolder();
    // The other real ECG saved beside 00001_lr as its filtered copy, its header naming its own files.
    const [otherHeader, otherSignal] = other as [string, string];
    const filtered = path.join(root, 'records100', '00001_lr.filtered');
    writeFileSync(`${filtered}.hea`, readFileSync(otherHeader, 'latin1').replaceAll('00038_lr', '00001_lr.filtered'), 'latin1');
    renameSync(otherSignal, `${filtered}.dat`);
    rmSync(otherHeader);
    const held = await hashed(hr);
    const copies = await rateCopiesIn(root, new Set(hr), [held]);
    expect(copies).toMatchObject({ searched: 2, skipped: null });
    expect(copies.copies.get(held.hash)).toHaveLength(1);
  });

  it('says how far "none" was checked: exact content, and copies among the folder\'s other records', async () => {
    const { root, hr, other } = dataFolder();
    const held = await hashed(hr);
    const filter = buildRecordFilter([(await hashed(other)).hash]);
    const copies = await rateCopiesIn(root, new Set(hr), [held]);
    const overlap = trainingOverlap('starter', filter, [held.hash], undefined, 'validation record', copies);
    // One record, one model's record and, below, one other record in the folder: each said in the singular (it read "none of the 1 validation records").
    expect(overlap.note).toBe(`neither the 1 validation record nor a copy of it at another sampling rate among the 2 other records in ${root} is among starter's 1 training and validation record (a copy kept elsewhere would not be recognised)`);
    const two = trainingOverlap('starter', filter, [held.hash, (await hashed(hr)).hash], undefined, 'validation record', { ...copies, searched: 1 });
    expect(two.note).toBe(`none of the 2 validation records, nor a copy of one at another sampling rate among the 1 other record in ${root}, is among starter's 1 training and validation record (a copy kept elsewhere would not be recognised)`);
  });

  it("reads the folder's records once for searches sharing its reads, finding what a search of its own finds, and a record written again afresh", async () => {
    const { root, hr, lr, other } = dataFolder();
    const [held, low] = [await hashed(hr), await hashed(lr)];
    const folder = new FolderRecords();
    const count = async (search: () => Promise<unknown>) => {
      const before = folderRecordsDecoded.count;
      return { found: await search(), decoded: folderRecordsDecoded.count - before };
    };
    // As a cross-validation's folds search: other records each time, the same folder records beside them.
    const first = await count(() => rateCopiesIn(root, new Set(hr), [held], undefined, folder));
    expect(first).toEqual({ found: await rateCopiesIn(root, new Set(hr), [held]), decoded: 2 });
    const second = await count(() => rateCopiesIn(root, new Set([...hr, ...other]), [held, low], undefined, folder));
    expect(second).toEqual({ found: await rateCopiesIn(root, new Set([...hr, ...other]), [held, low]), decoded: 0 });
    // The 100 Hz copy's header touched (another modification time): read again, where its entry is replaced.
    utimesSync(lr[0] as string, new Date(), new Date(Date.now() + 60_000));
    const third = await count(() => rateCopiesIn(root, new Set(hr), [held], undefined, folder));
    expect(third).toEqual({ found: first.found, decoded: 1 });
  });

  it("decodes a record once where two searches sharing the folder's reads ask for it at once, whatever the order their steps take", async () => {
    const { root, hr, lr } = dataFolder();
    const held = await hashed(hr);
    // The order that decoded a record twice, forced: the second asks while the first is decoding (no await between them).
    const folder = new FolderRecords();
    const entry = (await recordsUnder(root)).find((r) => r.header === lr[0]) as Awaited<ReturnType<typeof recordsUnder>>[number];
    const before = folderRecordsDecoded.count;
    const [a, b] = await Promise.all([folder.read(entry, 'stamp'), folder.read(entry, 'stamp')]);
    expect(folderRecordsDecoded.count - before).toBe(1);
    expect(a).toEqual(await hashed(lr));
    expect(b).toBe(a);
    // Whole searches started together: the folder's two other records decoded once between them, each finding what a search of its own finds.
    const shared = new FolderRecords();
    const decodedBefore = folderRecordsDecoded.count;
    const searches = await Promise.all([0, 1].map(() => rateCopiesIn(root, new Set(hr), [held], undefined, shared)));
    expect(folderRecordsDecoded.count - decodedBefore).toBe(2);
    const alone = await rateCopiesIn(root, new Set(hr), [held]);
    expect(searches).toEqual([alone, alone]);
  });

  it('decodes an unchanged record once whatever order a listing gives its files in', async () => {
    const { root, lr } = dataFolder();
    const entry = (await recordsUnder(root)).find((r) => r.header === lr[0]) as Awaited<ReturnType<typeof recordsUnder>>[number];
    // The file system promises no order: a later listing may give the record's signal file before its header.
    const [listed, relisted] = [{ ...entry, files: [...lr] }, { ...entry, files: [...lr].reverse() }];
    expect(await stampOf(relisted.files)).toBe(await stampOf(listed.files));
    const folder = new FolderRecords();
    const before = folderRecordsDecoded.count;
    const first = await folder.read(listed, await stampOf(listed.files));
    const again = await folder.read(relisted, await stampOf(relisted.files));
    expect(folderRecordsDecoded.count - before).toBe(1);
    expect(again).toBe(first);
    expect(first).toEqual(await hashed(lr));
  });

  it("lists the folder once a search, where it listed each record's directory again for the record's files", async () => {
    const { root, hr, lr } = dataFolder();
    const before = folderListings.count;
    const copies = await rateCopiesIn(root, new Set(hr), [await hashed(hr)]);
    expect(folderListings.count - before).toBe(1);
    // Both other records read with their files: the 100 Hz copy found among them.
    expect(copies).toMatchObject({ searched: 2, skipped: null });
    expect([...copies.copies.values()]).toEqual([[(await hashed(lr)).hash]]);
  });

  it("groups each directory's files by header: the header's stem with one extension, in listing order; 'a.b.*' is the record 'a.b', no file of 'a'", async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'einthoven-folder-records-'));
    const tree: Record<string, string[]> = {
      records500: ['00001_hr.hea', '00001_hr.dat', '00001_hr_extra.dat', '00001_lr.hea', '00001_lr.dat', '00001_lr.dat.bak', '00002_hr.hea', '00003.HEA', '00003.dat', '00003.v2.hea', '00003.v2.dat', 'notes.txt'],
      records100: ['00001_lr.hea', '00001_lr.dat', '00001_lrx.dat'],
    };
    for (const [dir, names] of Object.entries(tree)) {
      mkdirSync(path.join(root, dir));
      for (const name of names) writeFileSync(path.join(root, dir, name), '');
    }
    const [hi, lo] = [path.join(root, 'records500'), path.join(root, 'records100')];
    // Expected by hand; a look-alike (00001_hr_extra, 00001_lrx, 00001_lr.dat.bak) is no file of its record, nor is another record whose name begins with its stem (00003.v2).
    const expected: Record<string, string[]> = {
      [path.join(hi, '00001_hr.hea')]: ['00001_hr.hea', '00001_hr.dat'].map((n) => path.join(hi, n)),
      [path.join(hi, '00001_lr.hea')]: ['00001_lr.hea', '00001_lr.dat'].map((n) => path.join(hi, n)),
      [path.join(hi, '00002_hr.hea')]: [path.join(hi, '00002_hr.hea')],
      [path.join(hi, '00003.HEA')]: ['00003.HEA', '00003.dat'].map((n) => path.join(hi, n)),
      [path.join(hi, '00003.v2.hea')]: ['00003.v2.hea', '00003.v2.dat'].map((n) => path.join(hi, n)),
      [path.join(lo, '00001_lr.hea')]: ['00001_lr.hea', '00001_lr.dat'].map((n) => path.join(lo, n)),
    };
    const found = await recordsUnder(root);
    const sorted = (files: readonly string[]) => [...files].sort();
    expect(Object.fromEntries(found.map((r) => [r.header, sorted(r.files)]))).toEqual(Object.fromEntries(Object.entries(expected).map(([h, f]) => [h, sorted(f)])));
    // The order is the listing's (which the file system decides): headers as the folder is listed, each record's files as its directory is.
    const listed = (await readdir(root, { recursive: true, withFileTypes: true })).map((e) => path.join(e.parentPath, e.name));
    expect(found.map((r) => r.header)).toEqual(listed.filter((f) => f in expected));
    for (const r of found) expect(r.files).toEqual(listed.filter((f) => expected[r.header]?.includes(f)));
  });

  it("looks at the files of many records at once, never more than stampConcurrency, where it looked at one record's after another", async () => {
    const { root, hr } = dataFolder();
    // Forty more records, each in a directory of its own so that its header still names its files.
    for (let k = 0; k < 40; k++) {
      const dir = path.join(root, 'records100', `copy${k}`);
      mkdirSync(dir);
      for (const ext of ['hea', 'dat']) copyFileSync(path.join(fixturePath('train', 'ptbxl', 'records100', '00000'), `00038_lr.${ext}`), path.join(dir, `00038_lr.${ext}`));
    }
    stampsInFlight.peak = 0;
    const copies = await rateCopiesIn(root, new Set(hr), [await hashed(hr)]);
    expect(stampsInFlight).toEqual({ now: 0, peak: stampConcurrency });
    expect(copies).toMatchObject({ searched: 42, skipped: null });
  });

  it("prints each cross-validation fold's held-out and validation overlap", () => {
    const summary = summariseFolds([{ fold: 1, ids: ['a', 'b'], patients: [undefined, undefined], labels: [[1], [0]], probs: [[0.9], [0.1]], thresholds: [0.5] }], ['PE'], { resamples: 20, seed: 1 });
    const overlap = { checked: 2, inBaseTraining: 2, note: '2 of the 2 test records are among starter\'s training and validation records (2 of them as a copy at another sampling rate in /d): …', validation: { checked: 1, inBaseTraining: 0, note: 'the 1 validation record is not …' } };
    const lines = cvLines({ ...summary, k: 3, source: 'rows', excluded: null, dataset: 'd', classes: ['PE'], cancelled: false, out: '/o', folds: [{ fold: 1, bestEpoch: 1, epochs: 1, overlap }] });
    expect(lines).toContain(`  fold 1: WARNING: held-out overlap: ${overlap.note}`);
    expect(lines).toContain(`  fold 1: validation overlap: ${overlap.validation.note}`);
  });
});
