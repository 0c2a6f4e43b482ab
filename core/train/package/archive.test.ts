import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledModelsDir } from '../../cli/commands/model-path';
import { withPipe } from '../../test/named-pipe';
import { ModelDirectory } from '../service/models';
import { readPackage } from './archive';

describe('a model package named by a path', () => {
  // A device or a pipe has size 0 to stat, so the archive size limit never applied: --model /dev/zero held
  // 6 GB within 20 s. A pipe whose writer gives three bytes stands in: read by the old code, refused unread now.
  it.skipIf(process.platform === 'win32')('refuses a named pipe without reading it', async () => {
    const fifo = path.join(mkdtempSync(path.join(os.tmpdir(), 'einthoven-package-fifo-')), 'model.ecgmodel');
    await withPipe(fifo, 'abc', async () => {
      await expect(readPackage(fifo)).rejects.toMatchObject({
        code: 'E_MODEL',
        message: `${fifo}: not a model package (not a regular file: a device, pipe or socket; nothing was read from it)`,
      });
    });
  });
});

describe("the data folder's models/ as the app lists it", () => {
  // A manifest.json that was a device or a pipe (size 0 to stat) was read whole at every listing: the engine
  // grew until it died, with every model. A pipe whose writer gives three bytes stands in for /dev/zero.
  it.skipIf(process.platform === 'win32')("skips a package whose manifest.json is no regular file without reading it, and lists the others", async () => {
    const models = mkdtempSync(path.join(os.tmpdir(), 'einthoven-models-fifo-'));
    cpSync(path.join(bundledModelsDir(), 'starter'), path.join(models, 'copy'), { recursive: true });
    mkdirSync(path.join(models, 'piped'));
    const fifo = path.join(models, 'piped', 'manifest.json');
    await withPipe(fifo, 'abc', async () => {
      const { entries, skipped } = await new ModelDirectory(undefined, models).list();
      expect(entries.map((e) => path.basename(e.location))).toEqual(['copy']);
      expect(skipped).toEqual([{ location: path.join(models, 'piped'), reason: `${fifo}: not a regular file (a folder, device, pipe or socket); nothing was read from it` }]);
    });
  });
});
