import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPackage } from './archive';

describe('a model package named by a path', () => {
  // A device or a pipe has size 0 to stat, so the archive size limit never applied: --model /dev/zero held
  // 6 GB within 20 s. A pipe whose writer gives three bytes stands in: read by the old code, refused unread now.
  it.skipIf(process.platform === 'win32')('refuses a named pipe without reading it', async () => {
    const fifo = path.join(mkdtempSync(path.join(os.tmpdir(), 'einthoven-package-fifo-')), 'model.ecgmodel');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', `printf 'abc' > '${fifo}'`], { stdio: 'ignore' });
    try {
      await expect(readPackage(fifo)).rejects.toMatchObject({
        code: 'E_MODEL',
        message: `${fifo}: not a model package (not a regular file: a device, pipe or socket; nothing was read from it)`,
      });
    } finally {
      writer.kill();
    }
  });
});
