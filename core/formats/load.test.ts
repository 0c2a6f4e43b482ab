import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withPipe } from '../test/named-pipe';
import { loadEachForDecoding } from './load';

describe('files named on the command line (inspect, measure, predict, convert)', () => {
  // A device or a pipe has size 0 to stat, so the size limit never applied: /dev/zero was read until
  // the process held gigabytes. A pipe is the safe stand-in here: a writer that gives three bytes and
  // closes, read by the old code, refused unread by the new.
  it.skipIf(process.platform === 'win32')('refuses a named pipe without reading it, as the size limit cannot apply to it', async () => {
    const fifo = path.join(mkdtempSync(path.join(os.tmpdir(), 'einthoven-fifo-')), '00001_hr.hea');
    await withPipe(fifo, 'abc', () => {
      const { sources, unreadable } = loadEachForDecoding([fifo]);
      expect(sources).toEqual([]);
      expect(unreadable).toEqual([{ file: fifo, error: expect.objectContaining({ code: 'E_VALIDATION', message: 'not a regular file (a device, pipe or socket); nothing was read from it' }) }]);
    });
  });
});
