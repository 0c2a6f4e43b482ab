import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { paperPipelineConfig } from '../signal/pipeline-config';
import { cacheKey } from './disk-cache';

/** A record's two files (header and data) in a folder of their own. */
function recordFiles(): { header: string; data: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-disk-cache-'));
  const header = path.join(dir, '00001_lr.hea');
  const data = path.join(dir, '00001_lr.dat');
  writeFileSync(header, '00001_lr 12 100 1000\n');
  writeFileSync(data, Buffer.alloc(64, 1));
  return { header, data };
}

describe("the disk cache's key of a record", () => {
  const config = paperPipelineConfig({ normalisation: 'minmax' });

  it('is the same whatever order a folder listing gives the files in, so an unchanged record is not decoded again', async () => {
    const { header, data } = recordFiles();
    expect(await cacheKey([data, header], config)).toBe(await cacheKey([header, data], config));
  });

  it('changes when one of the files changes', async () => {
    const { header, data } = recordFiles();
    const before = await cacheKey([header, data], config);
    writeFileSync(data, Buffer.alloc(96, 2));
    expect(await cacheKey([data, header], config)).not.toBe(before);
    expect(await cacheKey([header, data], config)).not.toBe(before);
  });
});
