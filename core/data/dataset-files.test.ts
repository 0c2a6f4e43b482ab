import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTable } from './csv';
import { readSourceFiles } from './records';

/** A named pipe whose writer gives a short text and closes: what a device (size 0 to stat, never ending) is, read by the old code. */
async function withPipe(name: string, text: string, use: (file: string) => Promise<void>): Promise<void> {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'einthoven-dataset-pipe-')), name);
  execFileSync('mkfifo', [file]);
  const writer = spawn('sh', ['-c', `printf '${text}' > '${file}'`], { stdio: 'ignore' });
  try {
    await use(file);
  } finally {
    writer.kill();
  }
}

describe("a dataset's files (labels table, record files) that are no regular file", () => {
  it.skipIf(process.platform === 'win32')('a labels table is refused unread: its size limit was checked only on what had been read whole', async () => {
    await withPipe('labels.csv', 'filename,label\\n', async (file) => {
      await expect(readTable(file)).rejects.toMatchObject({ code: 'E_VALIDATION', message: `${file}: not a regular file (a folder, device, pipe or socket); nothing was read from it` });
    });
  });

  it.skipIf(process.platform === 'win32')("a record's file is refused unread, as the record size limit cannot apply to it", async () => {
    await withPipe('00001_lr.dat', 'abc', async (file) => {
      await expect(readSourceFiles([file])).rejects.toMatchObject({ code: 'E_VALIDATION', message: `${file}: not a regular file (a folder, device, pipe or socket); nothing was read from it` });
    });
  });
});
