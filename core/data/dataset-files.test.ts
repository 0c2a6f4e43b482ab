import { closeSync, constants, copyFileSync, mkdirSync, mkdtempSync, openSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { limits } from '../formats/limits';
import { fixturePath } from '../test/shared-data';
import { loadCinc } from './cinc';
import { readTable } from './csv';
import { loadHospital } from './hospital';
import { decodeRecordFiles, readSourceFiles } from './records';
import { withPipe } from '../test/named-pipe';

/** A path `name` in a folder of its own, for a pipe the old code read. */
const pipePath = (name: string) => path.join(mkdtempSync(path.join(os.tmpdir(), 'einthoven-dataset-pipe-')), name);

describe("a dataset's files (labels table, record files) that are no regular file", () => {
  it.skipIf(process.platform === 'win32')('a labels table is refused unread: its size limit was checked only on what had been read whole', async () => {
    const file = pipePath('labels.csv');
    await withPipe(file, 'filename,label\\n', async () => {
      await expect(readTable(file)).rejects.toMatchObject({ code: 'E_VALIDATION', message: `${file}: not a regular file (a folder, device, pipe or socket); nothing was read from it` });
    });
  });

  it.skipIf(process.platform === 'win32')("a record's file is refused unread, as the record size limit cannot apply to it", async () => {
    const file = pipePath('00001_lr.dat');
    await withPipe(file, 'abc', async () => {
      await expect(readSourceFiles([file])).rejects.toMatchObject({ code: 'E_VALIDATION', message: `${file}: not a regular file (a folder, device, pipe or socket); nothing was read from it` });
    });
  });

  it.skipIf(process.platform === 'win32')("a hospital folder's labels table (--labels) is refused unread, not waited on: its header line was read before the table's checks", async () => {
    // A pipe nobody writes to: opening it to read waits for a writer, so code that reads it never returns.
    const file = pipePath('labels.csv');
    execFileSync('mkfifo', [file]);
    try {
      await expect(loadHospital(path.dirname(file), { labels: file })).rejects.toMatchObject({ code: 'E_VALIDATION', message: `${file}: not a regular file (a folder, device, pipe or socket); nothing was read from it` });
    } finally {
      releaseReader(file);
    }
  });

  it.skipIf(process.platform === 'win32')("a CinC folder's header that is a pipe is refused unread, not left out without a word", async () => {
    const dir = cincFolder();
    expect((await loadCinc(dir)).items.map((i) => i.id)).toEqual(['HR06000']);
    const file = path.join(dir, 'x.hea');
    execFileSync('mkfifo', [file]);
    try {
      await expect(loadCinc(dir)).rejects.toMatchObject({ code: 'E_VALIDATION', message: `${file}: not a regular file (a folder, device, pipe or socket); nothing was read from it` });
    } finally {
      releaseReader(file);
    }
  });

  it("a CinC folder's header over the WFDB header limit is refused unread, not read whole", async () => {
    const dir = cincFolder();
    const file = path.join(dir, 'big.hea');
    // Sparse: a file of that size on disk costs nothing, and the old code read it whole all the same.
    writeFileSync(file, '');
    truncateSync(file, limits.maxWfdbHeaderBytes + 1);
    await expect(loadCinc(dir)).rejects.toMatchObject({ code: 'E_TOO_LARGE', message: `${file}: ${limits.maxWfdbHeaderBytes + 1} bytes is too large for a WFDB header (at most ${limits.maxWfdbHeaderBytes}); nothing was read from it` });
  });
});

describe('a CinC folder assembled from symbolic links', () => {
  it.skipIf(process.platform === 'win32')('loads linked records and linked folders, each folder and record once through a loop, and names a link to nothing', async () => {
    // As a hospital links its subset of a large download: the download elsewhere, the dataset folder only links.
    const [download, other] = [cincFolder(), cincFolder()];
    const root = mkdtempSync(path.join(os.tmpdir(), 'einthoven-cinc-links-'));
    for (const name of ['HR06000.hea', 'HR06000.mat']) symlinkSync(path.join(download, name), path.join(root, name));
    symlinkSync(other, path.join(root, 'linked'));
    // A loop back to the dataset folder, and a second link to the download's header: neither makes a record twice.
    symlinkSync(root, path.join(other, 'loop'));
    mkdirSync(path.join(root, 'again'));
    symlinkSync(path.join(download, 'HR06000.hea'), path.join(root, 'again', 'HR06000.hea'));
    symlinkSync(path.join(download, 'gone.hea'), path.join(root, 'gone.hea'));
    const dataset = await loadCinc(root);
    expect(dataset.items.map((i) => i.id)).toEqual(['HR06000', path.join('linked', 'HR06000')]);
    expect(dataset.dropped).toEqual([
      { id: 'gone', reason: `its header is a link to ${path.join(download, 'gone.hea')}, which is not there` },
      { id: path.join('again', 'HR06000'), reason: 'the same header as HR06000, reached again through a link' },
    ]);
    // Each record's files (links too) decode as the copied record does.
    const expected = await decodeRecordFiles(['HR06000.hea', 'HR06000.mat'].map((n) => fixturePath('formats', 'wfdb', n)));
    for (const item of dataset.items) expect((await decodeRecordFiles(item.files)).leads).toEqual(expected.leads);
  });

  it.skipIf(process.platform === 'win32')("a linked header goes through the header's checks: one over the limit is refused unread", async () => {
    const dir = cincFolder();
    const big = path.join(mkdtempSync(path.join(os.tmpdir(), 'einthoven-cinc-big-')), 'big.hea');
    writeFileSync(big, '');
    truncateSync(big, limits.maxWfdbHeaderBytes + 1);
    const link = path.join(dir, 'big.hea');
    symlinkSync(big, link);
    await expect(loadCinc(dir)).rejects.toMatchObject({ code: 'E_TOO_LARGE', message: `${link}: ${limits.maxWfdbHeaderBytes + 1} bytes is too large for a WFDB header (at most ${limits.maxWfdbHeaderBytes}); nothing was read from it` });
  });
});

/** A CinC folder of one real record: the committed CinC 2020 record HR06000 (.hea with its # Dx: line, .mat). */
function cincFolder(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-cinc-files-'));
  for (const name of ['HR06000.hea', 'HR06000.mat']) copyFileSync(fixturePath('formats', 'wfdb', name), path.join(dir, name));
  return dir;
}

/** Opens `pipe` to write and closes it, so a reader left waiting on it (the code under test before the fix) sees its end; none waiting is fine. */
function releaseReader(pipe: string): void {
  try {
    closeSync(openSync(pipe, constants.O_WRONLY | constants.O_NONBLOCK));
  } catch {
    // ENXIO: no reader opened the pipe, which is what the test expects.
  }
}
